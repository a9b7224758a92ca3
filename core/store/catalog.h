#pragma once

#include "model/projectspec.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Baton {

struct EnvironmentInfo
{
    QString name;
    bool approvalRequired = false;
};

struct ProjectInfo
{
    qint64 id = 0;
    QString name;
    QString description;
    QString sourcePath;
    QList<EnvironmentInfo> environments;
    int jobCount = 0;
    int pipelineCount = 0;
    qint64 updatedAt = 0;
};

struct JobInfo
{
    qint64 id = 0;
    QString project;
    QString name;
    int version = 0; ///< latest version number
    int versionCount = 0;
    QString command;
    QString technology;
    QString runtime;
    QString description;
    QString contentHash;
    QString author;
    QString releaseNote;
    qint64 versionCreatedAt = 0;
    QStringList files;
    RunSettings settings;
    Resources resources;
};

struct TaskInfo
{
    QString name;
    QString job;
    int jobVersion = 0;
    QString technology;
    QString command;
    RunSettings settings; ///< the task's overrides of its job's settings
};

struct EdgeInfo
{
    QString from;
    QString to;
    EdgeCondition condition = EdgeCondition::Success;
};

struct PipelineInfo
{
    qint64 id = 0;
    QString project;
    QString name;
    int version = 0; ///< latest version number
    int versionCount = 0;
    QString description;
    QString contentHash;
    QString author;
    qint64 versionCreatedAt = 0;
    int maxParallel = 0;
    QString schedule;
    QString timezone;
    QString misfire;
    bool schedulePaused = false;
    QString scheduleZone; ///< the zone the schedule fires in (its own or the workspace's)
    QString scheduleError; ///< why the schedule cannot fire, if it cannot
    QList<QDateTime> nextFires; ///< the next fire times, in scheduleZone (empty if paused)
    QList<TaskInfo> tasks; ///< in definition order
    QList<EdgeInfo> edges;
};

/// Everything the console's project tree and details need, read in one go off the GUI thread.
struct CatalogSnapshot
{
    QString workspace;
    QList<ProjectInfo> projects;
    QList<JobInfo> jobs;
    QList<PipelineInfo> pipelines;
    qint64 takenAt = 0;
    /// Who holds the engine lease (empty: nobody), its last heartbeat and expiry (ms UTC).
    QString engineHolder;
    qint64 engineHeartbeatAt = 0;
    qint64 engineExpiresAt = 0;
};

/// Read-side queries over projects, jobs and pipelines (current, non-archived, latest versions).
class Catalog
{
public:
    static QList<ProjectInfo> projects(const QSqlDatabase &db);
    /// @p project empty: every project.
    static QList<JobInfo> jobs(const QSqlDatabase &db, const QString &project = {});
    static QList<PipelineInfo> pipelines(const QSqlDatabase &db, const QString &project = {});
    static CatalogSnapshot snapshot(const QSqlDatabase &db);
    /// The jobs-as-code definition of a pipeline version as read (tasks with their settings
    /// and 'after' lists in stored order, description, limits, schedule); no variables.
    static PipelineSpec pipelineSpec(const PipelineInfo &info);

    /// A project as jobs-as-code, from its latest versions (file contents included; secret
    /// values left out). Throws Baton::Error when there is no such project.
    static ProjectSpec projectSpec(const QSqlDatabase &db, const QString &project);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::CatalogSnapshot)
