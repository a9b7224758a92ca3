#pragma once
// A new, empty workspace for each test function: what most core tests that touch the store
// start from. With BATON_TEST_BACKEND=postgresql (ctest's `core-pg/*` runs) each one is a new
// database on the test PostgreSQL server instead of an SQLite file under one temporary
// directory.

#include "pgserver.h"
#include "store/store.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <memory>
#include <vector>

namespace Baton::Test {

class WorkspaceFixture
{
public:
    static bool onPostgres()
    {
        return qEnvironmentVariable("BATON_TEST_BACKEND") == QLatin1String("postgresql");
    }

    /// A new workspace (call from init()); the previous one is closed.
    Workspace &renew()
    {
        m_ws.reset();
        if (onPostgres()) {
            m_pg = std::make_unique<PgDatabase>();
            if (!m_pg->error().isEmpty())
                throw Error(QStringLiteral("test database: ") + m_pg->error());
            m_ws = std::make_unique<Workspace>(m_pg->url(), Workspace::Mode::CreateIfMissing);
        } else {
            m_ws = std::make_unique<Workspace>(m_dir.filePath(QString::number(++m_counter)),
                                               Workspace::Mode::CreateIfMissing);
        }
        return *m_ws;
    }
    /// A further workspace, for tests that keep their own: a new directory @p dir, or on
    /// PostgreSQL a new database that lives as long as this fixture (declare the fixture
    /// before the workspace it makes, so that it closes first).
    std::unique_ptr<Workspace> another(const QString &dir)
    {
        return std::make_unique<Workspace>(address(dir), Workspace::Mode::CreateIfMissing);
    }
    /// Where a further workspace is to be made, without making it: @p dir, or on PostgreSQL the
    /// address of a new, empty database that lives as long as this fixture (or dropMore()).
    QString address(const QString &dir)
    {
        if (!onPostgres())
            return dir;
        m_more.push_back(std::make_unique<PgDatabase>());
        if (!m_more.back()->error().isEmpty())
            throw Error(QStringLiteral("test database: ") + m_more.back()->error());
        return m_more.back()->url();
    }
    /// The database behind an address() (or another()); null for a directory.
    const PgDatabase *database(const QString &address) const
    {
        for (const auto &pg : m_more) {
            if (pg->url() == address)
                return pg.get();
        }
        return nullptr;
    }
    /// Drops the databases of address() and another() (after their workspaces closed).
    void dropMore() { m_more.clear(); }
    Workspace &workspace() const { return *m_ws; }
    const Store &store() const { return m_ws->store(); }
    QSqlDatabase db() const { return m_ws->store().db(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<PgDatabase> m_pg; // declared before m_ws: dropped after it is closed
    std::vector<std::unique_ptr<PgDatabase>> m_more;
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;
};

} // namespace Baton::Test
