#include "mode.h"

namespace Baton::Ui {

// Most modes keep no state of their own and open on their own first page: the defaults.
void Mode::saveState(QSettings &) const { }

void Mode::restoreState(QSettings &) { }

void Mode::applyContext(const QVariantMap &) { }

QList<QAction *> Mode::viewActions() const
{
    return {};
}

QMenu *Mode::menu() const
{
    return nullptr;
}

QWidget *Mode::initialFocus() const
{
    return nullptr;
}

void Mode::activated() { }

void Mode::deactivated() { }

void Mode::workspaceWritten() { }

} // namespace Baton::Ui
