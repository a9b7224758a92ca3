#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

namespace Baton {

/// Everything an executor needs to run one task attempt.
struct AttemptLaunch
{
    qint64 attemptId = 0;
    /// The attempt's working directory (the job version's files; the command's cwd). Its
    /// record lives next to it: ATTEMPT_DIR.state (lock, status, exit) and ATTEMPT_DIR.log (only
    /// once the attempt wrote something: a missing log is an empty one).
    QString attemptDir;
    bool makeDir = false; ///< attemptDir does not exist yet: create it (empty) before the job
    QString command; ///< run as /bin/sh -c COMMAND
    QStringList environment; ///< "NAME=value" for the job: the run's, shared by its attempts
    QStringList attemptEnvironment; ///< "NAME=value" of this attempt only, after environment
    QStringList secretNames; ///< variables whose values are masked in the log
    int timeoutSeconds = 0; ///< 0: none
    int graceSeconds = 10; ///< SIGTERM → SIGKILL delay on timeout or cancel
    qint64 logCapBytes = 0; ///< 0: unlimited
    /// Non-zero: start right after that attempt ends, in its place (see Executor::canFollow).
    qint64 after = 0;
};

/// How an attempt ended, as its supervisor recorded it.
struct AttemptExit
{
    int exitCode = -1;
    int signal = 0;
    QString reason; ///< completed, timed_out, cancelled, spawn_failed, lost, not_started
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    qint64 finishedAtUs = 0; ///< finishedAt in µs when the supervisor said it, else 0
    qint64 logBytes = 0;
    bool truncated = false;
    QString detail; ///< a sentence for people when reason is lost or spawn_failed
    QString logError; ///< why the attempt's output could not be logged (it ran on), if it could not
};

/// Runs task attempts somewhere (local processes, a cluster) and reports back through signals.
/// Attempts must outlive the engine: after a restart, reconcile() finds each one again.
class Executor : public QObject
{
    Q_OBJECT
public:
    enum class Liveness { Running, Finished, Dead };

    using QObject::QObject;
    virtual QString name() const = 0;
    /// Starts asynchronously; false with @p error if it could not even be launched.
    virtual bool start(const AttemptLaunch &launch, QString *error) = 0;
    /// Asks the attempt to stop (TERM, then KILL after its grace). Finishes via attemptFinished.
    virtual void cancel(qint64 attemptId, const QString &attemptDir) = 0;
    /// After a restart: Finished fills @p exit; Running means the attempt was adopted and will
    /// report through attemptFinished; Dead means it can never report (and is made sure dead).
    virtual Liveness reconcile(qint64 attemptId, const QString &attemptDir, AttemptExit *exit) = 0;
    /// Whether an attempt can be queued behind @p attemptId (start() with AttemptLaunch::after):
    /// it then starts the moment that one ends, where it ran, without waiting for the engine to
    /// hear of the end and answer. The follower counts for no limit until then: it takes its
    /// predecessor's place, never an extra one.
    virtual bool canFollow(qint64 attemptId) const
    {
        Q_UNUSED(attemptId);
        return false;
    }
    /// A follower that is to start as soon as it can rather than after its predecessor (the engine
    /// found a free place for it). It may still start where it was queued, never in both places.
    virtual void expedite(qint64 attemptId) { Q_UNUSED(attemptId); }

Q_SIGNALS:
    /// @p startedAtUs: when the job was started (µs since the epoch), 0 if unknown.
    void attemptRunning(qint64 attemptId, qint64 startedAtUs);
    void attemptFinished(qint64 attemptId, const Baton::AttemptExit &exit);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::AttemptExit)
