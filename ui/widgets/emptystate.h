#pragma once

#include <QIcon>

class QLabel;
class QWidget;

namespace Baton::Ui {

/// A page for "nothing here yet": a large faded @p icon centred over @p label, which is
/// reparented and set up for centred, wrapped rich text. Callers name the label and choose
/// its interaction flags.
QWidget *emptyStatePage(const QIcon &icon, QLabel *label, QWidget *parent);

} // namespace Baton::Ui
