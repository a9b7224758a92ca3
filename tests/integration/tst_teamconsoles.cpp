// Two consoles, two processes (#19, "Tests"): two real `baton-console` processes, each its own
// user with its own HOME (no run files of the engine's), on one PostgreSQL workspace, beside a
// `baton engine` in a third process and the CLI: a run the CLI starts is watched live by both
// consoles, and a prod promotion one release manager requests and the other approves shows in
// both within seconds. What a console shows is read from its BATON_CONSOLE_REPORT file (the
// Monitor's runs table and the Releases' requests, as their cells' text). Needs the test
// PostgreSQL server (ctest's `postgresql` fixture).

#include "core/pgserver.h"
#include "fixture.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using namespace Baton::IntegrationTest;

namespace {

constexpr int kWaitMs = 60000;
// "Within a few seconds" of the commit: pushed by NOTIFY, or at worst the next poll.
constexpr int kLiveMs = 10000;

const char kProject[] = "project: shop\n"
                        "environments:\n"
                        "  - dev\n"
                        "  - {name: prod, approval: true}\n"
                        "jobs:\n"
                        "  - name: count\n"
                        "    command: \"%1\"\n"
                        "pipelines:\n"
                        "  - name: flow\n"
                        "    tasks:\n"
                        "      - job: count\n";

QString consolePath()
{
    return QFileInfo(QStringLiteral(BATON_BINARY)).absolutePath()
        + QStringLiteral("/baton-console");
}

// One section of a console's report ("runs" or "requests"): its lines.
QStringList section(const QString &report, const QString &name)
{
    const QStringList lines = readAll(report).split(u'\n', Qt::SkipEmptyParts);
    const qsizetype start = lines.indexOf(QLatin1Char('[') + name + QLatin1Char(']'));
    QStringList rows;
    for (qsizetype i = start + 1; start >= 0 && i < lines.size(); ++i) {
        if (lines.at(i).startsWith(u'['))
            break;
        rows << lines.at(i);
    }
    return rows;
}

// The row of @p section whose first cell is @p id; empty when the console shows none.
QStringList row(const QString &report, const QString &name, qint64 id)
{
    for (const QString &line : section(report, name)) {
        const QStringList cells = line.split(u'\t');
        if (cells.first() == QString::number(id) || cells.first() == QStringLiteral("#%1").arg(id))
            return cells;
    }
    return {};
}

bool shows(const QString &report, const QString &name, qint64 id, const QString &text)
{
    return row(report, name, id).join(u'\t').contains(text, Qt::CaseInsensitive);
}

} // namespace

class TestTeamConsoles : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    std::unique_ptr<Test::PgDatabase> m_pg;
    std::vector<std::unique_ptr<QProcess>> m_processes; // stopped by cleanup(), last first

    /// @p user on a machine of their own: a HOME of their own, nothing of the others' files.
    QProcessEnvironment machine(const QString &user) const
    {
        QProcessEnvironment env = asUser(user);
        env.insert(QStringLiteral("HOME"), m_tmp.filePath(QStringLiteral("home-") + user));
        for (const char *xdg : { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" })
            env.remove(QString::fromLatin1(xdg));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        return env;
    }
    Result baton(const QString &user, const QStringList &args) const
    {
        return runBaton(inWorkspace(m_pg->url(), args), machine(user));
    }
    QProcess &start(const QString &program, const QStringList &args, const QProcessEnvironment &env)
    {
        m_processes.push_back(std::make_unique<QProcess>());
        QProcess &p = *m_processes.back();
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(program, args);
        return p;
    }
    /// A console as @p user, reporting what it shows to the file it returns.
    QString startConsole(const QString &user)
    {
        const QString report = m_tmp.filePath(user + QStringLiteral(".report"));
        QProcessEnvironment env = machine(user);
        env.insert(QStringLiteral("BATON_CONSOLE_REPORT"), report);
        // Releases on screen, as a release manager waiting for approvals has it: a hidden
        // Releases mode reads its requests again only when shown (the Monitor's runs always).
        env.insert(QStringLiteral("BATON_CONSOLE_MODE"), QStringLiteral("Releases"));
        QProcess &console = start(consolePath(), inWorkspace(m_pg->url(), {}), env);
        if (!console.waitForStarted())
            qWarning("baton-console did not start: %s", qPrintable(console.errorString()));
        return report;
    }
    void importVersion(const QString &command)
    {
        const QString file = m_tmp.filePath(QStringLiteral("shop.yaml"));
        QVERIFY(writeFile(file, QString::fromLatin1(kProject).arg(command).toUtf8()));
        const Result r = baton(QStringLiteral("alice"), { QStringLiteral("import"), file });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

private Q_SLOTS:
    void init()
    {
        BATON_REQUIRE_PG();
        m_pg = std::make_unique<Test::PgDatabase>();
        QCOMPARE(m_pg->error(), QString());
    }

    void cleanup()
    {
        while (!m_processes.empty()) {
            QProcess &p = *m_processes.back();
            if (p.state() != QProcess::NotRunning) {
                p.terminate();
                if (!p.waitForFinished(kWaitMs))
                    p.kill();
                p.waitForFinished(kWaitMs);
            }
            m_processes.pop_back();
        }
        m_pg.reset();
    }

    void twoConsolesWatchOneWorkspace()
    {
        const QString gate = m_tmp.filePath(QStringLiteral("gate"));
        QCOMPARE(baton(QStringLiteral("alice"), { QStringLiteral("init") }).exitCode, 0);
        importVersion(QStringLiteral("echo v1"));
        // v2 waits for the gate file: the consoles see it running.
        importVersion(QStringLiteral("while [ ! -e %1 ]; do sleep 0.05; done; echo v2").arg(gate));
        const Result role = baton(
            QStringLiteral("alice"),
            { QStringLiteral("roles"), QStringLiteral("bob"), QStringLiteral("release_manager") });
        QVERIFY2(role.exitCode == 0, qPrintable(role.err));

        // The engine, on a server of its own: it holds the workspace before any console opens,
        // so that the consoles' embedded engines stand by.
        QProcess &engine
            = start(QStringLiteral(BATON_BINARY), inWorkspace(m_pg->url(), { "engine" }),
                    machine(QStringLiteral("engine")));
        QVERIFY(engine.waitForStarted());
        QString said;
        QTRY_VERIFY_WITH_TIMEOUT((said += QString::fromUtf8(engine.readAllStandardOutput()),
                                  said.contains(QStringLiteral(" running on "))),
                                 kWaitMs);

        const QString alice = startConsole(QStringLiteral("alice"));
        const QString bob = startConsole(QStringLiteral("bob"));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(alice) && QFile::exists(bob), kWaitMs);

        // A run the CLI asks for, the engine runs and both consoles watch.
        const Result run = baton(QStringLiteral("carol"),
                                 { QStringLiteral("run"), QStringLiteral("shop/flow") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonArray runs
            = jsonArray(baton(QStringLiteral("carol"), { QStringLiteral("runs"), "--json" }).out);
        QCOMPARE(runs.size(), 1);
        const qint64 id = runs.at(0)[QLatin1String("id")].toInteger();
        for (const QString &report : { alice, bob })
            QTRY_VERIFY2_WITH_TIMEOUT(
                shows(report, QStringLiteral("runs"), id, QStringLiteral("running")),
                qPrintable(readAll(report)), kWaitMs);
        QVERIFY(writeFile(gate, {}));
        for (const QString &report : { alice, bob })
            QTRY_VERIFY2_WITH_TIMEOUT(
                shows(report, QStringLiteral("runs"), id, QStringLiteral("succeeded")),
                qPrintable(readAll(report)), kWaitMs);
        QVERIFY(shows(alice, QStringLiteral("runs"), id, QStringLiteral("shop/flow")));

        // bob asks for v2 in prod: it waits for a second release manager, in both consoles.
        Result r = baton(QStringLiteral("bob"),
                         { QStringLiteral("promote"), QStringLiteral("shop/flow"),
                           QStringLiteral("--to"), QStringLiteral("prod") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("waits for a second release manager")),
                 qPrintable(r.out));
        const QJsonArray requests
            = jsonArray(baton(QStringLiteral("bob"), { QStringLiteral("requests"), "--json" }).out);
        QCOMPARE(requests.size(), 1);
        const qint64 request = requests.at(0)[QLatin1String("id")].toInteger();
        for (const QString &report : { alice, bob }) {
            QTRY_VERIFY2_WITH_TIMEOUT(shows(report, QStringLiteral("requests"), request,
                                            QStringLiteral("\tpending\tbob\t")),
                                      qPrintable(readAll(report)), kWaitMs);
        }

        // alice approves (and so promotes): both consoles show it within seconds.
        r = baton(QStringLiteral("alice"), { QStringLiteral("approve"), QString::number(request) });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto promoted = [&](const QString &report) {
            return shows(report, QStringLiteral("requests"), request,
                         QStringLiteral("\tpromoted\tbob\t"));
        };
        QTRY_VERIFY2_WITH_TIMEOUT(promoted(alice) && promoted(bob),
                                  qPrintable(readAll(alice) + readAll(bob)), kLiveMs);
        for (const QString &report : { alice, bob })
            QVERIFY(shows(report, QStringLiteral("requests"), request,
                          QStringLiteral("promoted by alice")));
        // Each console ran as its own process on its own connection, and nothing stopped them.
        for (const auto &p : m_processes)
            QCOMPARE(p->state(), QProcess::Running);
    }
};

QTEST_GUILESS_MAIN(TestTeamConsoles)
#include "tst_teamconsoles.moc"
