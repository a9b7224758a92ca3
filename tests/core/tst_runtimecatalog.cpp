// The runtime catalog: real detection on this host, version parsing, pins, deprecations.
#include "access/auditlog.h"
#include "access/roles.h"
#include "release/runtimecatalog.h"
#include "store/workspace.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Baton;

class TestRuntimeCatalog : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    const Store &store() const { return m_ws->store(); }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_dir.filePath(QUuid::createUuid().toString()));
        Roles::bootstrap(store(), QStringLiteral("admin"));
        RuntimeCatalog::record(store(), QStringLiteral("local"),
                               { { QStringLiteral("python"), QStringLiteral("3.11.2"), {} },
                                 { QStringLiteral("python"), QStringLiteral("3.9.18"), {} },
                                 { QStringLiteral("bash"), QStringLiteral("5.2.15"), {} } },
                               QStringLiteral("admin"));
    }
    void cleanup() { m_ws.reset(); }

    void parseVersion_data()
    {
        QTest::addColumn<QString>("technology");
        QTest::addColumn<QString>("output");
        QTest::addColumn<QString>("version");
        QTest::newRow("bash") << "bash"
                              << "GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\n"
                                 "Copyright (C) 2022 Free Software Foundation, Inc."
                              << "5.2.15";
        QTest::newRow("python") << "python"
                                << "Python 3.11.2\n"
                                << "3.11.2";
        QTest::newRow("perl") << "perl"
                              << "v5.36.0"
                              << "5.36.0";
        QTest::newRow("java") << "java"
                              << "openjdk version \"17.0.9\" 2023-10-17"
                              << "17.0.9";
        QTest::newRow("node") << "node"
                              << "v20.10.0"
                              << "20.10.0";
        QTest::newRow("garbage") << "python"
                                 << "command not found"
                                 << "";
    }
    void parseVersion()
    {
        QFETCH(QString, technology);
        QFETCH(QString, output);
        QFETCH(QString, version);
        QCOMPARE(RuntimeCatalog::parseVersion(technology, output), version);
    }

    void detectsThisHost()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("bash")).isEmpty())
            QSKIP("no bash on this host");
        const QList<DetectedRuntime> found = RuntimeCatalog::detect();
        const auto bash = std::find_if(found.begin(), found.end(), [](const DetectedRuntime &r) {
            return r.technology == QLatin1String("bash");
        });
        QVERIFY(bash != found.end());
        QVERIFY2(bash->version.contains(QLatin1Char('.')), qPrintable(bash->version));
        QVERIFY(bash->path.endsWith(QStringLiteral("bash")));
    }

    void checkPins_data()
    {
        QTest::addColumn<QString>("technology");
        QTest::addColumn<QString>("pin");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("matched");
        using S = RuntimeCheck::Status;
        QTest::newRow("unpinned") << "python"
                                  << "" << int(S::Unpinned) << "";
        QTest::newRow("minor pin") << "python"
                                   << "3.11" << int(S::Ok) << "3.11.2";
        QTest::newRow("exact pin") << "python"
                                   << "3.9.18" << int(S::Ok) << "3.9.18";
        QTest::newRow("major pin") << "bash"
                                   << "5" << int(S::Ok) << "5.2.15";
        QTest::newRow("3.1 is not 3.11") << "python"
                                         << "3.1" << int(S::Missing) << "";
        QTest::newRow("missing version") << "python"
                                         << "3.12" << int(S::Missing) << "";
        QTest::newRow("missing technology") << "ruby"
                                            << "3.2" << int(S::Missing) << "";
    }
    void checkPins()
    {
        QFETCH(QString, technology);
        QFETCH(QString, pin);
        QFETCH(int, status);
        QFETCH(QString, matched);
        const RuntimeCheck c
            = RuntimeCatalog::check(store().db(), QStringLiteral("local"), technology, pin);
        QCOMPARE(int(c.status), status);
        QCOMPARE(c.matched, matched);
        if (c.status == RuntimeCheck::Status::Missing)
            QVERIFY2(c.why.contains(QStringLiteral("missing on executor local")),
                     qPrintable(c.why));
        // Another executor has nothing.
        if (!pin.isEmpty())
            QCOMPARE(RuntimeCatalog::check(store().db(), QStringLiteral("slurm"), technology, pin)
                         .status,
                     RuntimeCheck::Status::Missing);
    }

    void deprecations()
    {
        QVERIFY_THROWS_EXCEPTION(Error,
                                 RuntimeCatalog::deprecate(store(), QStringLiteral("python"),
                                                           QStringLiteral("3.9"), QDate(2026, 1, 1),
                                                           QStringLiteral("mallory")));
        QVERIFY_THROWS_EXCEPTION(
            Error,
            RuntimeCatalog::deprecate(store(), QStringLiteral("python"), QStringLiteral("three"),
                                      QDate(2026, 1, 1), QStringLiteral("admin")));
        RuntimeCatalog::deprecate(store(), QStringLiteral("python"), QStringLiteral("3.9"),
                                  QDate(2026, 1, 1), QStringLiteral("admin"));
        RuntimeCatalog::deprecate(store(), QStringLiteral("python"), QStringLiteral("3.11"),
                                  QDate(2027, 10, 31), QStringLiteral("admin"));
        RuntimeCatalog::deprecate(store(), QStringLiteral("ruby"), QStringLiteral("2.7"),
                                  QDate(2023, 3, 31), QStringLiteral("admin"));
        const QDate today(2026, 6, 1);
        const RuntimeCheck old
            = RuntimeCatalog::check(store().db(), QStringLiteral("local"), QStringLiteral("python"),
                                    QStringLiteral("3.9"), today);
        QCOMPARE(old.status, RuntimeCheck::Status::Deprecated);
        QVERIFY(old.why.contains(QStringLiteral("deprecated since 2026-01-01")));
        const RuntimeCheck soon
            = RuntimeCatalog::check(store().db(), QStringLiteral("local"), QStringLiteral("python"),
                                    QStringLiteral("3.11"), today);
        QCOMPARE(soon.status, RuntimeCheck::Status::Ok); // still ahead
        QCOMPARE(soon.deprecatedOn, QDate(2027, 10, 31));

        const QList<RuntimeInfo> list = RuntimeCatalog::list(store().db());
        QCOMPARE(list.size(), 4); // three detected + ruby 2.7 named only by its deprecation
        QCOMPARE(list[2].technology, QStringLiteral("python"));
        QCOMPARE(list[2].version, QStringLiteral("3.9.18"));
        QCOMPARE(list[2].deprecatedOn, QDate(2026, 1, 1));
        QCOMPARE(list[3].technology, QStringLiteral("ruby"));
        QVERIFY(list[3].executor.isEmpty());

        RuntimeCatalog::deprecate(store(), QStringLiteral("python"), QStringLiteral("3.9"), QDate(),
                                  QStringLiteral("admin"));
        QCOMPARE(RuntimeCatalog::check(store().db(), QStringLiteral("local"),
                                       QStringLiteral("python"), QStringLiteral("3.9"), today)
                     .status,
                 RuntimeCheck::Status::Ok);
        const AuditEvent e = AuditLog::recent(store().db(), 1).first();
        QCOMPARE(e.action, QStringLiteral("runtimes.deprecate"));
        QCOMPARE(e.before.value(QStringLiteral("deprecated_on")).toString(),
                 QStringLiteral("2026-01-01"));
    }

    void redetectionReplacesTheExecutorsRuntimes()
    {
        RuntimeCatalog::record(store(), QStringLiteral("local"),
                               { { QStringLiteral("python"), QStringLiteral("3.12.1"), {} } },
                               QStringLiteral("admin"));
        QCOMPARE(RuntimeCatalog::check(store().db(), QStringLiteral("local"),
                                       QStringLiteral("python"), QStringLiteral("3.11"))
                     .status,
                 RuntimeCheck::Status::Missing);
        QVERIFY(RuntimeCatalog::hasDetected(store().db(), QStringLiteral("local")));
        QVERIFY(!RuntimeCatalog::hasDetected(store().db(), QStringLiteral("slurm")));
    }
};

QTEST_GUILESS_MAIN(TestRuntimeCatalog)
#include "tst_runtimecatalog.moc"
