#pragma once

#include "commandpalette.h"

#include <QObject>
#include <QSet>

class QAction;

namespace Baton::Ui {

class MainWindow;
class ShortcutsDialog;

/// Ctrl+K and Help → Keyboard Shortcuts for the main window. The palette lists the window's
/// modes and menu actions at once; projects, pipelines, jobs and recent runs come from core's
/// read models (Catalog, RunService) on a worker thread and join the list when read; `#N` not
/// among them is looked up the same way. Performing an item switches mode, selects the item in
/// Pipelines, opens the run, or triggers the action.
class PaletteController : public QObject
{
    Q_OBJECT
public:
    static constexpr int RecentRuns = 300;

    explicit PaletteController(MainWindow *window);
    ~PaletteController() override;

    /// View → Command Palette… (Ctrl+K).
    QAction *paletteAction() const { return m_paletteAction; }
    /// Help → Keyboard Shortcuts.
    QAction *shortcutsAction() const { return m_shortcutsAction; }
    CommandPalette *palette() const { return m_palette; }
    /// The shortcuts dialog while it is open.
    ShortcutsDialog *shortcutsDialog() const;

public Q_SLOTS:
    void openPalette();
    void showShortcuts();
    void perform(const Baton::Ui::PaletteItem &item);

Q_SIGNALS:
    /// The workspace's projects, pipelines, jobs and runs reached the palette.
    void catalogLoaded();
    /// A `#N` lookup answered.
    void runLookedUp(qint64 id, bool found);

private:
    QList<PaletteItem> windowItems() const;
    void loadCatalog();
    void lookUpRun(const QString &query);

    MainWindow *m_window;
    QAction *m_paletteAction;
    QAction *m_shortcutsAction;
    CommandPalette *m_palette;
    QPointer<ShortcutsDialog> m_shortcuts;
    int m_generation = 0; // drops a read that answers an earlier opening
    QSet<qint64> m_askedRuns;
};

} // namespace Baton::Ui
