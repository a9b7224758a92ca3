#include "access/roles.h"
#include "refusal.h"
#include "release/deployments.h"
#include "store/catalog.h"
#include "store/sql.h"
#include "store/workspaceinit.h"
#include "workspacefixture.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using Baton::Test::refusal;

namespace {

// Every entry under @p dir with its permissions and content: "exactly as it was" to compare.
QStringList snapshot(const QString &dir)
{
    QStringList out;
    out << QStringLiteral(". %1").arg(int(QFileInfo(dir).permissions()));
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info(path);
        QString line = QStringLiteral("%1 %2")
                           .arg(QDir(dir).relativeFilePath(path))
                           .arg(int(info.permissions()));
        if (info.isFile()) {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly))
                line += QLatin1Char(' ') + QString::fromUtf8(f.readAll().toHex());
        }
        out << line;
    }
    out.sort();
    return out;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

int count(const QSqlDatabase &db, const QString &table)
{
    return Sql::scalar(db, QStringLiteral("SELECT count(*) FROM %1").arg(table)).toInt();
}

} // namespace

class TestWorkspaceInit : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    Test::WorkspaceFixture m_spaces;

    QString path(const QString &name) const { return m_tmp.filePath(name); }
    /// Where a new workspace is made: a directory, or on PostgreSQL an empty database.
    QString workspace(const QString &name) { return m_spaces.address(path(name)); }
    bool holdsWorkspace(const QString &address) const
    {
        if (const Test::PgDatabase *pg = m_spaces.database(address))
            return pg->holdsBatonSchema();
        return QFileInfo::exists(QDir(address).filePath(QStringLiteral("baton.db")));
    }

private Q_SLOTS:
    void cleanup() { m_spaces.dropMore(); } // each test's report (its workspace) closed first

    void createsAWorkspaceAndMakesItsCreatorAdmin()
    {
        const QString dir = workspace(QStringLiteral("new/nested"));
        const InitReport report = WorkspaceInit::init(dir, QStringLiteral("alice"));
        QVERIFY(!report.existed);
        QVERIFY(report.madeAdmin);
        QVERIFY(!report.demoRequested);
        QVERIFY(holdsWorkspace(dir));
        const QSqlDatabase db = report.workspace->store().db();
        QCOMPARE(Roles::of(db, QStringLiteral("alice")),
                 (QStringList { QStringLiteral("release_manager"), QStringLiteral("admin") }));
        QVERIFY(Catalog::projects(db).isEmpty());
        QCOMPARE(report.lines(),
                 (QStringList {
                     QStringLiteral("created workspace %1").arg(dir), // as --workspace names it
                     QStringLiteral("alice is admin and release_manager of this workspace") }));
    }

    void initAgainChangesNothing()
    {
        const QString dir = workspace(QStringLiteral("again"));
        WorkspaceInit::init(dir, QStringLiteral("alice"));
        const InitReport second = WorkspaceInit::init(dir, QStringLiteral("bob"));
        QVERIFY(second.existed);
        QVERIFY(!second.madeAdmin); // alice administers it: bob gets nothing
        const QSqlDatabase db = second.workspace->store().db();
        QVERIFY(Roles::of(db, QStringLiteral("bob")).isEmpty());
        QCOMPARE(second.lines(),
                 QStringList { QStringLiteral("workspace %1 already exists").arg(dir) });
    }

    void anEmptyExistingDirectoryBecomesAWorkspace()
    {
        if (Test::WorkspaceFixture::onPostgres())
            QSKIP("SQLite only: an empty database is what every other test starts from");
        const QString dir = path(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(dir));
        const InitReport report = WorkspaceInit::init(dir, QStringLiteral("alice"));
        QVERIFY(!report.existed);
        QVERIFY(QFileInfo::exists(QDir(dir).filePath(QStringLiteral("baton.db"))));
    }

    void refusesANonEmptyForeignDirectory_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::newRow("a file") << QStringLiteral("notes.txt");
        QTest::newRow("a hidden file") << QStringLiteral(".profile");
        QTest::newRow("a directory") << QStringLiteral("photos/");
    }

    void refusesANonEmptyForeignDirectory()
    {
        QFETCH(QString, entry);
        if (Test::WorkspaceFixture::onPostgres())
            QSKIP("SQLite only: a database of somebody else's is refusesAForeignDatabase");
        const QString dir = path(QStringLiteral("home-") + QString::number(qHash(entry)));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::setPermissions(dir,
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                          | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                          | QFile::ExeOther));
        if (entry.endsWith(QLatin1Char('/')))
            QVERIFY(QDir(dir).mkdir(entry));
        else
            writeFile(QDir(dir).filePath(entry), "somebody's own data\n");
        const QStringList before = snapshot(dir);

        const QString error
            = refusal([&] { WorkspaceInit::init(dir, QStringLiteral("alice"), true); });
        QVERIFY2(error.contains(QDir::cleanPath(dir)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("not empty")), qPrintable(error));
        QCOMPARE(snapshot(dir), before); // no baton.db, logs/, runs/; still 0755
    }

    // On PostgreSQL: a database holding other tables is somebody else's; left as it was.
    void refusesAForeignDatabase()
    {
        if (!Test::WorkspaceFixture::onPostgres())
            QSKIP("PostgreSQL only: a directory of somebody else's is "
                  "refusesANonEmptyForeignDirectory");
        const QString url = workspace(QStringLiteral("foreign"));
        const Test::PgDatabase *pg = m_spaces.database(url);
        QCOMPARE(pg->exec(QStringLiteral("CREATE TABLE invoices (id int); INSERT INTO invoices "
                                         "VALUES (1)")),
                 QString());
        const QString error
            = refusal([&] { WorkspaceInit::init(url, QStringLiteral("alice"), true); });
        QVERIFY2(error.contains(url), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("holds something else")), qPrintable(error));
        QVERIFY(!pg->holdsBatonSchema());
        QCOMPARE(pg->exec(QStringLiteral("DO $$ BEGIN IF (SELECT count(*) FROM invoices) <> 1 "
                                         "THEN RAISE 'changed'; END IF; END $$")),
                 QString());
    }

    void refusesAFileInTheWay()
    {
        if (Test::WorkspaceFixture::onPostgres())
            QSKIP("SQLite only: a team workspace is named by an address, not a directory");
        const QString file = path(QStringLiteral("a-file"));
        writeFile(file, "not a directory\n");
        const QStringList before = snapshot(m_tmp.path());
        const QString error = refusal([&] { WorkspaceInit::init(file, QStringLiteral("alice")); });
        QVERIFY2(error.contains(QStringLiteral("is a file")), qPrintable(error));
        QCOMPARE(snapshot(m_tmp.path()), before);
    }

    void demoGoesIntoAWorkspaceWithoutProjectsOnly()
    {
        const QString dir = workspace(QStringLiteral("demo"));
        const InitReport first = WorkspaceInit::init(dir, QStringLiteral("alice"), true);
        QVERIFY2(first.demoImport.ok(), qPrintable(first.demoImport.errorLines().join('\n')));
        QVERIFY(!first.demoSkipped);
        QVERIFY(!first.demoHistory.isEmpty());
        QStringList names;
        for (const ProjectInfo &p : Catalog::projects(first.workspace->store().db()))
            names << p.name;
        names.sort();
        QCOMPARE(names, (QStringList { QStringLiteral("churn"), QStringLiteral("inventory") }));
        const int events = count(first.workspace->store().db(), QStringLiteral("audit_events"));
        const int deployments = count(first.workspace->store().db(), QStringLiteral("deployments"));
        const InitReport second = WorkspaceInit::init(dir, QStringLiteral("alice"), true);
        QVERIFY(second.demoSkipped);
        QVERIFY(second.demoHistory.isEmpty());
        QCOMPARE(count(second.workspace->store().db(), QStringLiteral("audit_events")), events);
        QCOMPARE(count(second.workspace->store().db(), QStringLiteral("deployments")), deployments);
        QVERIFY(second.lines().last().contains(QStringLiteral("demo was not imported again")));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceInit)
#include "tst_workspaceinit.moc"
