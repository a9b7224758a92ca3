#include "comparecommands.h"

#include "common.h"
#include "model/durationformat.h"
#include "monitoring/runcompare.h"
#include "output.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Baton::Cli {

namespace {

const QCommandLineOption kJson(QStringLiteral("json"), QStringLiteral("Print JSON."));
const QCommandLineOption kOnly(QStringLiteral("only-differences"),
                               QStringLiteral("Leave out what is the same in both runs."));

QString exitText(const std::optional<int> &code)
{
    return code ? QString::number(*code) : QStringLiteral("-");
}

QString dash(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("-") : text;
}

QJsonObject fieldJson(const FieldComparison &f)
{
    return { { QStringLiteral("field"), f.field },
             { QStringLiteral("a"), f.a },
             { QStringLiteral("b"), f.b },
             { QStringLiteral("differs"), f.differs } };
}

QJsonValue exitJson(const std::optional<int> &code)
{
    return code ? QJsonValue(*code) : QJsonValue();
}

} // namespace

void setupCompare(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN_A"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("RUN_B"), QStringLiteral("Run id."));
    p.addOption(kJson);
    p.addOption(kOnly);
}

int cmdCompare(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        err(QStringLiteral("usage: baton compare RUN_A RUN_B [--json] [--only-differences]"));
        return Usage;
    }
    const qint64 a = parseRunId(args.at(0));
    const qint64 b = parseRunId(args.at(1));
    auto ws = openWorkspace(options);
    const QSqlDatabase db = ws->store().db();
    const RunComparison c = RunCompare::compare(RunDetails::load(db, a), RunDetails::load(db, b),
                                                QDateTime::currentMSecsSinceEpoch());
    const bool only = parser.isSet(kOnly);

    if (parser.isSet(kJson)) {
        QJsonArray fields;
        QJsonArray tasks;
        QJsonArray metrics;
        for (const FieldComparison &f : c.fields) {
            if (!only || f.differs)
                fields << fieldJson(f);
        }
        for (const TaskComparison &t : c.tasks) {
            if (only && !t.differs())
                continue;
            tasks << QJsonObject {
                { QStringLiteral("task"), t.task },
                { QStringLiteral("in_a"), t.inA },
                { QStringLiteral("in_b"), t.inB },
                { QStringLiteral("state_a"), t.inA ? toString(t.stateA) : QString() },
                { QStringLiteral("state_b"), t.inB ? toString(t.stateB) : QString() },
                { QStringLiteral("version_a"), t.versionA },
                { QStringLiteral("version_b"), t.versionB },
                { QStringLiteral("duration_ms_a"), t.durationA },
                { QStringLiteral("duration_ms_b"), t.durationB },
                { QStringLiteral("attempts_a"), t.attemptsA },
                { QStringLiteral("attempts_b"), t.attemptsB },
                { QStringLiteral("exit_code_a"), exitJson(t.exitA) },
                { QStringLiteral("exit_code_b"), exitJson(t.exitB) },
                { QStringLiteral("differs"), t.differs() },
            };
        }
        for (const FieldComparison &m : c.metrics) {
            if (!only || m.differs)
                metrics << fieldJson(m);
        }
        const QJsonObject root { { QStringLiteral("run_a"), c.runA },
                                 { QStringLiteral("run_b"), c.runB },
                                 { QStringLiteral("differences"), c.differenceCount() },
                                 { QStringLiteral("fields"), fields },
                                 { QStringLiteral("tasks"), tasks },
                                 { QStringLiteral("metrics"), metrics } };
        out(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented)).trimmed());
        return Ok;
    }

    const QString ra = QStringLiteral("RUN %1").arg(a);
    const QString rb = QStringLiteral("RUN %1").arg(b);
    const QString mark = QStringLiteral("*");
    QList<QStringList> rows;
    for (const FieldComparison &f : c.fields) {
        if (!only || f.differs)
            rows << QStringList { f.differs ? mark : QString(), f.field, dash(f.a), dash(f.b) };
    }
    printTable({ QString(), QStringLiteral("FIELD"), ra, rb }, rows);
    out(QString());
    rows.clear();
    for (const TaskComparison &t : c.tasks) {
        if (only && !t.differs())
            continue;
        rows << QStringList { t.differs() ? mark : QString(),
                              t.task,
                              t.inA ? toString(t.stateA) : QStringLiteral("(absent)"),
                              t.inB ? toString(t.stateB) : QStringLiteral("(absent)"),
                              dash(t.versionA),
                              dash(t.versionB),
                              durationTextOr(t.durationA, QStringLiteral("-")),
                              durationTextOr(t.durationB, QStringLiteral("-")),
                              QStringLiteral("%1/%2").arg(t.attemptsA).arg(t.attemptsB),
                              QStringLiteral("%1/%2").arg(exitText(t.exitA), exitText(t.exitB)) };
    }
    printTable({ QString(), QStringLiteral("TASK"), QStringLiteral("STATE A"),
                 QStringLiteral("STATE B"), QStringLiteral("VERSION A"),
                 QStringLiteral("VERSION B"), QStringLiteral("TIME A"), QStringLiteral("TIME B"),
                 QStringLiteral("ATTEMPTS"), QStringLiteral("EXIT") },
               rows);
    rows.clear();
    for (const FieldComparison &m : c.metrics) {
        if (!only || m.differs)
            rows << QStringList { m.differs ? mark : QString(), m.field, dash(m.a), dash(m.b) };
    }
    if (!rows.isEmpty()) {
        out(QString());
        printTable({ QString(), QStringLiteral("METRIC"), ra, rb }, rows);
    }
    out(QString());
    out(QStringLiteral("%1 difference(s) between run %2 and run %3 (marked *)")
            .arg(c.differenceCount())
            .arg(a)
            .arg(b));
    return Ok;
}

} // namespace Baton::Cli
