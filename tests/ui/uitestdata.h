#pragma once
// Sample catalog data shared by the ui tests: specs for a real workspace, and plain infos.

#include "core/testspecs.h"
#include "model/projectspec.h"
#include "store/catalog.h"

namespace Baton::UiTest {

inline JobSpec job(const QString &name, const QString &command, const QString &tech,
                   const QString &description = {})
{
    JobSpec j;
    j.name = name;
    j.command = command;
    j.technology = tech;
    j.runtime = tech == QLatin1String("python") ? QStringLiteral("3.11") : QStringLiteral("5.2");
    j.description = description;
    j.files << JobFile {
        name + (tech == QLatin1String("python") ? QStringLiteral(".py") : QStringLiteral(".sh")),
        "echo " + name.toUtf8() + "\n", true
    };
    return j;
}

using Baton::Test::task; // the same builder the core tests use

/// churn: a diamond (extract → clean, features → train), report after train, an alert on
/// failure of train and a cleanup that always runs after report.
inline ProjectSpec churnProject()
{
    ProjectSpec p;
    p.name = QStringLiteral("churn");
    p.description = QStringLiteral("Customer churn scoring");
    p.environments = { { QStringLiteral("dev"), false, {}, {} },
                       { QStringLiteral("staging"), false, {}, {} },
                       { QStringLiteral("preprod"), false, {}, {} },
                       { QStringLiteral("prod"), true, {}, {} } };
    JobSpec extract = job(QStringLiteral("extract"),
                          QStringLiteral("./extract.sh --since yesterday"), QStringLiteral("bash"),
                          QStringLiteral("Pull the customer snapshot with last month's outcome"));
    extract.settings.retries = 2;
    extract.settings.retryDelaySeconds = 30;
    extract.settings.timeoutSeconds = 600;
    extract.files << JobFile { QStringLiteral("common.sh"), "set -eu\n", false };
    p.jobs << extract;
    p.jobs << job(QStringLiteral("clean"), QStringLiteral("python3 clean.py"),
                  QStringLiteral("python"), QStringLiteral("Drop broken rows"));
    p.jobs << job(QStringLiteral("features"), QStringLiteral("python3 features.py"),
                  QStringLiteral("python"), QStringLiteral("Build the feature table"));
    JobSpec train = job(QStringLiteral("train"), QStringLiteral("python3 train.py"),
                        QStringLiteral("python"), QStringLiteral("Fit the churn model"));
    train.settings.timeoutSeconds = 1800;
    train.resources.cpus = 4;
    train.resources.memory = QStringLiteral("8G");
    p.jobs << train;
    p.jobs << job(QStringLiteral("report"), QStringLiteral("./report.sh"), QStringLiteral("bash"),
                  QStringLiteral("Summary for the retention team"));
    p.jobs << job(QStringLiteral("notify"), QStringLiteral("./notify.sh"), QStringLiteral("bash"),
                  QStringLiteral("Page the on-call"));
    p.jobs << job(QStringLiteral("cleanup"), QStringLiteral("./cleanup.sh"), QStringLiteral("bash"),
                  QStringLiteral("Remove scratch tables"));

    PipelineSpec nightly;
    nightly.name = QStringLiteral("nightly");
    nightly.description = QStringLiteral("Nightly churn scoring for the retention campaign");
    nightly.schedule = QStringLiteral("0 2 * * *");
    nightly.timezone = QStringLiteral("Europe/Paris");
    nightly.maxParallel = 2;
    nightly.tasks << task(QStringLiteral("extract"));
    nightly.tasks << task(QStringLiteral("clean"), { QStringLiteral("extract") });
    nightly.tasks << task(QStringLiteral("features"), { QStringLiteral("extract") });
    nightly.tasks << task(QStringLiteral("train"),
                          { QStringLiteral("clean"), QStringLiteral("features") });
    nightly.tasks << task(QStringLiteral("report"), { QStringLiteral("train") });
    nightly.tasks << task(QStringLiteral("notify"), { QStringLiteral("train") },
                          EdgeCondition::Failed, QStringLiteral("alert"));
    nightly.tasks << task(QStringLiteral("cleanup"), { QStringLiteral("report") },
                          EdgeCondition::Always);
    p.pipelines << nightly;
    return p;
}

/// inventory: fetch → load → publish, hourly.
inline ProjectSpec inventoryProject()
{
    ProjectSpec p;
    p.name = QStringLiteral("inventory");
    p.description = QStringLiteral("Warehouse stock sync");
    p.environments
        = { { QStringLiteral("dev"), false, {}, {} }, { QStringLiteral("prod"), true, {}, {} } };
    p.jobs << job(QStringLiteral("fetch"), QStringLiteral("./fetch.sh"), QStringLiteral("bash"),
                  QStringLiteral("Download the supplier's stock feed"));
    p.jobs << job(QStringLiteral("load"), QStringLiteral("./load.sh"), QStringLiteral("bash"));
    p.jobs << job(QStringLiteral("publish"), QStringLiteral("./publish.sh"),
                  QStringLiteral("bash"));
    PipelineSpec hourly;
    hourly.name = QStringLiteral("hourly");
    hourly.schedule = QStringLiteral("15 * * * *");
    hourly.timezone = QStringLiteral("UTC");
    hourly.tasks << task(QStringLiteral("fetch"));
    hourly.tasks << task(QStringLiteral("load"), { QStringLiteral("fetch") });
    hourly.tasks << task(QStringLiteral("publish"), { QStringLiteral("load") });
    p.pipelines << hourly;
    return p;
}

inline TaskInfo taskInfo(const QString &name, const QString &job = {},
                         const QString &tech = QStringLiteral("bash"), int version = 1)
{
    return TaskInfo { name, job.isEmpty() ? name : job, version, tech,
                      QStringLiteral("./%1.sh").arg(job.isEmpty() ? name : job) };
}

} // namespace Baton::UiTest
