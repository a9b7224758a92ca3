#pragma once

#include <QMap>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Baton {

class Store;

/// What "run again with changes" starts from: a finished (or live) run's pipeline, environment,
/// limit and parameters, safe to show. A parameter whose shown value is not its value (it
/// overrides a secret, or holds one) comes without a value: it is listed in secretParameters and
/// can only be kept as it was (resolved in core) or replaced by a new value.
struct RetryDraft
{
    qint64 runId = 0;
    QString project;
    QString pipeline;
    QString environment;
    int pipelineVersion = 0; ///< the version the run ran
    int deployedVersion = 0; ///< the version deployed to its environment now (0: none)
    int parallelism = 0;
    QMap<QString, QString> parameters; ///< secret ones with an empty value
    QStringList secretParameters; ///< sorted
    /// The names a parameter of the new run may have: the variables defined for the run's
    /// project (global, project, any of its environments, its pipeline) and the run's own
    /// parameters. Sorted.
    QStringList declared;

    bool isSecret(const QString &name) const { return secretParameters.contains(name); }
};

/// A new run made from an old one with changed parameters.
struct RetryRequest
{
    qint64 runId = 0; ///< the run it starts from
    QString environment; ///< empty: the old run's
    QMap<QString, QString> parameters; ///< the new run's parameters, with their values
    QStringList keepSecrets; ///< secret parameters of the old run carried over unchanged
    int parallelism = -1; ///< -1: the old run's; 0: no per-run limit
    QString actor;
};

/// "Retry with changed parameters": the one rule for which of a run's parameters may be shown
/// and which stay in core, and for what a new run made from it may set.
class RunRetry
{
public:
    /// Throws Baton::Error ("no run N") when there is no such run.
    static RetryDraft draft(const QSqlDatabase &db, qint64 runId);

    /// Why @p name cannot be a parameter of a run again of a run whose draft declares
    /// @p declared (empty name, invalid name, not declared; with a suggestion); empty when it
    /// can.
    static QString nameError(const QString &name, const QStringList &declared);

    /// The request for a new run made from @p draft with @p set overriding or adding
    /// parameters and @p unset leaving some out (as `baton rerun RUN --param K=V --unset K`):
    /// the draft's plain parameters with their values, its secret ones kept unless set or
    /// unset. Throws Baton::Error when @p unset names no parameter of the run, or a name is
    /// both set and unset.
    static RetryRequest withChanges(const RetryDraft &draft, const QMap<QString, QString> &set,
                                    const QStringList &unset);

    /// Queues the new run in one transaction: the kept secrets get the old run's values (read
    /// here, never passed through a screen), every name is checked (nameError, and a kept one
    /// must be a secret parameter of the old run), the run is recorded as a rerun of the old
    /// one (trigger "rerun", runs.rerun_of) and audited (run.retry: names only, never values).
    /// Throws Baton::Error naming what is wrong; then nothing is created.
    static qint64 submit(const Store &store, const RetryRequest &request);
};

} // namespace Baton
