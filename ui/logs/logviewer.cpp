#include "logviewer.h"

#include "logview.h"
#include "widgets/adaptiverow.h"
#include "widgets/theme.h"

#include <QAction>
#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>
#include <climits>

namespace Baton::Ui {

namespace {

QToolButton *toolButton(const QString &text, const QString &tip, QWidget *parent,
                        const QString &name)
{
    auto *b = new QToolButton(parent);
    b->setObjectName(name);
    b->setText(text);
    b->setToolTip(tip);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setAutoRaise(true);
    return b;
}

} // namespace

LogViewer::LogViewer(QWidget *parent)
    : QWidget(parent)
    , m_view(new LogView(this))
    , m_findEdit(new QLineEdit(this))
    , m_case(new QCheckBox(tr("Match case"), this))
    , m_prev(toolButton(QStringLiteral("▲"), tr("Previous match (Shift+F3)"), this,
                        QStringLiteral("findPrevious")))
    , m_next(
          toolButton(QStringLiteral("▼"), tr("Next match (F3)"), this, QStringLiteral("findNext")))
    , m_firstError(
          toolButton(tr("First error"),
                     tr("Jump to the first error line (Ctrl+Shift+E): the first supervisor note "
                        "or stderr line naming an error, else the first stderr line"),
                     this, QStringLiteral("firstError")))
    , m_follow(toolButton(tr("Follow"), tr("Keep showing new output (End)"), this,
                          QStringLiteral("follow")))
    , m_copy(toolButton(tr("Copy"), tr("Copy the selected lines, or the lines on screen (Ctrl+C)"),
                        this, QStringLiteral("copyLog")))
    , m_save(toolButton(tr("Save…"), tr("Save the whole log (Ctrl+S)"), this,
                        QStringLiteral("saveLog")))
    , m_findMessage(new QLabel(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("logViewer"));
    m_findEdit->setObjectName(QStringLiteral("logFind"));
    m_findEdit->setPlaceholderText(tr("Find in log (Ctrl+F)"));
    m_findEdit->setClearButtonEnabled(true);
    m_findEdit->setMaximumWidth(320);
    m_case->setObjectName(QStringLiteral("logMatchCase"));
    m_follow->setCheckable(true);
    m_follow->setChecked(m_view->isFollowing());
    m_findMessage->setObjectName(QStringLiteral("logFindMessage"));
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // Find, then the log's actions: on a second line when the pane is narrow, so that the
    // find box keeps room to type in (1024×700).
    m_findEdit->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 10);
    auto *bar = new AdaptiveRow(this);
    bar->setObjectName(QStringLiteral("logBar"));
    bar->setContentsMargins(4, 2, 4, 2);
    auto *find = new QHBoxLayout;
    find->setSpacing(4);
    find->addWidget(m_findEdit, 1);
    find->addWidget(m_prev);
    find->addWidget(m_next);
    find->addWidget(m_case);
    find->addWidget(m_findMessage);
    find->addStretch();
    auto *actions = new QHBoxLayout;
    actions->setSpacing(4);
    actions->addStretch();
    actions->addWidget(m_firstError);
    actions->addWidget(m_follow);
    actions->addWidget(m_copy);
    actions->addWidget(m_save);
    bar->addLayout(find, 1);
    bar->addLayout(actions);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    m_status->setContentsMargins(6, 2, 6, 2);

    const auto search = [this] {
        m_view->setSearchText(m_findEdit->text(), m_case->isChecked());
    };
    connect(m_findEdit, &QLineEdit::textChanged, this, [this, search] {
        search();
        setFindMessage({}, false);
    });
    connect(m_case, &QCheckBox::toggled, this, search);
    // Enter: next match (Shift+Enter is caught in eventFilter: previous).
    m_findEdit->installEventFilter(this);
    connect(m_findEdit, &QLineEdit::returnPressed, this, [this, search] {
        search();
        m_view->findNext();
    });
    connect(m_next, &QToolButton::clicked, this, [this, search] {
        search();
        m_view->findNext();
    });
    connect(m_prev, &QToolButton::clicked, this, [this, search] {
        search();
        m_view->findPrevious();
    });
    connect(m_firstError, &QToolButton::clicked, m_view, &LogView::jumpToFirstError);
    connect(m_follow, &QToolButton::toggled, m_view, &LogView::setFollowing);
    connect(m_view, &LogView::followingChanged, m_follow, &QToolButton::setChecked);
    connect(m_copy, &QToolButton::clicked, m_view, &LogView::copy);
    connect(m_save, &QToolButton::clicked, this, &LogViewer::saveAs);
    connect(m_view, &LogView::statusChanged, this, &LogViewer::updateStatus);
    connect(m_view, &LogView::liveChanged, this, &LogViewer::showLive);
    connect(m_view, &LogView::findFinished, this, [this](bool found, bool wrapped) {
        if (!found)
            setFindMessage(tr("not found"), true);
        else
            setFindMessage(wrapped ? tr("search wrapped around") : QString(), false);
    });
    connect(m_view, &LogView::firstErrorFinished, this, [this](bool found) {
        setFindMessage(found ? QString() : tr("no error line"), !found);
    });
    connect(m_view, &LogView::saved, this, [this](const QString &target, const QString &error) {
        setFindMessage(error.isEmpty() ? tr("saved to %1").arg(QFileInfo(target).fileName())
                                       : error,
                       !error.isEmpty());
        Q_EMIT saved(target, error);
    });

    // Named: Help → Keyboard Shortcuts lists them by their text.
    const auto shortcut = [this](const QString &text, const QKeySequence &keys, auto slot) {
        auto *a = new QAction(text, this);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
        connect(a, &QAction::triggered, this, slot);
    };
    shortcut(tr("Find in the log"), QKeySequence::Find, [this] { focusFind(); });
    shortcut(tr("Find next"), QKeySequence(Qt::Key_F3), [this] { m_next->click(); });
    shortcut(tr("Find previous"), QKeySequence(Qt::SHIFT | Qt::Key_F3),
             [this] { m_prev->click(); });
    shortcut(tr("Jump to the first error"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
             [this] { m_view->jumpToFirstError(); });
    shortcut(tr("Save the log as…"), QKeySequence::Save, [this] { saveAs(); });
    updateStatus();
}

bool LogViewer::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_findEdit && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && (key->modifiers() & Qt::ShiftModifier)) {
            m_view->setSearchText(m_findEdit->text(), m_case->isChecked());
            m_view->findPrevious();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LogViewer::setLog(const QString &path, const QString &title, bool live)
{
    m_title = title;
    setFindMessage({}, false);
    m_view->openFile(path, true);
    setLive(live);
    updateStatus();
}

void LogViewer::setLive(bool live)
{
    m_view->setLive(live);
    showLive(live);
}

void LogViewer::showLive(bool live)
{
    m_follow->setEnabled(true);
    m_follow->setToolTip(live ? tr("Keep showing new output as the task writes it (End)")
                              : tr("Show the end of the log (End)"));
}

QString LogViewer::path() const
{
    return m_view->path();
}

QString LogViewer::findMessage() const
{
    return m_findMessage->text();
}

void LogViewer::setFindMessage(const QString &message, bool bad)
{
    m_findMessage->setText(message);
    QPalette p = m_findMessage->palette();
    p.setColor(QPalette::WindowText, bad ? Theme::failure(palette()) : Theme::mutedText(palette()));
    m_findMessage->setPalette(p);
}

void LogViewer::focusFind()
{
    m_findEdit->setFocus(Qt::ShortcutFocusReason);
    m_findEdit->selectAll();
}

void LogViewer::saveAs()
{
    if (m_view->path().isEmpty())
        return;
    const QString records = tr("Log records (*.log)");
    const QString textOnly = tr("Text only, without times and streams (*.txt)");
    auto *dialog = new QFileDialog(this, tr("Save Log"), QString(),
                                   records + QStringLiteral(";;") + textOnly);
    dialog->setObjectName(QStringLiteral("saveLogDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QString base = m_title.isEmpty() ? QFileInfo(m_view->path()).fileName() : m_title;
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]+")), QStringLiteral("-"));
    dialog->selectFile(base + QStringLiteral(".log"));
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, dialog, textOnly](const QString &file) {
                m_view->saveTo(file, dialog->selectedNameFilter() == textOnly);
            });
    dialog->open();
}

void LogViewer::updateStatus()
{
    const QLocale locale;
    QStringList parts;
    if (!m_title.isEmpty())
        parts << m_title;
    if (!m_view->openError().isEmpty()) {
        parts << m_view->openError();
    } else if (!m_view->path().isEmpty() && m_view->fileSize() == 0 && !m_view->isIndexing()
               && !m_view->isLoading()) {
        // Empty or missing (an attempt that wrote nothing has no log file): one word for both.
        parts << (m_view->isLive() ? tr("no output yet") : tr("no output"));
        if (m_view->isLive())
            parts << (m_view->isFollowing() ? tr("following") : tr("paused"));
    } else if (!m_view->path().isEmpty()) {
        parts << locale.formattedDataSize(m_view->fileSize());
        if (m_view->isIndexing()) {
            parts << tr("counting lines… %1 so far").arg(locale.toString(m_view->indexedLines()));
        } else {
            const qint64 lines = m_view->indexedLines();
            parts << (lines == 1 ? tr("1 line") : tr("%1 lines").arg(locale.toString(lines)));
        }
        if (const qint64 top = m_view->topLineNumber())
            parts << tr("line %1").arg(locale.toString(top));
        parts << (m_view->isFollowing() ? tr("following") : tr("paused"));
    }
    m_status->setText(parts.join(QStringLiteral("  ·  ")));
}

} // namespace Baton::Ui
