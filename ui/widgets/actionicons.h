#pragma once

#include <QIcon>

namespace Baton::Ui::Icons {

// Painted icons for operator actions and review (see icons.h for the others).
/// The Review mode on the rail: a document with a check mark.
QIcon reviewMode();
QIcon cancel();
QIcon retry();
QIcon remove();
QIcon approve();
QIcon reject();
QIcon annotate();

} // namespace Baton::Ui::Icons
