#pragma once

#include "model/durations.h"
#include "model/runstate.h"
#include "monitoring/waitreason.h"

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

namespace Baton {

/// One attempt of a task, as the run detail shows it. Times are ms UTC; 0 = not yet.
struct AttemptDetail
{
    int number = 0;
    RunState state = RunState::Queued;
    std::optional<int> exitCode;
    QString reason;
    QString host;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    QString logPath; ///< empty before the attempt started; no file there: it wrote nothing
    /// When its process was seen running; 0: not yet (a follower waits until its predecessor
    /// ends, from startedAt on).
    qint64 runningAt = 0;
    /// Its run time (AttemptSpan::of): from runningAt (else, once ended, startedAt) until
    /// finishedAt, or until @p nowMs while it runs; 0 before it runs.
    qint64 durationMs(qint64 nowMs) const;
    AttemptSpan span() const { return AttemptSpan::of(startedAt, runningAt, finishedAt); }
    bool operator==(const AttemptDetail &) const = default;
};

/// The immutable job version a task ran.
struct JobVersionDetail
{
    QString job;
    int number = 0;
    QString contentHash; ///< SHA-256 of the package
    QString command; ///< secrets masked
    QString technology;
    QString runtime;
    QString releaseNote;
    QString author;
    qint64 createdAt = 0;
    bool operator==(const JobVersionDetail &) const = default;
};

struct TaskDetail
{
    QString name;
    JobVersionDetail version;
    RunState state = RunState::Queued;
    int attempts = 0;
    std::optional<int> exitCode;
    QString reason;
    qint64 queuedAt = 0;
    qint64 startedAt = 0; ///< first attempt's start
    qint64 finishedAt = 0;
    qint64 notBefore = 0; ///< a retry waits until then (backoff)
    /// Upstream tasks with their edge condition: "extract", "train (failed)", "report (always)".
    QStringList upstream;
    QStringList upstreamNames;
    QList<AttemptDetail> attemptList; ///< by number
    /// Metrics this task reported (name → value, in the order reported).
    QList<QPair<QString, double>> metrics;
    /// Queued or starting in a live run: why it does not run yet (WaitReasons); else None.
    WaitReason wait;

    /// The sum of its attempts' run times (Durations::taskMs): waits between them do not count.
    qint64 durationMs(qint64 nowMs) const;
    QList<AttemptSpan> attemptSpans() const;
    bool operator==(const TaskDetail &) const = default;
};

/// A variable as the run sees it: the value is `***` when it is secret.
struct VariableDetail
{
    QString name;
    QString value;
    QString scope; ///< global, project, environment, pipeline, run, baton (set by Baton itself)
    bool secret = false;
    bool operator==(const VariableDetail &) const = default;
};

struct MetricDetail
{
    QString name;
    double value = 0;
    QString task;
    qint64 recordedAt = 0;
    bool operator==(const MetricDetail &) const = default;
};

/// Everything the console's run detail shows about one run, read in one go on a worker thread:
/// header, tasks with their attempts and job versions, resolved variables (secrets `***`),
/// parameters (secrets `***`) and metrics. An immutable value handed to the GUI thread.
struct RunDetail
{
    static inline const QString Masked = QStringLiteral("***");

    qint64 id = 0;
    QString project;
    QString pipeline;
    int pipelineVersion = 0;
    QString pipelineHash;
    QString environment;
    RunState state = RunState::Queued;
    QString trigger;
    QString logicalDate;
    QString requestedBy;
    QString reason;
    int parallelism = 0;
    qint64 rerunOf = 0;
    qint64 createdAt = 0;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    bool terminal = false;
    QMap<QString, QString> parameters; ///< run parameters, secret ones masked
    /// The variables an attempt of this run gets, resolved by scope (global < project <
    /// environment < pipeline < run), and Baton's own BATON_* ones: as the engine recorded them
    /// when the run started, or, for a run older than that record, today's definitions.
    QList<VariableDetail> variables;
    bool variablesRecorded = false; ///< variables are the run's record, not today's definitions
    QList<TaskDetail> tasks; ///< in pipeline order
    QList<MetricDetail> metrics; ///< in the order reported

    /// The wall time during which at least one attempt ran (Durations::runClock): time the run
    /// sat finished before a retry or rerun, and waits between attempts, do not count.
    qint64 durationMs(qint64 nowMs) const;
    ActiveClock activeClock() const;
    /// nullptr when the run has no such task.
    const TaskDetail *task(const QString &name) const;
    bool operator==(const RunDetail &) const = default;
};

/// Reads run details from the store (any thread, with that thread's connection).
class RunDetails
{
public:
    /// Throws Baton::Error ("no run N") when there is no such run.
    static RunDetail load(const QSqlDatabase &db, qint64 runId);
    /// The parameters of run @p runId as they may be shown anywhere (screens, `baton show`,
    /// JSON): one that overrides a secret, by today's definitions or by the run's own record,
    /// is a secret (***), and a secret's value inside another one is masked. What load() puts
    /// in RunDetail::parameters. Throws Baton::Error when there is no such run.
    static QMap<QString, QString> parameters(const QSqlDatabase &db, qint64 runId);
    /// Recent runs of the same pipeline as @p runId (newest first, @p runId excluded), for
    /// "compare with": id, state and creation time.
    struct RunChoice
    {
        qint64 id = 0;
        RunState state = RunState::Queued;
        QString environment;
        qint64 createdAt = 0;
        bool operator==(const RunChoice &) const = default;
    };
    static QList<RunChoice> siblings(const QSqlDatabase &db, qint64 runId, int limit = 50);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::RunDetail)
