#pragma once

#include "monitoring/rundetail.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>

namespace Baton {

/// One field of two runs side by side.
struct FieldComparison
{
    QString field; ///< "environment", "pipeline version", "parameter BATCH", "metric auc (train)"
    QString a; ///< empty: absent from run A
    QString b;
    bool differs = false;
    bool operator==(const FieldComparison &) const = default;
};

/// One task of two runs side by side (a task only one of them has is there too).
struct TaskComparison
{
    QString task;
    bool inA = false;
    bool inB = false;
    RunState stateA = RunState::Queued; ///< meaningful when inA
    RunState stateB = RunState::Queued; ///< meaningful when inB
    QString versionA; ///< "job v3"
    QString versionB;
    QString hashA;
    QString hashB;
    qint64 durationA = 0; ///< ms, 0: did not run
    qint64 durationB = 0;
    int attemptsA = 0;
    int attemptsB = 0;
    std::optional<int> exitA;
    std::optional<int> exitB;

    bool stateDiffers = false;
    bool versionDiffers = false; ///< a different job version (by number or content)
    bool durationDiffers = false; ///< see RunCompare::durationsDiffer
    bool attemptsDiffer = false;
    bool exitDiffers = false;
    bool differs() const
    {
        return !inA || !inB || stateDiffers || versionDiffers || durationDiffers || attemptsDiffer
            || exitDiffers;
    }
    bool operator==(const TaskComparison &) const = default;
};

struct RunComparison
{
    qint64 runA = 0;
    qint64 runB = 0;
    QList<FieldComparison> fields; ///< run-level fields, then parameters, then variables
    QList<TaskComparison> tasks; ///< A's task order, then tasks only B has
    QList<FieldComparison> metrics; ///< by name and task
    int differenceCount() const;
};

/// Compares two run details: what a steward or an operator asks when a run behaves unlike
/// another ("what changed since yesterday's good run?"). Pure: no store, no clock but @p nowMs.
class RunCompare
{
public:
    /// Two durations differ when they are more than 1 s and more than 25 % apart (of the
    /// longer one): the noise of a scheduler is not a difference, a task twice as slow is.
    static bool durationsDiffer(qint64 a, qint64 b);
    static RunComparison compare(const RunDetail &a, const RunDetail &b, qint64 nowMs);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::RunComparison)
