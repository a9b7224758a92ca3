#include "rundialog.h"

#include "access/identity.h"
#include "model/projectspec.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSpinBox>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace Baton::Ui {

namespace {

constexpr int kMaxParallelism = 1000;

// Commits every keystroke so that names are checked while they are typed, and leaves the
// editor alone when the model echoes the same text back (the cursor stays where it is).
class LiveDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override
    {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            auto *self = const_cast<LiveDelegate *>(this);
            QObject::connect(line, &QLineEdit::textEdited, self,
                             [self, line] { Q_EMIT self->commitData(line); });
        }
        return editor;
    }

    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        if (m_committing)
            return; // our own write coming back: the editor already holds it
        if (auto *line = qobject_cast<QLineEdit *>(editor)) {
            // An unchanged secret has no value here to edit: typing replaces it.
            const bool kept = index.data(RunDialog::KeepSecretRole).toBool();
            if (index.data(RunDialog::SecretRole).toBool()) {
                line->setEchoMode(QLineEdit::Password);
                line->setPlaceholderText(kept ? RunDialog::tr("(unchanged secret)") : QString());
            }
            const QString text = kept ? QString() : index.data(Qt::EditRole).toString();
            if (line->text() != text)
                line->setText(text);
            return;
        }
        QStyledItemDelegate::setEditorData(editor, index);
    }

    void setModelData(QWidget *editor, QAbstractItemModel *model,
                      const QModelIndex &index) const override
    {
        if (index.data(RunDialog::KeepSecretRole).toBool()) {
            auto *line = qobject_cast<QLineEdit *>(editor);
            if (!line || !line->isModified())
                return; // opened and left: the secret stays unchanged
            const QScopedValueRollback<bool> guard(m_committing, true);
            model->setData(index, false, RunDialog::KeepSecretRole);
            model->setData(index, QVariant(), Qt::FontRole);
            model->setData(index, QVariant(), Qt::ForegroundRole);
            model->setData(index, line->text(), Qt::EditRole);
            return;
        }
        QStyledItemDelegate::setModelData(editor, model, index);
    }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        // A secret typed anew is not displayed either.
        if (index.data(RunDialog::SecretRole).toBool()
            && !index.data(RunDialog::KeepSecretRole).toBool() && !option->text.isEmpty())
            option->text = QString(8, QChar(0x2022));
    }

private:
    mutable bool m_committing = false;
};

QString parameterRule()
{
    return RunDialog::tr("letters, digits and _ only, not starting with a digit");
}

} // namespace

RunDialog::RunDialog(const ProjectInfo &project, const PipelineInfo &pipeline, QWidget *parent)
    : QDialog(parent)
    , m_project(project)
    , m_pipeline(pipeline)
    , m_environment(new QComboBox(this))
    , m_environmentNote(new QLabel(this))
    , m_parallelism(new QSpinBox(this))
    , m_parameters(new QTableWidget(0, 2, this))
    , m_addButton(new QToolButton(this))
    , m_removeButton(new QToolButton(this))
    , m_parameterError(new QLabel(this))
    , m_title(nullptr)
    , m_retryNote(new QLabel(this))
    , m_runButton(nullptr)
{
    setObjectName(QStringLiteral("runDialog"));
    setWindowTitle(tr("Run Pipeline — %1/%2").arg(project.name, pipeline.name));
    const QString muted = Theme::mutedText(palette()).name();

    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(10);

    // Header: what is about to run.
    auto *header = new QHBoxLayout;
    header->setSpacing(10);
    auto *icon = new QLabel(this);
    icon->setPixmap(Icons::pipeline().pixmap(QSize(32, 32), devicePixelRatioF()));
    icon->setFixedSize(32, 32);
    header->addWidget(icon, 0, Qt::AlignTop);
    auto *titles = new QVBoxLayout;
    titles->setSpacing(1);
    m_title = new QLabel(tr("Run %1").arg(pipeline.name), this);
    m_title->setObjectName(QStringLiteral("runDialogTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    titles->addWidget(m_title);
    auto *subtitle = new QLabel(this);
    subtitle->setObjectName(QStringLiteral("runDialogSubtitle"));
    subtitle->setTextFormat(Qt::RichText);
    const int tasks = int(pipeline.tasks.size());
    subtitle->setText(QStringLiteral("<span style=\"color:%1\">%2</span>")
                          .arg(muted,
                               tr("Pipeline in <b>%1</b> · latest version v%2 · %3")
                                   .arg(project.name.toHtmlEscaped())
                                   .arg(pipeline.version)
                                   .arg(tasks == 1 ? tr("1 task") : tr("%1 tasks").arg(tasks))));
    titles->addWidget(subtitle);
    if (!pipeline.description.isEmpty()) {
        auto *description = new QLabel(pipeline.description, this);
        description->setWordWrap(true);
        titles->addWidget(description);
    }
    m_retryNote->setObjectName(QStringLiteral("runDialogRetryNote"));
    m_retryNote->setWordWrap(true);
    m_retryNote->setVisible(false);
    titles->addWidget(m_retryNote);
    header->addLayout(titles, 1);
    layout->addLayout(header);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignLeft);

    // Environments in promotion-path order; the ones gated by an approval say so.
    m_environment->setObjectName(QStringLiteral("runEnvironment"));
    for (const EnvironmentInfo &env : project.environments) {
        m_environment->addItem(env.approvalRequired ? tr("%1  (approval required)").arg(env.name)
                                                    : env.name,
                               env.name);
        if (env.approvalRequired) {
            m_environment->setItemData(m_environment->count() - 1,
                                       tr("Promotions to %1 need an approval.").arg(env.name),
                                       Qt::ToolTipRole);
        }
    }
    m_environment->setEnabled(m_environment->count() > 0);
    auto *environmentLabel = new QLabel(tr("&Environment:"), this);
    environmentLabel->setBuddy(m_environment);
    form->addRow(environmentLabel, m_environment);
    m_environmentNote->setObjectName(QStringLiteral("runEnvironmentNote"));
    form->addRow(QString(), m_environmentNote);
    connect(m_environment, &QComboBox::currentIndexChanged, this,
            &RunDialog::updateEnvironmentNote);

    m_parallelism->setObjectName(QStringLiteral("runParallelism"));
    m_parallelism->setRange(0, kMaxParallelism);
    m_parallelism->setSpecialValueText(tr("no limit"));
    m_parallelism->setAccelerated(true);
    m_parallelism->setToolTip(tr("How many of this run's tasks may run at once (0: no limit "
                                 "for this run)."));
    auto *parallelRow = new QHBoxLayout;
    parallelRow->addWidget(m_parallelism);
    auto *pipelineLimit = new QLabel(this);
    pipelineLimit->setTextFormat(Qt::RichText);
    pipelineLimit->setText(
        QStringLiteral("<span style=\"color:%1\">%2</span>")
            .arg(muted,
                 pipeline.maxParallel > 0
                     ? tr("the pipeline allows %1 at a time").arg(pipeline.maxParallel)
                     : tr("the pipeline sets no limit")));
    parallelRow->addWidget(pipelineLimit, 1);
    auto *parallelLabel = new QLabel(tr("Max &parallel tasks:"), this);
    parallelLabel->setBuddy(m_parallelism);
    form->addRow(parallelLabel, parallelRow);
    layout->addLayout(form);

    // Parameters: NAME = VALUE rows, run-scoped variables.
    auto *parametersTitle = new QLabel(tr("Pa&rameters"), this);
    QFont bold = parametersTitle->font();
    bold.setBold(true);
    parametersTitle->setFont(bold);
    parametersTitle->setBuddy(m_parameters);
    layout->addWidget(parametersTitle);
    auto *parametersHint = new QLabel(this);
    parametersHint->setWordWrap(true);
    parametersHint->setTextFormat(Qt::RichText);
    parametersHint->setText(QStringLiteral("<span style=\"color:%1\">%2</span>")
                                .arg(muted,
                                     tr("Variables for this run only: they override "
                                        "variables of the same name.")));
    layout->addWidget(parametersHint);

    m_parameters->setObjectName(QStringLiteral("runParameters"));
    m_parameters->setHorizontalHeaderLabels({ tr("Name"), tr("Value") });
    m_parameters->setItemDelegate(new LiveDelegate(m_parameters));
    m_parameters->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_parameters->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_parameters->setEditTriggers(QAbstractItemView::AllEditTriggers);
    m_parameters->setAlternatingRowColors(true);
    m_parameters->setWordWrap(false);
    m_parameters->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_parameters->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Interactive);
    m_parameters->horizontalHeader()->setStretchLastSection(true);
    m_parameters->setColumnWidth(NameColumn, 180);
    m_parameters->verticalHeader()->setDefaultSectionSize(
        m_parameters->verticalHeader()->minimumSectionSize() + 8);
    m_parameters->setMinimumHeight(140);
    layout->addWidget(m_parameters, 1);
    connect(m_parameters, &QTableWidget::itemChanged, this, &RunDialog::validate);
    connect(m_parameters, &QTableWidget::itemSelectionChanged, this,
            &RunDialog::updateRemoveButton);

    auto *removeAction = new QAction(tr("Remove Parameter"), m_parameters);
    removeAction->setShortcut(QKeySequence::Delete);
    removeAction->setShortcutContext(Qt::WidgetShortcut);
    m_parameters->addAction(removeAction);
    connect(removeAction, &QAction::triggered, this, &RunDialog::removeSelectedParameters);

    auto *buttons = new QHBoxLayout;
    m_addButton->setObjectName(QStringLiteral("addParameter"));
    m_addButton->setText(tr("&Add"));
    m_addButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_addButton->setToolTip(tr("Add a parameter"));
    m_addButton->setAutoRaise(false);
    connect(m_addButton, &QToolButton::clicked, this, [this] {
        const int row = addParameter();
        m_parameters->setCurrentCell(row, NameColumn);
        m_parameters->setFocus(Qt::OtherFocusReason);
        m_parameters->editItem(m_parameters->item(row, NameColumn));
    });
    m_removeButton->setObjectName(QStringLiteral("removeParameter"));
    m_removeButton->setText(tr("Re&move"));
    m_removeButton->setToolTip(tr("Remove the selected parameters (Delete)"));
    connect(m_removeButton, &QToolButton::clicked, this, &RunDialog::removeSelectedParameters);
    buttons->addWidget(m_addButton);
    buttons->addWidget(m_removeButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_parameterError->setObjectName(QStringLiteral("parameterError"));
    m_parameterError->setWordWrap(true);
    m_parameterError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_parameterError);

    auto *box = new QDialogButtonBox(this);
    m_runButton = box->addButton(tr("&Run"), QDialogButtonBox::AcceptRole);
    m_runButton->setObjectName(QStringLiteral("runButton"));
    m_runButton->setIcon(Icons::run());
    m_runButton->setDefault(true);
    box->addButton(QDialogButtonBox::Cancel);
    connect(box, &QDialogButtonBox::accepted, this, &RunDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &RunDialog::reject);
    layout->addWidget(box);

    updateEnvironmentNote();
    updateRemoveButton();
    validate();
    resize(560, 500);
}

RunDialog::~RunDialog()
{
    // Tearing the table down may commit an open editor: nothing here must react any more.
    disconnect(m_parameters, nullptr, this, nullptr);
}

QStringList RunDialog::environments() const
{
    QStringList names;
    for (int i = 0; i < m_environment->count(); ++i)
        names << m_environment->itemData(i).toString();
    return names;
}

QString RunDialog::environment() const
{
    return m_environment->currentData().toString();
}

bool RunDialog::setEnvironment(const QString &name)
{
    const int index = m_environment->findData(name);
    if (index < 0)
        return false;
    m_environment->setCurrentIndex(index);
    return true;
}

void RunDialog::updateEnvironmentNote()
{
    const QString muted = Theme::mutedText(palette()).name();
    QString text;
    if (m_environment->count() == 0) {
        text = tr("The project has no environment.");
    } else {
        text = tr("Runs the version deployed to %1, else the latest (v%2).")
                   .arg(environment().toHtmlEscaped())
                   .arg(m_pipeline.version);
    }
    m_environmentNote->setText(
        QStringLiteral("<span style=\"color:%1\">%2</span>").arg(muted, text));
}

QString RunDialog::rowName(int row) const
{
    const QTableWidgetItem *item = m_parameters->item(row, NameColumn);
    return item ? item->text().trimmed() : QString();
}

QString RunDialog::rowValue(int row) const
{
    const QTableWidgetItem *item = m_parameters->item(row, ValueColumn);
    return item ? item->text() : QString();
}

bool RunDialog::isBlankRow(int row) const
{
    return rowName(row).isEmpty() && rowValue(row).isEmpty() && !isKeptSecret(row);
}

bool RunDialog::isKeptSecret(int row) const
{
    const QTableWidgetItem *item = m_parameters->item(row, ValueColumn);
    return item && item->data(KeepSecretRole).toBool();
}

void RunDialog::setParameters(const QMap<QString, QString> &parameters)
{
    m_validating = true;
    m_parameters->setRowCount(0);
    m_validating = false;
    for (auto it = parameters.constBegin(); it != parameters.constEnd(); ++it)
        addParameter(it.key(), it.value());
    validate();
}

QMap<QString, QString> RunDialog::parameters() const
{
    QMap<QString, QString> result;
    for (int row = 0; row < m_parameters->rowCount(); ++row) {
        if (!isBlankRow(row) && !isKeptSecret(row))
            result.insert(rowName(row), rowValue(row));
    }
    return result;
}

QStringList RunDialog::keptSecrets() const
{
    QStringList names;
    for (int row = 0; row < m_parameters->rowCount(); ++row) {
        if (isKeptSecret(row))
            names << rowName(row);
    }
    return names;
}

void RunDialog::setRetryOf(const Baton::RetryDraft &draft)
{
    m_retry = draft;
    setWindowTitle(
        tr("Run Again — %1/%2 (from run #%3)").arg(draft.project, draft.pipeline).arg(draft.runId));
    m_title->setText(tr("Run %1 again, with changes").arg(draft.pipeline));
    QString note = tr("From run #%1: v%2 in %3.")
                       .arg(draft.runId)
                       .arg(draft.pipelineVersion)
                       .arg(draft.environment.toHtmlEscaped());
    if (draft.deployedVersion != draft.pipelineVersion && draft.deployedVersion > 0)
        note += QLatin1Char(' ')
            + tr("<b>v%1 is deployed there now: the new run runs v%1.</b>")
                  .arg(draft.deployedVersion);
    if (!draft.secretParameters.isEmpty())
        note += QLatin1Char(' ') + tr("Secrets are kept unchanged unless you type a new value.");
    m_retryNote->setText(note);
    m_retryNote->setVisible(true);
    setEnvironment(draft.environment);
    setParallelism(draft.parallelism);

    m_validating = true;
    m_parameters->setRowCount(0);
    m_validating = false;
    QFont italic = m_parameters->font();
    italic.setItalic(true);
    const QColor muted = Theme::mutedText(palette());
    for (auto it = draft.parameters.constBegin(); it != draft.parameters.constEnd(); ++it) {
        const bool secret = draft.isSecret(it.key());
        const int row = addParameter(it.key(), secret ? tr("(unchanged secret)") : it.value());
        if (!secret)
            continue;
        m_validating = true;
        QTableWidgetItem *name = m_parameters->item(row, NameColumn);
        name->setFlags(name->flags() & ~Qt::ItemIsEditable); // the value it keeps is its name's
        QTableWidgetItem *value = m_parameters->item(row, ValueColumn);
        value->setData(SecretRole, true);
        value->setData(KeepSecretRole, true);
        value->setFont(italic);
        value->setForeground(muted);
        value->setToolTip(tr("The value of run #%1, kept by Baton and never shown: type a new "
                             "value to replace it, remove the row to leave it out")
                              .arg(draft.runId));
        m_validating = false;
    }
    validate();
}

Baton::RetryRequest RunDialog::retryRequest() const
{
    RetryRequest r;
    r.runId = m_retry.runId;
    r.environment = environment();
    r.parameters = parameters();
    r.keepSecrets = keptSecrets();
    r.parallelism = parallelism();
    r.actor = currentUser();
    return r;
}

int RunDialog::addParameter(const QString &name, const QString &value)
{
    const int row = m_parameters->rowCount();
    m_validating = true; // one check once the row is complete, not one per cell
    m_parameters->insertRow(row);
    auto *nameItem = new QTableWidgetItem(name);
    nameItem->setToolTip(tr("The variable's name: %1").arg(parameterRule()));
    m_parameters->setItem(row, NameColumn, nameItem);
    m_parameters->setItem(row, ValueColumn, new QTableWidgetItem(value));
    m_validating = false;
    validate();
    return row;
}

void RunDialog::removeParameter(int row)
{
    if (row < 0 || row >= m_parameters->rowCount())
        return;
    m_parameters->removeRow(row);
    validate();
}

void RunDialog::removeSelectedParameters()
{
    QList<int> rows;
    const QModelIndexList selected = m_parameters->selectionModel()->selectedIndexes();
    for (const QModelIndex &index : selected) {
        if (!rows.contains(index.row()))
            rows << index.row();
    }
    if (rows.isEmpty() && m_parameters->currentRow() >= 0)
        rows << m_parameters->currentRow();
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    for (int row : std::as_const(rows))
        m_parameters->removeRow(row);
    validate();
    updateRemoveButton();
}

void RunDialog::updateRemoveButton()
{
    m_removeButton->setEnabled(
        m_parameters->rowCount() > 0
        && (m_parameters->selectionModel()->hasSelection() || m_parameters->currentRow() >= 0));
}

int RunDialog::parameterRowCount() const
{
    return m_parameters->rowCount();
}

QString RunDialog::parameterError() const
{
    if (m_invalidRows.isEmpty())
        return {};
    QString text = m_rowErrors.value(m_invalidRows.first());
    const int more = int(m_invalidRows.size()) - 1;
    if (more == 1)
        text += tr(" (and 1 more row to fix)");
    else if (more > 1)
        text += tr(" (and %1 more rows to fix)").arg(more);
    return text;
}

void RunDialog::validate()
{
    if (m_validating)
        return;
    m_validating = true;
    const QPalette pal = palette();
    const QColor failure = Theme::failure(pal);
    const QColor tint = Theme::mix(pal.color(QPalette::Base), failure, 0.16);
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);

    m_invalidRows.clear();
    m_rowErrors.clear();
    QMap<QString, int> seen; // name → first row that sets it
    for (int row = 0; row < m_parameters->rowCount(); ++row) {
        QString error;
        const QString name = rowName(row);
        if (!isBlankRow(row)) {
            const QString retryError
                = isRetry() ? RunRetry::nameError(name, m_retry.declared) : QString();
            if (name.isEmpty()) {
                error = tr("Row %1: the value has no name.").arg(row + 1);
            } else if (!isValidVariableName(name)) {
                error = tr("Row %1: “%2” is not a valid parameter name (%3).")
                            .arg(row + 1)
                            .arg(name, parameterRule());
            } else if (!retryError.isEmpty()) {
                error = tr("Row %1: %2.").arg(row + 1).arg(retryError);
            } else if (seen.contains(name)) {
                error = tr("Row %1: %2 is already set in row %3.")
                            .arg(row + 1)
                            .arg(name)
                            .arg(seen.value(name) + 1);
            } else {
                seen.insert(name, row);
            }
        }
        QTableWidgetItem *nameItem = m_parameters->item(row, NameColumn);
        QTableWidgetItem *valueItem = m_parameters->item(row, ValueColumn);
        if (!error.isEmpty()) {
            m_invalidRows << row;
            m_rowErrors.insert(row, error);
        }
        for (QTableWidgetItem *item : { nameItem, valueItem }) {
            if (!item)
                continue;
            item->setData(Qt::BackgroundRole, error.isEmpty() ? QVariant() : QVariant(tint));
        }
        if (nameItem) {
            nameItem->setData(Qt::DecorationRole, error.isEmpty() ? QVariant() : QVariant(warning));
            nameItem->setData(Qt::ForegroundRole,
                              error.isEmpty() ? QVariant() : QVariant(QBrush(failure)));
            nameItem->setToolTip(
                error.isEmpty() ? tr("The variable's name: %1").arg(parameterRule()) : error);
        }
    }
    m_validating = false;

    const QString message = parameterError();
    m_parameterError->setText(message);
    m_parameterError->setStyleSheet(QStringLiteral("color: %1;").arg(failure.name()));
    m_parameterError->setVisible(!message.isEmpty());
    const bool valid = m_invalidRows.isEmpty();
    const bool changed = m_runButton->isEnabled() != valid;
    m_runButton->setEnabled(valid);
    m_runButton->setToolTip(valid ? QString() : message);
    updateRemoveButton();
    if (changed)
        Q_EMIT validityChanged(valid);
}

int RunDialog::parallelism() const
{
    return m_parallelism->value();
}

void RunDialog::setParallelism(int tasks)
{
    m_parallelism->setValue(tasks);
}

RunRequest RunDialog::request() const
{
    RunRequest request;
    request.project = m_project.name;
    request.pipeline = m_pipeline.name;
    request.environment = environment();
    request.parameters = parameters();
    request.parallelism = parallelism();
    request.trigger = QStringLiteral("manual");
    request.actor = currentUser();
    return request;
}

void RunDialog::accept()
{
    // An editor still open may hold text the model has not seen (typing is committed as it
    // happens, other input may not be): moving the current cell away commits and closes it.
    m_parameters->setCurrentIndex(QModelIndex());
    validate();
    if (!isValid()) {
        if (!m_invalidRows.isEmpty())
            m_parameters->setCurrentCell(m_invalidRows.first(), NameColumn);
        return;
    }
    QDialog::accept();
}

void RunDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_runButton) {
        validate(); // the row colours come from the palette
        updateEnvironmentNote();
    }
}

} // namespace Baton::Ui
