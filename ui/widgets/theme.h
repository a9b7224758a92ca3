#pragma once

#include <QColor>
#include <QPalette>

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

} // namespace Baton::Ui::Theme
