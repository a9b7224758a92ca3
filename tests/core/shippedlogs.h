#pragma once
// What the tests of attempt logs in a team workspace's database start from (tst_logshipper,
// tst_logmirror): a team workspace, a new database for each test, with the churn project, and
// attempts recorded on 'testhost' whose logs are files here, shipped by a LogShipper that ends
// the attempts the test says are over.

#include "logs/logshipper.h"
#include "rundata.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "testspecs.h"
#include "workspacefixture.h"

#include <QSet>

namespace Baton::Test {

class ShippedLogs
{
public:
    static constexpr qint64 T0 = 1795000000000; // ms UTC

    /// A new workspace (call from init()); every one is a team workspace.
    Workspace &renew()
    {
        qputenv("BATON_TEST_BACKEND", "postgresql"); // only a team workspace ships its logs
        m_ws = &m_fixture.renew();
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("tester"));
        over.clear();
        return *m_ws;
    }
    const Store &store() const { return m_ws->store(); }

    /// An attempt of 'extract', running or @p finished, whose log holds @p lines numbered lines
    /// (none: no file), a stderr line every @p errEvery; its id.
    qint64 attempt(qint64 lines, bool finished = false, qint64 errEvery = 0)
    {
        const QString state = finished ? QStringLiteral("succeeded") : QStringLiteral("running");
        const qint64 run = queueRun(store(), QStringLiteral("churn"), QStringLiteral("nightly"));
        recordTask(*m_ws, run, QStringLiteral("extract"), state,
                   { { state,
                       finished ? std::optional<int>(0) : std::nullopt,
                       T0,
                       finished ? T0 + 1000 : 0,
                       lines > 0 ? record('O', "first") : QByteArray(),
                       {} } });
        const qint64 id
            = Sql::scalar(store().db(), QStringLiteral("SELECT max(id) FROM task_attempts"))
                  .toLongLong();
        if (lines > 0)
            writeNumberedLog(logPath(id), lines, errEvery, "error: disk on fire");
        return id;
    }
    QString logPath(qint64 attemptId) const
    {
        return Sql::scalar(store().db(),
                           QStringLiteral("SELECT log_path FROM task_attempts WHERE id = ?"),
                           { attemptId })
            .toString();
    }
    /// How the tests ship: this test's host, and over when the test says so.
    LogShipper::Options options(qint64 cap = 0)
    {
        LogShipper::Options o;
        o.host = QStringLiteral("testhost"); // as rundata records attempts
        o.capBytes = cap;
        o.over = [this](qint64 id, const QString &) {
            return over.contains(id);
        };
        return o;
    }
    /// Steps until nothing is waiting; false when that took more than a thousand steps.
    static bool shipAll(LogShipper &shipper)
    {
        for (int i = 0; i < 1000; ++i) {
            if (!shipper.step().more)
                return true;
        }
        return false;
    }

    QSet<qint64> over; ///< the attempts the test says are over

private:
    WorkspaceFixture m_fixture;
    Workspace *m_ws = nullptr;
};

} // namespace Baton::Test
