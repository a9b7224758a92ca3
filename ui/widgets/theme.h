#pragma once

#include "model/runstate.h"

#include <QColor>
#include <QPalette>
#include <QString>
#include <optional>

namespace Baton::Ui::Theme {

// Colours derived from the palette of the moment, so light and dark themes both read well.

bool isDark(const QPalette &palette);
/// a × (1 − t) + b × t, opaque.
QColor mix(const QColor &a, const QColor &b, qreal t);
/// Secondary text (labels, hints) as an opaque colour: safe inside HTML, unlike
/// QPalette::PlaceholderText which carries an alpha channel.
QColor mutedText(const QPalette &palette);
/// Something went wrong: failure edges, errors in the status bar.
QColor failure(const QPalette &palette);
/// Things that went well: succeeded runs and tasks.
QColor success(const QPalette &palette);
/// The colour a run or task state is shown in (dots, chips, progress bars), within the class
/// core gives it (toneOf): a neutral state (skipped, cancelled) is never drawn as a failure.
/// No state (a deployment that never ran) gets the muted text colour.
QColor stateColor(const QPalette &palette, std::optional<RunState> state);

} // namespace Baton::Ui::Theme
