#include "runcompare.h"

#include "model/durationformat.h"

#include <QMap>
#include <QSet>
#include <algorithm>

namespace Baton {

namespace {

QString versionText(const TaskDetail &t)
{
    return t.version.number > 0 ? QStringLiteral("%1 v%2").arg(t.version.job).arg(t.version.number)
                                : t.version.job;
}

QString pipelineVersionText(const RunDetail &d)
{
    return QStringLiteral("v%1 (%2)").arg(d.pipelineVersion).arg(d.pipelineHash.left(12));
}

void add(QList<FieldComparison> &out, const QString &field, const QString &a, const QString &b)
{
    out << FieldComparison { field, a, b, a != b };
}

} // namespace

int RunComparison::differenceCount() const
{
    int n = 0;
    for (const FieldComparison &f : fields)
        n += f.differs;
    for (const TaskComparison &t : tasks)
        n += t.differs();
    for (const FieldComparison &m : metrics)
        n += m.differs;
    return n;
}

bool RunCompare::durationsDiffer(qint64 a, qint64 b)
{
    const qint64 delta = std::abs(a - b);
    return delta > 1000 && delta * 4 > std::max(a, b);
}

RunComparison RunCompare::compare(const RunDetail &a, const RunDetail &b, qint64 nowMs)
{
    RunComparison c;
    c.runA = a.id;
    c.runB = b.id;
    add(c.fields, QStringLiteral("pipeline"), a.project + QLatin1Char('/') + a.pipeline,
        b.project + QLatin1Char('/') + b.pipeline);
    add(c.fields, QStringLiteral("pipeline version"), pipelineVersionText(a),
        pipelineVersionText(b));
    add(c.fields, QStringLiteral("environment"), a.environment, b.environment);
    add(c.fields, QStringLiteral("state"), toString(a.state), toString(b.state));
    add(c.fields, QStringLiteral("trigger"), a.trigger, b.trigger);
    add(c.fields, QStringLiteral("logical date"), a.logicalDate, b.logicalDate);
    add(c.fields, QStringLiteral("requested by"), a.requestedBy, b.requestedBy);
    const qint64 da = a.durationMs(nowMs);
    const qint64 db = b.durationMs(nowMs);
    c.fields << FieldComparison { QStringLiteral("duration"), durationTextOr(da, QString()),
                                  durationTextOr(db, QString()), durationsDiffer(da, db) };

    // Parameters and variables by name (values as shown: secrets are *** on both sides).
    QStringList keys = a.parameters.keys() + b.parameters.keys();
    keys.removeDuplicates();
    std::sort(keys.begin(), keys.end());
    for (const QString &k : std::as_const(keys))
        add(c.fields, QStringLiteral("parameter %1").arg(k), a.parameters.value(k),
            b.parameters.value(k));
    QMap<QString, QString> va;
    QMap<QString, QString> vb;
    const auto shown = [](const VariableDetail &v) {
        return QStringLiteral("%1 (%2)").arg(v.value, v.scope);
    };
    for (const VariableDetail &v : a.variables) {
        if (v.scope != QLatin1String("baton"))
            va.insert(v.name, shown(v));
    }
    for (const VariableDetail &v : b.variables) {
        if (v.scope != QLatin1String("baton"))
            vb.insert(v.name, shown(v));
    }
    QStringList names = va.keys() + vb.keys();
    names.removeDuplicates();
    std::sort(names.begin(), names.end());
    for (const QString &n : std::as_const(names))
        add(c.fields, QStringLiteral("variable %1").arg(n), va.value(n), vb.value(n));

    // Tasks: A's order, then the ones only B has.
    const auto compareTask = [nowMs](const TaskDetail *ta, const TaskDetail *tb) {
        TaskComparison t;
        t.task = ta ? ta->name : tb->name;
        t.inA = ta;
        t.inB = tb;
        if (ta) {
            t.stateA = ta->state;
            t.versionA = versionText(*ta);
            t.hashA = ta->version.contentHash;
            t.durationA = ta->durationMs(nowMs);
            t.attemptsA = ta->attempts;
            t.exitA = ta->exitCode;
        }
        if (tb) {
            t.stateB = tb->state;
            t.versionB = versionText(*tb);
            t.hashB = tb->version.contentHash;
            t.durationB = tb->durationMs(nowMs);
            t.attemptsB = tb->attempts;
            t.exitB = tb->exitCode;
        }
        if (ta && tb) {
            t.stateDiffers = t.stateA != t.stateB;
            t.versionDiffers = t.versionA != t.versionB || t.hashA != t.hashB;
            t.durationDiffers = durationsDiffer(t.durationA, t.durationB);
            t.attemptsDiffer = t.attemptsA != t.attemptsB;
            t.exitDiffers = t.exitA != t.exitB;
        }
        return t;
    };
    for (const TaskDetail &ta : a.tasks)
        c.tasks << compareTask(&ta, b.task(ta.name));
    for (const TaskDetail &tb : b.tasks) {
        if (!a.task(tb.name))
            c.tasks << compareTask(nullptr, &tb);
    }

    // Metrics by (name, task); the last value reported wins.
    QMap<QPair<QString, QString>, QString> ma;
    QMap<QPair<QString, QString>, QString> mb;
    for (const MetricDetail &m : a.metrics)
        ma.insert({ m.name, m.task }, QString::number(m.value, 'g', 8));
    for (const MetricDetail &m : b.metrics)
        mb.insert({ m.name, m.task }, QString::number(m.value, 'g', 8));
    QList<QPair<QString, QString>> metricKeys = ma.keys() + mb.keys();
    std::sort(metricKeys.begin(), metricKeys.end());
    metricKeys.erase(std::unique(metricKeys.begin(), metricKeys.end()), metricKeys.end());
    for (const auto &k : std::as_const(metricKeys)) {
        const QString field
            = k.second.isEmpty() ? k.first : QStringLiteral("%1 (%2)").arg(k.first, k.second);
        add(c.metrics, field, ma.value(k), mb.value(k));
    }
    return c;
}

} // namespace Baton
