#pragma once

#include <QString>
#include <limits>
#include <optional>

namespace Baton {

/// A whole number written in decimal ("42", "-3"), within [@p minimum, @p maximum]. Anything
/// else ("abc", "1x", " 1", "1.0", a number too large for 64 bits) gives nullopt and, in
/// @p error, what was expected: "expected a whole number from 1 to 10000, got '1x'". The one
/// reading of numbers typed by people (command-line options and arguments, settings).
std::optional<qint64> parseWholeNumber(const QString &text, qint64 minimum,
                                       qint64 maximum = std::numeric_limits<qint64>::max(),
                                       QString *error = nullptr);

/// "a whole number from 1 to 10000", or "a whole number ≥ 1" when there is no upper bound.
QString wholeNumberRange(qint64 minimum, qint64 maximum);

} // namespace Baton
