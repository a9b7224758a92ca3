#pragma once

#include <QDialog>

class QLineEdit;
class QTreeWidget;
class QMainWindow;

namespace Baton::Ui {

/// One keyboard shortcut the window answers to.
struct ShortcutEntry
{
    QString keys; ///< "Ctrl+Shift+A", several separated by ", "
    QString name; ///< "Approve"
    QString where; ///< the menu or mode it belongs to: "View", "Review", "Run tabs"
    QString when; ///< "anywhere in the window", "in the review panel"
};

/// Help → Keyboard Shortcuts: every shortcut of the window, read from the QActions and
/// QShortcuts that exist when it opens (those attached to a widget, so able to fire), so the
/// list cannot go stale. A box filters it.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ShortcutsDialog(QMainWindow *window);

    /// Reads the window's shortcuts now; sorted by where, then keys.
    static QList<ShortcutEntry> collect(QMainWindow *window);

    QTreeWidget *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }

private:
    void applyFilter(const QString &text);

    QLineEdit *m_filter;
    QTreeWidget *m_table;
};

} // namespace Baton::Ui
