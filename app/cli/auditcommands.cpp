#include "auditcommands.h"

#include "access/auditchain.h"
#include "access/audittrail.h"
#include "common.h"
#include "output.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Baton::Cli {

void setupAudit(QCommandLineParser &p)
{
    p.addOption(
        { QStringLiteral("actor"), QStringLiteral("Only what USER did."), QStringLiteral("USER") });
    p.addOption({ QStringLiteral("action"),
                  QStringLiteral("Only ACTION; a prefix ending in '.' (run.) matches a family."),
                  QStringLiteral("ACTION") });
    p.addOption({ QStringLiteral("object"),
                  QStringLiteral("Only events on objects of KIND (run, pipeline, job, ...)."),
                  QStringLiteral("KIND") });
    p.addOption({ QStringLiteral("search"),
                  QStringLiteral("Only events whose object, action or details contain TEXT."),
                  QStringLiteral("TEXT") });
    p.addOption({ QStringLiteral("since"),
                  QStringLiteral("From WHEN: ISO 8601 time or date (UTC unless a zone is "
                                 "written), or a duration back from now (2h, 7d)."),
                  QStringLiteral("WHEN") });
    p.addOption({ QStringLiteral("until"), QStringLiteral("Up to WHEN (exclusive), as --since."),
                  QStringLiteral("WHEN") });
    p.addOption({ QStringLiteral("limit"), QStringLiteral("At most N events (default 50)."),
                  QStringLiteral("N"), QStringLiteral("50") });
    p.addOption({ QStringLiteral("json"), QStringLiteral("Print JSON (list, newest first).") });
    p.addPositionalArgument(QStringLiteral("verify"),
                            QStringLiteral("Check the whole hash chain instead: exit 1 and name "
                                           "the first event edited, deleted or reordered."),
                            QStringLiteral("[verify]"));
}

namespace {

int verify(const GlobalOptions &options, bool json)
{
    auto ws = openWorkspace(options);
    const AuditChainReport report = AuditChain::verify(ws->store().db());
    if (json)
        out(QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented))
                .trimmed());
    else if (report.intact)
        out(report.summary());
    else
        err(report.summary());
    return report.intact ? Ok : Failure;
}

} // namespace

int cmdAudit(QCommandLineParser &parser, const GlobalOptions &options)
{
    if (parser.positionalArguments() == QStringList { QStringLiteral("verify") })
        return verify(options, parser.isSet(QStringLiteral("json")));
    if (!parser.positionalArguments().isEmpty()) {
        err(QStringLiteral("baton audit: unexpected argument '%1' (filters are options: see "
                           "baton audit --help)")
                .arg(parser.positionalArguments().first()));
        return Usage;
    }
    AuditQuery query;
    query.actor = parser.value(QStringLiteral("actor"));
    query.action = parser.value(QStringLiteral("action"));
    query.objectKind = parser.value(QStringLiteral("object"));
    query.text = parser.value(QStringLiteral("search"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const char *name : { "since", "until" }) {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            continue;
        const auto when = AuditTrail::parseSince(parser.value(option), now);
        if (!when) {
            err(QStringLiteral("baton audit: --%1: '%2' is not an ISO 8601 time, a date "
                               "(YYYY-MM-DD) or a duration (30m, 2h, 7d)")
                    .arg(option, parser.value(option)));
            return Usage;
        }
        (option == QLatin1String("since") ? query.fromMs : query.toMs) = *when;
    }
    query.limit = int(numberOption(parser, QStringLiteral("limit"), 1, 10000));

    auto ws = openWorkspace(options);
    const AuditPage page = AuditTrail::query(ws->store().db(), query);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const AuditEvent &e : page.events) {
            QJsonObject o {
                { QStringLiteral("id"), e.id },
                { QStringLiteral("at"),
                  QDateTime::fromMSecsSinceEpoch(e.at, Qt::UTC).toString(Qt::ISODateWithMs) },
                { QStringLiteral("actor"), e.actor },
                { QStringLiteral("action"), e.action },
                { QStringLiteral("object_kind"), e.objectKind },
                { QStringLiteral("object_name"), e.objectName },
                { QStringLiteral("details"), e.details }
            };
            if (e.objectId)
                o.insert(QStringLiteral("object_id"), e.objectId);
            if (!e.before.isEmpty())
                o.insert(QStringLiteral("before"), e.before);
            if (!e.after.isEmpty())
                o.insert(QStringLiteral("after"), e.after);
            array.append(o);
        }
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (const AuditEvent &e : page.events) {
        QString object = e.objectKind;
        if (!e.objectName.isEmpty())
            object += (object.isEmpty() ? QString() : QStringLiteral(" ")) + e.objectName;
        rows << QStringList { QDateTime::fromMSecsSinceEpoch(e.at, Qt::UTC)
                                  .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'")),
                              e.actor, e.action, object, e.details };
    }
    printTable({ QStringLiteral("TIME"), QStringLiteral("ACTOR"), QStringLiteral("ACTION"),
                 QStringLiteral("OBJECT"), QStringLiteral("DETAILS") },
               rows);
    if (page.more)
        err(QStringLiteral("(more events match: raise --limit or narrow the filters)"));
    return Ok;
}

} // namespace Baton::Cli
