#include "contenthash.h"

#include "model/specjson.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Baton {

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

namespace {
// QJsonObject keeps keys sorted, so the compact form is canonical.
QString hashJson(const QJsonObject &o)
{
    return sha256Hex(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
} // namespace

QString jobContentHash(const JobSpec &job)
{
    QJsonArray files;
    for (const JobFile &f : job.files) {
        files.append(QJsonObject { { QStringLiteral("path"), f.path },
                                   { QStringLiteral("sha256"), sha256Hex(f.content) },
                                   { QStringLiteral("executable"), f.executable } });
    }
    return hashJson({ { QStringLiteral("kind"), QStringLiteral("job/1") },
                      { QStringLiteral("command"), job.command },
                      { QStringLiteral("technology"), job.technology },
                      { QStringLiteral("runtime"), job.runtime },
                      { QStringLiteral("description"), job.description },
                      { QStringLiteral("resources"), toJson(job.resources) },
                      { QStringLiteral("settings"), toJson(job.settings) },
                      { QStringLiteral("files"), files } });
}

QString pipelineContentHash(const PipelineSpec &pipeline, const QHash<QString, QString> &jobHashes)
{
    QJsonArray tasks;
    for (const TaskSpec &t : pipeline.tasks) {
        QJsonArray after;
        for (const DependencySpec &d : t.after) {
            after.append(QJsonObject { { QStringLiteral("task"), d.task },
                                       { QStringLiteral("when"), toString(d.condition) } });
        }
        tasks.append(QJsonObject { { QStringLiteral("name"), t.name },
                                   { QStringLiteral("job"), t.job },
                                   { QStringLiteral("job_hash"), jobHashes.value(t.job) },
                                   { QStringLiteral("settings"), toJson(t.settings) },
                                   { QStringLiteral("after"), after } });
    }
    return hashJson({ { QStringLiteral("kind"), QStringLiteral("pipeline/1") },
                      { QStringLiteral("description"), pipeline.description },
                      { QStringLiteral("max_parallel"), pipeline.maxParallel },
                      { QStringLiteral("tasks"), tasks } });
}

} // namespace Baton
