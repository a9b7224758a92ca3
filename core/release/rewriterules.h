#pragma once

#include "engine/variableresolver.h"
#include "model/projectspec.h"

#include <QJsonArray>
#include <QList>
#include <QString>

namespace Baton {

/// Per-environment rewrite rules (Control-M's deploy descriptors): stored as JSON on the
/// environment (from jobs-as-code), snapshotted onto a deployment when a promotion applies them,
/// copied onto each run, and applied by the engine when it starts the run.
class RewriteRules
{
public:
    static QJsonArray toJson(const QList<RewriteRule> &rules);
    static QList<RewriteRule> fromJson(const QJsonArray &json);
    static QList<RewriteRule> fromJsonText(const QString &text);
    static QString toJsonText(const QList<RewriteRule> &rules);

    /// Variable rules replace (or add) variables; the scope shows as "rewrite". Run parameters
    /// still win: they are the run's own.
    static void applyToVariables(const QList<RewriteRule> &rules,
                                 QList<ResolvedVariable> &variables);
    /// Setting rules for @p job (or every job) override @p settings; returns true if any did.
    static bool applyToSettings(const QList<RewriteRule> &rules, const QString &job,
                                RunSettings &settings);
    /// "variable INPUT_ROWS = 250000", "setting timeout = 1h (job train)".
    static QString describe(const RewriteRule &rule);
};

} // namespace Baton
