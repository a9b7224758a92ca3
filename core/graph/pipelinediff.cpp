#include "pipelinediff.h"

#include <QHash>
#include <QMap>
#include <algorithm>

namespace Baton {

namespace {

using EdgeKey = QPair<QString, QString>;

QMap<EdgeKey, EdgeCondition> edgesOf(const PipelineSpec &p)
{
    QMap<EdgeKey, EdgeCondition> edges;
    for (const TaskSpec &t : p.tasks)
        for (const DependencySpec &d : t.after)
            edges.insert({ d.task, t.name }, d.condition);
    return edges;
}

QString arrow(const QString &from, const QString &to)
{
    return from + QStringLiteral(" → ") + to;
}

} // namespace

QString settingText(const std::optional<int> &v, bool duration)
{
    if (!v)
        return {};
    return duration ? formatDuration(*v) : QString::number(*v);
}

void compareField(QList<FieldChange> &out, const QString &field, const QString &a, const QString &b)
{
    if (a != b)
        out << FieldChange { field, a, b };
}

void compareSettings(QList<FieldChange> &out, const RunSettings &a, const RunSettings &b)
{
    compareField(out, QStringLiteral("retries"), settingText(a.retries, false),
                 settingText(b.retries, false));
    compareField(out, QStringLiteral("retry_delay"), settingText(a.retryDelaySeconds, true),
                 settingText(b.retryDelaySeconds, true));
    compareField(out, QStringLiteral("timeout"), settingText(a.timeoutSeconds, true),
                 settingText(b.timeoutSeconds, true));
}

bool PipelineDiff::isEmpty() const
{
    return pipeline.isEmpty() && tasksAdded.isEmpty() && tasksRemoved.isEmpty()
        && tasksChanged.isEmpty() && edgesAdded.isEmpty() && edgesRemoved.isEmpty()
        && edgesChanged.isEmpty();
}

QStringList PipelineDiff::toLines() const
{
    auto change = [](const FieldChange &c) {
        const QString a = c.before.isEmpty() ? QStringLiteral("(unset)") : c.before;
        const QString b = c.after.isEmpty() ? QStringLiteral("(unset)") : c.after;
        return QStringLiteral("%1 %2 → %3").arg(c.field, a, b);
    };
    QStringList lines;
    for (const FieldChange &c : pipeline)
        lines << QStringLiteral("~ pipeline: ") + change(c);
    for (const QString &t : tasksAdded)
        lines << QStringLiteral("+ task ") + t;
    for (const QString &t : tasksRemoved)
        lines << QStringLiteral("- task ") + t;
    for (const TaskChange &t : tasksChanged) {
        QStringList parts;
        for (const FieldChange &c : t.changes)
            parts << change(c);
        lines << QStringLiteral("~ task %1: %2").arg(t.task, parts.join(QStringLiteral(", ")));
    }
    for (const EdgeRef &e : edgesAdded)
        lines << QStringLiteral("+ edge %1 (%2)").arg(arrow(e.from, e.to), toString(e.condition));
    for (const EdgeRef &e : edgesRemoved)
        lines << QStringLiteral("- edge %1 (%2)").arg(arrow(e.from, e.to), toString(e.condition));
    for (const EdgeChange &e : edgesChanged)
        lines << QStringLiteral("~ edge %1: condition %2 → %3")
                     .arg(arrow(e.from, e.to), toString(e.before), toString(e.after));
    return lines;
}

PipelineDiff diffPipelines(const PipelineSpec &before, const PipelineSpec &after)
{
    PipelineDiff diff;
    compareField(diff.pipeline, QStringLiteral("description"), before.description,
                 after.description);
    compareField(diff.pipeline, QStringLiteral("max_parallel"),
                 before.maxParallel ? QString::number(before.maxParallel) : QString(),
                 after.maxParallel ? QString::number(after.maxParallel) : QString());

    QMap<QString, const TaskSpec *> a, b; // QMap: sorted by name
    for (const TaskSpec &t : before.tasks)
        a.insert(t.name, &t);
    for (const TaskSpec &t : after.tasks)
        b.insert(t.name, &t);
    for (auto it = b.cbegin(); it != b.cend(); ++it)
        if (!a.contains(it.key()))
            diff.tasksAdded << it.key();
    for (auto it = a.cbegin(); it != a.cend(); ++it) {
        const auto other = b.constFind(it.key());
        if (other == b.cend()) {
            diff.tasksRemoved << it.key();
            continue;
        }
        TaskChange change { it.key(), {} };
        compareField(change.changes, QStringLiteral("job"), it.value()->job, other.value()->job);
        compareSettings(change.changes, it.value()->settings, other.value()->settings);
        if (!change.changes.isEmpty())
            diff.tasksChanged << change;
    }

    const auto ea = edgesOf(before);
    const auto eb = edgesOf(after);
    for (auto it = eb.cbegin(); it != eb.cend(); ++it)
        if (!ea.contains(it.key()))
            diff.edgesAdded << EdgeRef { it.key().first, it.key().second, it.value() };
    for (auto it = ea.cbegin(); it != ea.cend(); ++it) {
        const auto other = eb.constFind(it.key());
        if (other == eb.cend())
            diff.edgesRemoved << EdgeRef { it.key().first, it.key().second, it.value() };
        else if (other.value() != it.value())
            diff.edgesChanged << EdgeChange { it.key().first, it.key().second, it.value(),
                                              other.value() };
    }
    return diff;
}

} // namespace Baton
