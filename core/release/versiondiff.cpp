#include "versiondiff.h"

#include "model/specjson.h"
#include "store/sql.h"
#include "versions.h"

#include <QJsonArray>
#include <QMap>

namespace Baton {

namespace {

QString optText(const std::optional<int> &v, bool duration)
{
    if (!v)
        return {};
    return duration ? formatDuration(*v) : QString::number(*v);
}

void field(QList<FieldChange> &out, const QString &name, const QString &a, const QString &b)
{
    if (a != b)
        out << FieldChange { name, a, b };
}

bool isBinary(const QByteArray &bytes)
{
    if (bytes.contains('\0'))
        return true;
    QString decoded = QString::fromUtf8(bytes);
    return decoded.contains(QChar::ReplacementCharacter);
}

FileDiff fileDiff(const QString &path, const JobFile *a, const JobFile *b)
{
    FileDiff f;
    f.path = path;
    f.status = !a ? QStringLiteral("added")
                  : (!b ? QStringLiteral("removed") : QStringLiteral("changed"));
    const QByteArray before = a ? a->content : QByteArray();
    const QByteArray after = b ? b->content : QByteArray();
    if (a && b && before == after)
        f.status = QStringLiteral("mode");
    f.binary = isBinary(before) || isBinary(after);
    if (!f.binary) {
        f.lines = LineDiff::unified(QString::fromUtf8(before), QString::fromUtf8(after));
        f.added = LineDiff::count(f.lines, DiffLine::Kind::Added);
        f.removed = LineDiff::count(f.lines, DiffLine::Kind::Removed);
    }
    return f;
}

QString changeText(const FieldChange &c)
{
    const QString a = c.before.isEmpty() ? QStringLiteral("(unset)") : c.before;
    const QString b = c.after.isEmpty() ? QStringLiteral("(unset)") : c.after;
    return QStringLiteral("%1: %2 → %3").arg(c.field, a, b);
}

QJsonArray fieldsJson(const QList<FieldChange> &fields)
{
    QJsonArray array;
    for (const FieldChange &c : fields)
        array.append(QJsonObject { { QStringLiteral("field"), c.field },
                                   { QStringLiteral("before"), c.before },
                                   { QStringLiteral("after"), c.after } });
    return array;
}

QJsonObject jobJson(const JobDiff &j)
{
    QJsonArray files;
    for (const FileDiff &f : j.files) {
        files.append(QJsonObject {
            { QStringLiteral("path"), f.path },
            { QStringLiteral("status"), f.status },
            { QStringLiteral("binary"), f.binary },
            { QStringLiteral("added"), f.added },
            { QStringLiteral("removed"), f.removed },
            { QStringLiteral("diff"), QJsonArray::fromStringList(LineDiff::toText(f.lines)) } });
    }
    return { { QStringLiteral("job"), j.job },
             { QStringLiteral("from_version"), j.fromVersion },
             { QStringLiteral("to_version"), j.toVersion },
             { QStringLiteral("fields"), fieldsJson(j.fields) },
             { QStringLiteral("files"), files } };
}

void jobLines(QStringList &lines, const JobDiff &j, const QString &indent)
{
    for (const FieldChange &c : j.fields)
        lines << indent + QStringLiteral("~ ") + changeText(c);
    for (const FileDiff &f : j.files) {
        if (f.status == QLatin1String("mode")) {
            lines << indent + QStringLiteral("~ file %1: executable bit changed").arg(f.path);
            continue;
        }
        const QString sign = f.status == QLatin1String("added")
            ? QStringLiteral("+")
            : (f.status == QLatin1String("removed") ? QStringLiteral("-") : QStringLiteral("~"));
        if (f.binary) {
            lines << indent + QStringLiteral("%1 file %2 (binary)").arg(sign, f.path);
            continue;
        }
        lines << indent
                + QStringLiteral("%1 file %2 (+%3 -%4)")
                      .arg(sign, f.path)
                      .arg(f.added)
                      .arg(f.removed);
        for (const QString &l : LineDiff::toText(f.lines))
            lines << indent + QStringLiteral("    ") + l;
    }
}

} // namespace

bool VersionDiff::isEmpty() const
{
    return kind == ReleaseKind::Job ? job.isEmpty() : pipeline.isEmpty() && jobs.isEmpty();
}

QStringList VersionDiff::toLines() const
{
    QStringList lines;
    lines << QStringLiteral("%1 → %2").arg(fromLabel, toLabel);
    if (isEmpty()) {
        lines << QStringLiteral("  no differences");
        return lines;
    }
    if (kind == ReleaseKind::Job) {
        jobLines(lines, job, QStringLiteral("  "));
        return lines;
    }
    for (const QString &l : pipeline.toLines())
        lines << QStringLiteral("  ") + l;
    for (const JobDiff &j : jobs) {
        lines << QStringLiteral("  job %1: %2 → %3")
                     .arg(j.job,
                          j.fromVersion ? QStringLiteral("v%1").arg(j.fromVersion)
                                        : QStringLiteral("(none)"),
                          j.toVersion ? QStringLiteral("v%1").arg(j.toVersion)
                                      : QStringLiteral("(none)"));
        jobLines(lines, j, QStringLiteral("    "));
    }
    return lines;
}

QJsonObject VersionDiff::toJson() const
{
    QJsonObject o { { QStringLiteral("kind"), toString(kind) },
                    { QStringLiteral("from"), fromLabel },
                    { QStringLiteral("to"), toLabel },
                    { QStringLiteral("empty"), isEmpty() } };
    if (kind == ReleaseKind::Job) {
        o.insert(QStringLiteral("job"), jobJson(job));
        return o;
    }
    o.insert(QStringLiteral("pipeline"), QJsonArray::fromStringList(pipeline.toLines()));
    QJsonArray jobArray;
    for (const JobDiff &j : jobs)
        jobArray.append(jobJson(j));
    o.insert(QStringLiteral("jobs"), jobArray);
    return o;
}

JobDiff VersionDiff::diffJobs(const QSqlDatabase &db, qint64 fromJobVersionId,
                              qint64 toJobVersionId)
{
    JobDiff d;
    JobSpec a, b;
    if (fromJobVersionId) {
        a = Versions::jobSpec(db, fromJobVersionId);
        d.fromVersion
            = Sql::scalar(db, QStringLiteral("SELECT number FROM job_versions WHERE id = ?"),
                          { fromJobVersionId })
                  .toInt();
    }
    if (toJobVersionId) {
        b = Versions::jobSpec(db, toJobVersionId);
        d.toVersion
            = Sql::scalar(db, QStringLiteral("SELECT number FROM job_versions WHERE id = ?"),
                          { toJobVersionId })
                  .toInt();
    }
    d.job = toJobVersionId ? b.name : a.name;
    if (fromJobVersionId == toJobVersionId)
        return d;
    field(d.fields, QStringLiteral("command"), a.command, b.command);
    field(d.fields, QStringLiteral("technology"), a.technology, b.technology);
    field(d.fields, QStringLiteral("runtime"), a.runtime, b.runtime);
    field(d.fields, QStringLiteral("description"), a.description, b.description);
    field(d.fields, QStringLiteral("retries"), optText(a.settings.retries, false),
          optText(b.settings.retries, false));
    field(d.fields, QStringLiteral("retry_delay"), optText(a.settings.retryDelaySeconds, true),
          optText(b.settings.retryDelaySeconds, true));
    field(d.fields, QStringLiteral("timeout"), optText(a.settings.timeoutSeconds, true),
          optText(b.settings.timeoutSeconds, true));
    field(d.fields, QStringLiteral("cpus"), optText(a.resources.cpus, false),
          optText(b.resources.cpus, false));
    field(d.fields, QStringLiteral("memory"), a.resources.memory, b.resources.memory);

    QMap<QString, const JobFile *> fa, fb; // sorted by path
    for (const JobFile &f : a.files)
        fa.insert(f.path, &f);
    for (const JobFile &f : b.files)
        fb.insert(f.path, &f);
    QStringList paths = fa.keys();
    for (const QString &p : fb.keys()) {
        if (!fa.contains(p))
            paths << p;
    }
    std::sort(paths.begin(), paths.end());
    for (const QString &p : paths) {
        const JobFile *x = fa.value(p);
        const JobFile *y = fb.value(p);
        if (x && y && *x == *y)
            continue;
        d.files << fileDiff(p, x, y);
    }
    return d;
}

VersionDiff VersionDiff::compute(const QSqlDatabase &db, const ReleaseTarget &target,
                                 qint64 fromVersionId, qint64 toVersionId)
{
    VersionDiff diff;
    diff.kind = target.kind;
    const auto label = [&](qint64 id) {
        return id ? QStringLiteral("%1 v%2")
                        .arg(target.fullName())
                        .arg(Versions::numberOf(db, target, id))
                  : QStringLiteral("nothing");
    };
    diff.fromLabel = label(fromVersionId);
    diff.toLabel = label(toVersionId);
    if (target.kind == ReleaseKind::Job) {
        diff.job = diffJobs(db, fromVersionId, toVersionId);
        return diff;
    }
    QHash<QString, qint64> pinsA, pinsB; // task → job version
    const PipelineSpec a
        = fromVersionId ? Versions::pipelineSpec(db, fromVersionId, &pinsA) : PipelineSpec {};
    const PipelineSpec b
        = toVersionId ? Versions::pipelineSpec(db, toVersionId, &pinsB) : PipelineSpec {};
    diff.pipeline = diffPipelines(a, b);
    if (fromVersionId == toVersionId)
        return diff;

    // Tasks present on both sides whose pinned job version moved.
    const auto number = [&](qint64 id) {
        return Sql::scalar(db, QStringLiteral("SELECT number FROM job_versions WHERE id = ?"),
                           { id })
            .toInt();
    };
    QMap<QString, TaskChange> changed;
    for (const TaskChange &t : std::as_const(diff.pipeline.tasksChanged))
        changed.insert(t.task, t);
    for (auto it = pinsB.constBegin(); it != pinsB.constEnd(); ++it) {
        const auto before = pinsA.constFind(it.key());
        if (before == pinsA.constEnd() || *before == *it)
            continue;
        TaskChange &t = changed[it.key()];
        t.task = it.key();
        t.changes << FieldChange { QStringLiteral("job_version"),
                                   QStringLiteral("v%1").arg(number(*before)),
                                   QStringLiteral("v%1").arg(number(*it)) };
    }
    diff.pipeline.tasksChanged = changed.values();

    // One job diff per job whose version differs (by job name: a task renamed keeps its job).
    QMap<QString, qint64> jobsA, jobsB;
    for (const TaskSpec &t : a.tasks)
        jobsA.insert(t.job, pinsA.value(t.name));
    for (const TaskSpec &t : b.tasks)
        jobsB.insert(t.job, pinsB.value(t.name));
    QStringList names = jobsA.keys();
    for (const QString &n : jobsB.keys()) {
        if (!jobsA.contains(n))
            names << n;
    }
    std::sort(names.begin(), names.end());
    for (const QString &n : names) {
        const qint64 x = jobsA.value(n);
        const qint64 y = jobsB.value(n);
        if (x == y)
            continue;
        JobDiff j = diffJobs(db, x, y);
        j.job = n;
        diff.jobs << j;
    }
    return diff;
}

} // namespace Baton
