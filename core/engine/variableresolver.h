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
};

} // namespace Baton
