#include "variablesdialog.h"

#include "access/identity.h"
#include "store/projectedits.h"
#include "store/store.h"
#include "util/error.h"
#include "widgets/backgroundtask.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

// Set on a secret's value cell: the value the row had in the store is kept when left empty.
constexpr int SecretRole = Qt::UserRole + 1;

// Secret values are typed masked and shown masked; the stored value is never in the cell.
class ValueDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override
    {
        QWidget *editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto *line = qobject_cast<QLineEdit *>(editor); line && isSecret(index)) {
            line->setEchoMode(QLineEdit::Password);
            line->setPlaceholderText(VariablesDialog::tr("stored value kept unless you type one"));
        }
        return editor;
    }
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (!isSecret(index))
            return;
        if (option->text.isEmpty()) {
            option->text = VariablesDialog::tr("(stored — leave empty to keep)");
            option->palette.setColor(QPalette::Text,
                                     option->palette.color(QPalette::PlaceholderText));
        } else {
            option->text = QString(8, QChar(0x2022));
        }
    }

private:
    static bool isSecret(const QModelIndex &index)
    {
        return index.siblingAtColumn(VariablesDialog::SecretColumn).data(Qt::CheckStateRole)
            == Qt::Checked;
    }
};

} // namespace

VariablesDialog::VariablesDialog(const Baton::Store *store, const Baton::ProjectInfo &project,
                                 const QStringList &pipelines, const QString &pipeline,
                                 QWidget *parent)
    : EditDialog(parent)
    , m_store(store)
    , m_project(project)
{
    setObjectName(QStringLiteral("variablesDialog"));
    setWindowTitle(tr("Variables of %1").arg(project.name));
    auto *top = new QHBoxLayout;
    auto *scopeLabel = new QLabel(tr("&Scope:"), this);
    top->addWidget(scopeLabel);
    m_scope = new QComboBox(this);
    scopeLabel->setBuddy(m_scope);
    m_scope->setObjectName(QStringLiteral("variablesScope"));
    m_scope->addItem(tr("Project %1 (and its environments)").arg(project.name), QString());
    for (const QString &p : pipelines)
        m_scope->addItem(tr("Pipeline %1/%2").arg(project.name, p), p);
    m_scope->setCurrentIndex(std::max(0, m_scope->findData(pipeline)));
    top->addWidget(m_scope, 1);
    body()->addLayout(top);

    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName(QStringLiteral("variablesTable"));
    m_table->setHorizontalHeaderLabels(
        { tr("Name"), tr("Environment"), tr("Secret"), tr("Value") });
    m_table->horizontalHeader()->setSectionResizeMode(ValueColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(NameColumn, 180);
    m_table->setColumnWidth(EnvironmentColumn, 160);
    m_table->setColumnWidth(SecretColumn, 60);
    m_table->setItemDelegateForColumn(ValueColumn, new ValueDelegate(m_table));
    m_table->verticalHeader()->hide();
    body()->addWidget(m_table, 1);

    auto *row = new QHBoxLayout;
    m_add = new QPushButton(tr("&Add"), this);
    m_remove = new QPushButton(tr("&Remove"), this);
    row->addWidget(m_add);
    row->addWidget(m_remove);
    row->addStretch(1);
    body()->addLayout(row);
    auto *hint = new QLabel(tr("Narrower scopes win: project < environment < pipeline < run. "
                               "Secret values are never shown: leave one empty to keep it."),
                            this);
    hint->setWordWrap(true);
    body()->addWidget(hint);
    connect(m_add, &QPushButton::clicked, this, [this] {
        addRow(VariableSpec {});
        m_table->setCurrentCell(m_table->rowCount() - 1, NameColumn);
        m_table->editItem(m_table->currentItem());
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    connect(m_scope, &QComboBox::currentIndexChanged, this, &VariablesDialog::load);
    resize(720, 440);
    load();
}

QString VariablesDialog::pipeline() const
{
    return m_scope->currentData().toString();
}

void VariablesDialog::addRow(const Baton::VariableSpec &variable)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, NameColumn, new QTableWidgetItem(variable.name));
    auto *env = new QComboBox(m_table);
    env->addItem(tr("Every environment"), QString());
    for (const EnvironmentInfo &e : m_project.environments)
        env->addItem(e.name, e.name);
    env->setCurrentIndex(std::max(0, env->findData(variable.environment)));
    m_table->setCellWidget(row, EnvironmentColumn, env);
    auto *secret = new QTableWidgetItem;
    secret->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    secret->setCheckState(variable.secret ? Qt::Checked : Qt::Unchecked);
    m_table->setItem(row, SecretColumn, secret);
    // A secret's stored value is never read: the cell starts empty.
    auto *value
        = new QTableWidgetItem(variable.secret ? QString() : variable.value.value_or(QString()));
    value->setData(SecretRole, variable.secret);
    m_table->setItem(row, ValueColumn, value);
}

void VariablesDialog::load()
{
    m_loaded = false;
    m_table->setRowCount(0);
    m_table->setEnabled(false);
    buttons()->button(QDialogButtonBox::Save)->setEnabled(false);
    const int serial = ++m_serial;
    const Store *store = m_store;
    const QString project = m_project.name, scope = pipeline();
    struct Answer
    {
        QList<VariableSpec> vars;
        QString error;
    };
    BackgroundTask::run(
        this, BackgroundTask::shared(),
        [store, project, scope] {
            Answer r;
            r.error = failureOf([&] {
                // Catalog's spec carries no secret value: it never reaches this process's
                // screens.
                const ProjectSpec spec = Catalog::projectSpec(store->db(), project);
                if (scope.isEmpty()) {
                    r.vars = spec.variables;
                } else if (const PipelineSpec *p = spec.pipeline(scope)) {
                    r.vars = p->variables;
                }
            });
            return r;
        },
        [this, serial](const Answer &r) {
            if (serial == m_serial)
                showVariables(r.vars, r.error);
        });
}

void VariablesDialog::showVariables(const QList<Baton::VariableSpec> &variables,
                                    const QString &error)
{
    showError(error);
    for (const VariableSpec &v : variables)
        addRow(v);
    m_table->setEnabled(true);
    buttons()->button(QDialogButtonBox::Save)->setEnabled(error.isEmpty());
    m_loaded = error.isEmpty();
    Q_EMIT loaded();
}

QList<Baton::VariableSpec> VariablesDialog::variables() const
{
    QList<VariableSpec> out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        VariableSpec v;
        v.name = m_table->item(row, NameColumn)->text().trimmed();
        v.environment = static_cast<QComboBox *>(m_table->cellWidget(row, EnvironmentColumn))
                            ->currentData()
                            .toString();
        v.secret = m_table->item(row, SecretColumn)->checkState() == Qt::Checked;
        const QString value = m_table->item(row, ValueColumn)->text();
        // An empty secret keeps what is stored; an empty plain variable is an empty value.
        if (!v.secret || !value.isEmpty())
            v.value = value;
        out << v;
    }
    return out;
}

QString VariablesDialog::check() const
{
    if (!m_loaded)
        return tr("the variables are still loading");
    QSet<QString> seen;
    for (const VariableSpec &v : variables()) {
        if (v.name.isEmpty())
            return QStringLiteral("variables: a row has no name");
        const QString key = v.name + QLatin1Char('@') + v.environment;
        if (seen.contains(key))
            return QStringLiteral("variables: %1 is listed twice%2")
                .arg(v.name,
                     v.environment.isEmpty() ? QString() : QStringLiteral(" for ") + v.environment);
        seen.insert(key);
    }
    return {};
}

std::function<Baton::ImportSummary()> VariablesDialog::work() const
{
    const Store *store = m_store;
    const QString project = m_project.name, scope = pipeline(), actor = currentUser();
    const QList<VariableSpec> vars = variables();
    return [=] {
        return ProjectEdits::setVariables(*store, project, scope, vars, actor);
    };
}

} // namespace Baton::Ui
