#include "number.h"

#include <QRegularExpression>

namespace Baton {

QString wholeNumberRange(qint64 minimum, qint64 maximum)
{
    if (maximum == std::numeric_limits<qint64>::max())
        return QStringLiteral("a whole number ≥ %1").arg(minimum);
    return QStringLiteral("a whole number from %1 to %2").arg(minimum).arg(maximum);
}

std::optional<qint64> parseWholeNumber(const QString &text, qint64 minimum, qint64 maximum,
                                       QString *error)
{
    // Digits only: toLongLong() alone would also take " 7", "+7" and stop being strict later.
    static const QRegularExpression digits(QStringLiteral("^-?[0-9]+$"));
    bool ok = false;
    const qint64 n = digits.match(text).hasMatch() ? text.toLongLong(&ok) : 0;
    if (ok && n >= minimum && n <= maximum)
        return n;
    if (error)
        *error
            = QStringLiteral("expected %1, got '%2'").arg(wholeNumberRange(minimum, maximum), text);
    return std::nullopt;
}

} // namespace Baton
