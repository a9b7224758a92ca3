#include "workspacecopy.h"

#include "logs/logchunks.h"
#include "logs/logshipper.h"
#include "sql.h"
#include "store.h"
#include "storebackend.h"
#include "util/error.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHash>
#include <QSqlRecord>
#include <algorithm>
#include <functional>

namespace Baton {

namespace {

// One value as text that reads the same from either driver: SQLite and PostgreSQL return the
// same QVariant types for the same schema (integers, doubles, text, bytes, NULL).
QByteArray canonical(const QVariant &v)
{
    if (v.isNull())
        return QByteArrayLiteral("\\N");
    switch (v.typeId()) {
    case QMetaType::QByteArray:
        return "x" + v.toByteArray().toHex();
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = v.toDouble();
        // An integral double is written as the integer SQLite may have kept it as.
        if (d == double(qint64(d)))
            return QByteArray::number(qint64(d));
        return QByteArray::number(d, 'g', 17);
    }
    default:
        return v.toString().toUtf8();
    }
}

QStringList columnsOf(const QSqlDatabase &db, const QString &table)
{
    QSqlQuery q = Sql::exec(db, QStringLiteral("SELECT * FROM %1 WHERE 1 = 0").arg(table));
    QStringList columns;
    const QSqlRecord record = q.record();
    for (int i = 0; i < record.count(); ++i)
        columns << record.fieldName(i);
    return columns;
}

// Row count and a digest of the table's rows, independent of their order and of the driver.
std::pair<qint64, QByteArray> digest(const QSqlDatabase &db, const QString &table,
                                     const QStringList &columns)
{
    QSqlQuery q = Sql::exec(db, QStringLiteral("SELECT %1 FROM %2").arg(columns.join(", "), table));
    QList<QByteArray> rows;
    while (q.next()) {
        QByteArray row;
        for (int i = 0; i < columns.size(); ++i) {
            row += canonical(q.value(i));
            row += '\x1f';
        }
        rows << row;
    }
    std::sort(rows.begin(), rows.end());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QByteArray &row : std::as_const(rows)) {
        hash.addData(row);
        hash.addData("\x1e");
    }
    return { rows.size(), hash.result() };
}

// The bytes of attempt @p id's log in @p store's database, in order, a few chunks at a time.
void forEachChunk(const Store &store, qint64 id,
                  const std::function<void(const QByteArray &)> &sink)
{
    for (qint64 from = 0, before = -1; from != before;) {
        before = from;
        from = LogChunks::read(store, id, from, sink);
    }
}

// An attempt's log in the source: its chunks when the source holds them (a team workspace),
// else the file at its log_path on this machine (an SQLite workspace's).
struct SourceLog
{
    qint64 id = 0;
    QString path;
    bool inDatabase = false;
    bool complete = false;
};

void readLog(const Store &source, const SourceLog &log,
             const std::function<void(const QByteArray &)> &sink)
{
    if (log.inDatabase) {
        forEachChunk(source, log.id, sink);
        return;
    }
    QFile file(log.path);
    if (!file.open(QIODevice::ReadOnly))
        return; // no file: the attempt wrote nothing
    for (QByteArray bytes = file.read(LogShipper::ChunkBytes); !bytes.isEmpty();
         bytes = file.read(LogShipper::ChunkBytes))
        sink(bytes);
}

QList<SourceLog> sourceLogs(const Store &source)
{
    QList<SourceLog> logs;
    QSqlQuery q = Sql::exec(source.db(),
                            QStringLiteral("SELECT a.id, a.log_path, a.finished_at, l.complete "
                                           "FROM task_attempts a LEFT JOIN attempt_logs l ON "
                                           "l.attempt_id = a.id WHERE a.log_path <> '' ORDER BY "
                                           "a.id"));
    while (q.next()) {
        SourceLog log;
        log.id = q.value(0).toLongLong();
        log.path = q.value(1).toString();
        log.inDatabase = !q.value(3).isNull();
        // A file's log is whole once its attempt ended; a live one is shipped on by its engine.
        log.complete = log.inDatabase ? q.value(3).toInt() != 0 : !q.value(2).isNull();
        logs << log;
    }
    return logs;
}

QByteArray logHash(const std::function<void(const std::function<void(const QByteArray &)> &)> &read)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    read([&](const QByteArray &bytes) { hash.addData(bytes); });
    return hash.result();
}

} // namespace

const QStringList &WorkspaceCopy::copiedTables()
{
    static const QStringList tables {
        QStringLiteral("projects"),
        QStringLiteral("environments"),
        QStringLiteral("jobs"),
        QStringLiteral("blobs"),
        QStringLiteral("job_versions"),
        QStringLiteral("job_version_files"),
        QStringLiteral("pipelines"),
        QStringLiteral("variables"),
        QStringLiteral("pipeline_versions"),
        QStringLiteral("pipeline_tasks"),
        QStringLiteral("pipeline_edges"),
        QStringLiteral("schedules"),
        QStringLiteral("promotion_requests"),
        QStringLiteral("deployments"),
        QStringLiteral("runs"),
        QStringLiteral("task_runs"),
        QStringLiteral("task_attempts"),
        QStringLiteral("metrics"),
        QStringLiteral("audit_events"),
        QStringLiteral("requests"),
        QStringLiteral("settings"),
        QStringLiteral("roles"),
        QStringLiteral("runtimes"),
        QStringLiteral("runtime_deprecations"),
        QStringLiteral("run_reviews"),
        QStringLiteral("alert_rules"),
        QStringLiteral("alert_events"),
        QStringLiteral("alert_cursor"),
    };
    return tables;
}

const QStringList &WorkspaceCopy::rebuiltTables()
{
    static const QStringList tables {
        QStringLiteral("run_daily"),
        QStringLiteral("run_duration_daily"),
        QStringLiteral("task_failure_daily"),
        QStringLiteral("task_duration_daily"),
    };
    return tables;
}

bool WorkspaceCopy::Report::verified() const
{
    return std::all_of(tables.cbegin(), tables.cend(), [](const Table &t) { return t.same; });
}

QStringList WorkspaceCopy::Report::lines() const
{
    QStringList out;
    qint64 rows = 0;
    for (const Table &t : tables) {
        if (t.copied)
            rows += t.rows;
        if (!t.same)
            out << QStringLiteral("%1: DIFFERS from the source after the copy").arg(t.name);
    }
    out.prepend(QStringLiteral("copied %1 rows in %2 tables; %3")
                    .arg(rows)
                    .arg(std::count_if(tables.cbegin(), tables.cend(),
                                       [](const Table &t) { return t.copied; }))
                    .arg(verified() ? QStringLiteral("every table, rollups included, holds the "
                                                     "same rows on both sides (count and SHA-256)")
                                    : QStringLiteral("the copy does NOT match its source")));
    return out;
}

WorkspaceCopy::Report WorkspaceCopy::copy(const Store &source, const Store &target)
{
    // Refused before anything is written: a copy only goes into a new workspace.
    QStringList held;
    for (const QString &table : copiedTables() + rebuiltTables()) {
        if (table == QLatin1String("roles"))
            continue; // `init` made its user an admin there; the source's roles replace them
        const qint64 n
            = Sql::scalar(target.db(), QStringLiteral("SELECT count(*) FROM %1").arg(table))
                  .toLongLong();
        if (n > 0)
            held << QStringLiteral("%1 %2").arg(n).arg(table);
    }
    if (!held.isEmpty())
        throw Error(QStringLiteral("%1 is not empty (%2): a workspace is copied only into a new "
                                   "one; nothing was copied")
                        .arg(target.path(), held.join(QStringLiteral(", "))));

    QHash<QString, QStringList> columnsByTable;
    for (const QString &table : copiedTables() + rebuiltTables())
        columnsByTable.insert(table, columnsOf(source.db(), table));

    const bool copyLogs = LogChunks::travelThroughDatabase(target);
    const QList<SourceLog> logs = copyLogs ? sourceLogs(source) : QList<SourceLog>();

    Report report;
    target.transaction([&](QSqlDatabase &tx) {
        Sql::exec(tx, QStringLiteral("DELETE FROM roles"));
        for (const QString &table : copiedTables()) {
            const QStringList &columns = columnsByTable[table];
            QStringList marks;
            marks.fill(QStringLiteral("?"), columns.size());
            QSqlQuery insert(tx);
            const QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                    .arg(table, columns.join(", "), marks.join(", "));
            if (!insert.prepare(sql))
                Sql::exec(tx, sql); // reports the failure with the usual wording
            // Parents before children, and within a table in id order (runs.rerun_of).
            QSqlQuery rows = Sql::exec(source.db(),
                                       QStringLiteral("SELECT %1 FROM %2%3")
                                           .arg(columns.join(", "), table,
                                                columns.contains(QStringLiteral("id"))
                                                    ? QStringLiteral(" ORDER BY id")
                                                    : QString()));
            qint64 n = 0;
            QVariantList values;
            while (rows.next()) {
                values.clear();
                for (int i = 0; i < columns.size(); ++i)
                    values << (rows.value(i).isNull() ? QVariant() : rows.value(i));
                Sql::run(tx, insert, values);
                ++n;
            }
            if (columns.contains(QStringLiteral("id")))
                target.backend().afterExplicitIds(tx, table);
            report.tables << Table { table, n, true, false };
        }
        if (copyLogs) {
            // Into a team workspace, the logs go into its database (see LogShipper): a console
            // on another machine reads them there.
            for (const SourceLog &log : logs) {
                qint64 offset = 0;
                readLog(source, log, [&](const QByteArray &bytes) {
                    Sql::exec(tx,
                              QStringLiteral("INSERT INTO attempt_log_chunks (attempt_id, "
                                             "byte_offset, bytes) VALUES (?, ?, ?)"),
                              { log.id, offset, bytes });
                    offset += bytes.size();
                });
                Sql::exec(tx,
                          QStringLiteral("INSERT INTO attempt_logs (attempt_id, log_path, bytes, "
                                         "complete) VALUES (?, ?, ?, ?)"),
                          { log.id, log.path, offset, log.complete ? 1 : 0 });
            }
        }
    });
    if (copyLogs) {
        // Each log read again on both sides: the same bytes (SHA-256).
        bool same = true;
        for (const SourceLog &log : logs) {
            same = same
                && logHash([&](const auto &sink) { readLog(source, log, sink); })
                    == logHash([&](const auto &sink) { forEachChunk(target, log.id, sink); });
        }
        report.tables << Table { QStringLiteral("attempt logs"), qint64(logs.size()), true, same };
    }

    // Checked after the commit, as a reader of each side sees it.
    for (const QString &table : rebuiltTables())
        report.tables << Table { table, 0, false, false };
    for (Table &t : report.tables) {
        if (!columnsByTable.contains(t.name))
            continue; // the logs, compared above
        const QStringList &columns = columnsByTable[t.name];
        const auto [sourceRows, sourceHash] = digest(source.db(), t.name, columns);
        const auto [targetRows, targetHash] = digest(target.db(), t.name, columns);
        t.rows = targetRows;
        t.same = sourceRows == targetRows && sourceHash == targetHash;
    }
    return report;
}

} // namespace Baton
