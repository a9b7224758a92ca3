#pragma once

#include "model/runstate.h"

#include <QColor>
#include <QIcon>
#include <QString>
#include <optional>

namespace Baton::Ui::Icons {

// Painted, palette-aware icons (see PaintedIconEngine): crisp at any DPI, fine on dark themes.
QIcon project();
QIcon pipeline();
QIcon job();
QIcon group();
/// The Pipelines mode on the rail: a small DAG, drawn in the palette's text colour.
QIcon pipelinesMode();
/// The Monitor mode on the rail: a screen with a pulse line, drawn in the palette's text colour.
QIcon monitorMode();
/// The Audit mode on the rail: a clipboard with ticked lines, in the palette's text colour.
QIcon auditMode();
/// The Releases mode on the rail: environments as steps with a promotion arrow.
QIcon releasesMode();
/// A dot in the colour of a run or task state (Theme::stateColor), for chips and lists; grey
/// for none.
QIcon stateDot(std::optional<RunState> state);
/// Run now: a play triangle in the success colour.
QIcon run();

/// Accent colours shared by icons and the graph, readable on light and dark backgrounds.
QColor projectColor();
QColor pipelineColor();
QColor jobColor();
QColor runColor();

} // namespace Baton::Ui::Icons
