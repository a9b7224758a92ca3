#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Baton {

/// What a job reports in $BATON_METRICS_FILE: one `NAME VALUE` (or `NAME=VALUE`) a line, blank
/// lines and `#` comments ignored (README, "Metrics"). The engine stores the values with the
/// attempt's end and logs the lines it could not read.
class MetricsFile
{
public:
    /// The engine reads at most this much of a file: a runaway job cannot make it grow.
    static constexpr qint64 MaxBytes = 1024 * 1024;

    struct Value
    {
        QString name;
        double value = 0;
        bool operator==(const Value &) const = default;
    };
    struct Ignored
    {
        int line = 0; ///< 1-based
        QString text; ///< trimmed, as written (may hold a secret: mask before logging)
        bool operator==(const Ignored &) const = default;
    };
    struct Parsed
    {
        QList<Value> values; ///< in file order; a name may repeat
        QList<Ignored> ignored; ///< lines that are neither a value, blank nor a comment
    };

    /// Names: a letter or '_', then letters, digits and `_.:-`, 128 characters at most. Values:
    /// finite numbers.
    static Parsed parse(const QByteArray &data);
};

} // namespace Baton
