#pragma once

#include <QIcon>
#include <QKeySequence>
#include <QList>
#include <QVariantMap>
#include <QWidget>

class QAction;
class QMenu;
class QSettings;

namespace Baton::Ui {

/// One of the console's modes, as Qt Creator's modes are: a page with a place on the rail.
/// The main window knows a mode only through this class: it builds the rail, the shortcuts and
/// the View menu from its list, keeps each mode's state in the settings group named by its id,
/// and routes requestMode() to the mode asked for. A mode never reaches into another one.
///
/// Here in widgets/, not in mainwindow/: every mode derives from it, and modes depend on this
/// shared base only, never on the window that hosts them.
class Mode : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;

    /// Stable, unique and untranslated: what requestMode() names and the settings group.
    virtual QString id() const = 0;
    /// The rail button's and the View menu entry's text.
    virtual QString displayName() const = 0;
    virtual QIcon icon() const = 0;
    /// Switches to the mode from anywhere in the window (unique among the modes).
    virtual QKeySequence shortcut() const = 0;

    /// Writes what the user arranged (splitters, columns, filters) into @p settings, already
    /// opened on the group named by id(); restoreState() reads it back in a new instance.
    virtual void saveState(QSettings &settings) const;
    virtual void restoreState(QSettings &settings);

    /// Shows what @p context names (e.g. {"run": 42}); keys a mode does not know are ignored.
    virtual void applyContext(const QVariantMap &context);
    /// Entries of the View menu that act on this mode: enabled only while it is current.
    virtual QList<QAction *> viewActions() const;
    /// The mode's own menu on the menu bar (before Help), or nullptr.
    virtual QMenu *menu() const;
    /// Where keyboard focus lands when the window opens on this mode.
    virtual QWidget *initialFocus() const;

    /// The window made this mode current, or another one.
    virtual void activated();
    virtual void deactivated();
    /// Another mode wrote to the workspace: read it again now rather than at the next poll.
    virtual void workspaceWritten();

Q_SIGNALS:
    /// Asks the window to show mode @p id with @p context applied (the window ignores ids it
    /// does not host).
    void requestMode(const QString &id, const QVariantMap &context = {});
    /// A transient message for the window's status bar.
    void statusMessage(const QString &message, int timeout = 20000);
    /// A small count for the mode's rail button (firing alerts); empty hides it.
    void badgeChanged(const QString &text);
    /// This mode wrote to the workspace (a promotion, a review, a saved pipeline): the window
    /// reads the catalog again and tells every mode (workspaceWritten()).
    void wroteWorkspace();
    /// Opens run @p runId's detail as a tab of the window.
    void runRequested(qint64 runId);
};

} // namespace Baton::Ui
