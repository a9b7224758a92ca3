#include "shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSet>
#include <QShortcut>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <tuple>

namespace Baton::Ui {

namespace {

// "reviewPanel" → "review panel", "Baton::Ui::LogViewer" → "log viewer".
QString humanize(QString name)
{
    name = name.section(QStringLiteral("::"), -1);
    name.replace(QRegularExpression(QStringLiteral("([a-z0-9])([A-Z])")),
                 QStringLiteral("\\1 \\2"));
    return name.toLower();
}

QString plain(QString text)
{
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    text.replace(QStringLiteral("&&"), QStringLiteral("&"));
    text.remove(QChar(0x2026)); // "…"
    return text.trimmed();
}

QString describe(const QWidget *widget)
{
    if (!widget->accessibleName().isEmpty())
        return widget->accessibleName().toLower();
    if (!widget->objectName().isEmpty())
        return humanize(widget->objectName());
    return humanize(QString::fromLatin1(widget->metaObject()->className()));
}

// The mode page (objectName "…Mode") or the document tabs holding @p widget.
QString placeOf(const QWidget *widget)
{
    for (const QWidget *w = widget; w; w = w->parentWidget()) {
        const QString name = w->objectName();
        if (name.endsWith(QLatin1String("Mode")) && name.size() > 4) {
            QString mode = name.chopped(4);
            mode[0] = mode.at(0).toUpper();
            return mode;
        }
        if (name == QLatin1String("documentTabs"))
            return ShortcutsDialog::tr("Run, log and diff tabs");
    }
    return ShortcutsDialog::tr("Window");
}

QString whenText(Qt::ShortcutContext context, const QWidget *widget)
{
    switch (context) {
    case Qt::WidgetShortcut:
    case Qt::WidgetWithChildrenShortcut:
        return widget ? ShortcutsDialog::tr("in the %1").arg(describe(widget)) : QString();
    case Qt::WindowShortcut:
    case Qt::ApplicationShortcut:
        break;
    }
    return ShortcutsDialog::tr("anywhere in the window");
}

QString keysText(const QList<QKeySequence> &keys)
{
    QStringList texts;
    for (const QKeySequence &k : keys)
        texts << k.toString(QKeySequence::NativeText);
    return texts.join(QStringLiteral(", "));
}

} // namespace

QList<ShortcutEntry> ShortcutsDialog::collect(QMainWindow *window)
{
    QList<ShortcutEntry> entries;
    QSet<QString> seen;
    const auto add = [&](const ShortcutEntry &e) {
        const QString key = e.keys + QLatin1Char('\n') + e.name + QLatin1Char('\n') + e.where;
        if (e.keys.isEmpty() || seen.contains(key))
            return;
        seen.insert(key);
        entries << e;
    };
    QList<QAction *> actions = window->findChildren<QAction *>();
    actions += window->actions();
    for (QAction *action : std::as_const(actions)) {
        if (action->shortcuts().isEmpty() || action->isSeparator())
            continue;
        // Only what can fire: an action on no widget or menu has no shortcut in effect.
        const QList<QObject *> on = action->associatedObjects();
        if (on.isEmpty())
            continue;
        ShortcutEntry e;
        e.keys = keysText(action->shortcuts());
        e.name = plain(action->text());
        if (e.name.isEmpty())
            e.name = plain(action->toolTip().section(QStringLiteral(" ("), 0, 0));
        if (e.name.isEmpty())
            e.name = humanize(action->objectName());
        const QWidget *widget = nullptr;
        for (QObject *o : on) {
            if (auto *menu = qobject_cast<QMenu *>(o)) {
                // The menu bar's menu it sits in (the top one for a submenu).
                QMenu *top = menu;
                while (auto *parentMenu = qobject_cast<QMenu *>(top->parentWidget()))
                    top = parentMenu;
                if (top->menuAction() && window->menuBar()->actions().contains(top->menuAction()))
                    e.where = tr("%1 menu").arg(plain(top->title()));
            } else if (auto *w = qobject_cast<QWidget *>(o); w && !widget) {
                widget = w;
            }
        }
        if (e.where.isEmpty())
            e.where = widget ? placeOf(widget) : tr("Window");
        e.when = whenText(action->shortcutContext(), widget);
        add(e);
    }
    const QList<QShortcut *> shortcuts = window->findChildren<QShortcut *>();
    for (QShortcut *shortcut : shortcuts) {
        if (!shortcut->isEnabled())
            continue;
        ShortcutEntry e;
        e.keys = keysText(shortcut->keys());
        const QWidget *widget = qobject_cast<QWidget *>(shortcut->parent());
        e.name = !shortcut->whatsThis().isEmpty() ? shortcut->whatsThis()
                                                  : humanize(shortcut->objectName());
        e.where = widget ? placeOf(widget) : tr("Window");
        e.when = whenText(shortcut->context(), widget);
        add(e);
    }
    std::sort(entries.begin(), entries.end(), [](const ShortcutEntry &a, const ShortcutEntry &b) {
        return std::tie(a.where, a.keys, a.name) < std::tie(b.where, b.keys, b.name);
    });
    return entries;
}

ShortcutsDialog::ShortcutsDialog(QMainWindow *window)
    : QDialog(window)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    auto *layout = new QVBoxLayout(this);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("shortcutsFilter"));
    m_filter->setPlaceholderText(tr("Filter: a key (Ctrl+R) or what it does"));
    m_filter->setClearButtonEnabled(true);
    layout->addWidget(m_filter);
    m_table = new QTreeWidget(this);
    m_table->setObjectName(QStringLiteral("shortcutsTable"));
    m_table->setHeaderLabels({ tr("Shortcut"), tr("Action"), tr("Where"), tr("When") });
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(false);
    for (const ShortcutEntry &e : collect(window)) {
        auto *item = new QTreeWidgetItem(m_table, { e.keys, e.name, e.where, e.when });
        item->setToolTip(1, e.name);
    }
    for (int c = 0; c < 3; ++c)
        m_table->resizeColumnToContents(c);
    layout->addWidget(m_table, 1);
    auto *note = new QLabel(tr("Read from the console's own actions as it is now: a shortcut "
                               "listed is one that works."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_filter, &QLineEdit::textChanged, this, &ShortcutsDialog::applyFilter);
    resize(760, 560);
}

void ShortcutsDialog::applyFilter(const QString &text)
{
    const QString needle = text.trimmed();
    for (int i = 0; i < m_table->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_table->topLevelItem(i);
        bool match = needle.isEmpty();
        for (int c = 0; c < m_table->columnCount() && !match; ++c)
            match = item->text(c).contains(needle, Qt::CaseInsensitive);
        item->setHidden(!match);
    }
}

} // namespace Baton::Ui
