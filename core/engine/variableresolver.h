#pragma once

#include <QList>
#include <QMap>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

struct ResolvedVariable
{
    QString name;
    QString value;
    bool secret = false;
    QString scope; ///< global, project, environment, pipeline, run
};

/// Resolves variables by scope, later scopes winning:
/// global < project < environment < pipeline < run parameters.
class VariableResolver
{
public:
    /// @p environmentId / @p pipelineId 0: that scope is absent. Sorted by name.
    static QList<ResolvedVariable> resolve(const QSqlDatabase &db, qint64 projectId,
                                           qint64 environmentId, qint64 pipelineId,
                                           const QMap<QString, QString> &parameters);

    /// Replaces every secret value (of 3+ characters) in @p text by ***.
    static QString mask(const QString &text, const QList<ResolvedVariable> &variables);

    /// What a run records of its variables (runs.variables): a JSON array of {name, value,
    /// scope, secret}, a secret's value null; other values pass through mask() first, so a
    /// secret inside another value is not recorded either.
    static QString record(const QList<ResolvedVariable> &variables);
    /// Reads record()'s text back (secrets with an empty value); false when it is not such a
    /// text.
    static bool fromRecord(const QString &text, QList<ResolvedVariable> *variables);
};

} // namespace Baton
