#pragma once
// Small ProjectSpec builders shared by core tests.

#include "model/projectspec.h"

namespace Baton::Test {

inline JobSpec job(const QString &name, const QString &command, const QString &tech = {})
{
    JobSpec j;
    j.name = name;
    j.command = command;
    j.technology = tech;
    return j;
}

inline TaskSpec task(const QString &jobName, const QStringList &after = {},
                     EdgeCondition when = EdgeCondition::Success, const QString &name = {})
{
    TaskSpec t;
    t.name = name.isEmpty() ? jobName : name;
    t.job = jobName;
    for (const QString &a : after)
        t.after << DependencySpec { a, when, {} };
    return t;
}

/// churn: extract → train → score, alert after score when failed; a scheduled pipeline.
inline ProjectSpec churnProject()
{
    ProjectSpec p;
    p.name = QStringLiteral("churn");
    p.description = QStringLiteral("Customer churn scoring");
    p.environments = defaultEnvironments();
    p.variables << VariableSpec {
        QStringLiteral("DB_URL"), QStringLiteral("postgresql://dev/churn"), false, {}, {}
    };
    p.variables << VariableSpec { QStringLiteral("API_TOKEN"),
                                  QStringLiteral("s3cr3t-token"),
                                  true,
                                  QStringLiteral("prod"),
                                  {} };
    JobSpec extract
        = job(QStringLiteral("extract"), QStringLiteral("./extract.sh"), QStringLiteral("bash"));
    extract.files << JobFile { QStringLiteral("extract.sh"), "#!/bin/sh\necho extract\n", true };
    extract.settings.retries = 2;
    extract.settings.timeoutSeconds = 600;
    p.jobs << extract;
    p.jobs << job(QStringLiteral("train"), QStringLiteral("python3 train.py"),
                  QStringLiteral("python"));
    p.jobs << job(QStringLiteral("score"), QStringLiteral("python3 score.py"),
                  QStringLiteral("python"));
    p.jobs << job(QStringLiteral("notify"), QStringLiteral("echo failed >&2"));
    PipelineSpec nightly;
    nightly.name = QStringLiteral("nightly");
    nightly.schedule = QStringLiteral("0 2 * * *");
    nightly.timezone = QStringLiteral("Europe/Paris");
    nightly.maxParallel = 2;
    nightly.tasks << task(QStringLiteral("extract"));
    nightly.tasks << task(QStringLiteral("train"), { QStringLiteral("extract") });
    nightly.tasks << task(QStringLiteral("score"), { QStringLiteral("train") });
    nightly.tasks << task(QStringLiteral("notify"), { QStringLiteral("score") },
                          EdgeCondition::Failed, QStringLiteral("alert"));
    nightly.tasks.last().settings.retries = 0;
    p.pipelines << nightly;
    return p;
}

} // namespace Baton::Test
