#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Baton {

class Store;

/// Copies a whole workspace database into another, new one: how a person's SQLite workspace
/// becomes the team's PostgreSQL workspace (`baton workspace copy SRC DST`), and back.
///
/// Everything a workspace holds is copied row for row with its ids — projects, versions and
/// their files, environments, deployments, requests, runs with their tasks, attempts and
/// metrics, reviews, alerts, schedules, settings, roles and the audit trail — in one
/// transaction on the target: a failure leaves it as empty as it was. The rollups the
/// dashboards read are not copied but rebuilt by the target's own rules as the rows arrive, and
/// then checked: every table, rollups included, must hold the same rows on both sides (count and
/// SHA-256 over its rows), or the copy says which differ. The engine lease and the target's own
/// identity (workspace id, creation time) are not copied.
///
/// Into a team workspace (PostgreSQL) the attempts' logs come along into its log chunks (see
/// LogShipper): from the source's chunks when it has them, else from each attempt's log file on
/// this machine, read in bounded pieces; each log is then compared (SHA-256) on both sides and
/// reported as the table "attempt logs".
class WorkspaceCopy
{
public:
    struct Table
    {
        QString name;
        qint64 rows = 0;
        bool copied = false; ///< false: rebuilt by the target (rollups), only compared
        bool same = false; ///< same rows on both sides after the copy
    };
    struct Report
    {
        QList<Table> tables;
        bool verified() const;
        QStringList lines() const;
    };

    /// Throws Baton::Error before writing anything when @p target is not empty (says what it
    /// holds), and rolls back when a row cannot be written.
    static Report copy(const Store &source, const Store &target);
    /// The tables copied, parents before children.
    static const QStringList &copiedTables();
    /// The tables the target rebuilds (compared, not copied).
    static const QStringList &rebuiltTables();
};

} // namespace Baton
