// Secrets at rest and the audit chain (#21), through the real `baton`: the job gets the plain
// value and nothing else does (database file, show, export, audit, logs); a rotated key keeps
// runs working; a wrong key fails the run before a job starts; `audit verify` names tampering.
#include "fixture.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton::IntegrationTest;

namespace {

constexpr auto kPlain = "plain-int-secret-K4m2"; // distinctive: searched for in bytes

/// A project whose job says whether it got the secret (never printing it) and leaves a marker
/// file when it ran at all.
QByteArray projectYaml()
{
    // The job compares a digest: the value itself must not be in its command either.
    return "project: vault\n"
           "variables:\n"
           "  - {name: DB_PASSWORD, secret: true}\n"
           "jobs:\n"
           "  - {name: check, command: 'touch \"$RAN_MARKER\"; if [ \"$(printf %s \"$DB_PASSWORD\" "
           "| "
           "sha256sum | cut -c1-64)\" = "
           "ccc7882be1b3047206f6031ee9f566e1d60b30ce741755cc46bef4814b478862 ]; then echo "
           "secret-matches; else echo "
           "secret-differs; exit 3; fi'}\n"
           "pipelines:\n"
           "  - name: use\n"
           "    tasks: [{job: check}]\n";
}

QJsonObject jsonObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

/// Every byte under @p dir (files only).
QByteArray bytesUnder(const QString &dir)
{
    QByteArray all;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_ws;
    QString m_keyFile;
    QString m_marker;
    QProcessEnvironment m_env;

    Result baton(const QStringList &args) { return runBaton(inWorkspace(m_ws, args), m_env); }

    /// Runs vault/use and waits; the run's `show --json`.
    QJsonObject runOnce(int *exitCode)
    {
        QFile::remove(m_marker);
        const Result r = baton(
            { QStringLiteral("run"), QStringLiteral("vault/use"), QStringLiteral("--wait") });
        *exitCode = r.exitCode;
        const Result runs = baton({ QStringLiteral("runs"), QStringLiteral("--json") });
        const qint64 id = QJsonDocument::fromJson(runs.out.toUtf8())
                              .array()
                              .first()
                              .toObject()
                              .value(QStringLiteral("id"))
                              .toInteger();
        const Result show
            = baton({ QStringLiteral("show"), QString::number(id), QStringLiteral("--json") });
        return QJsonDocument::fromJson(show.out.toUtf8()).array().first().toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_tmp.filePath(QStringLiteral("ws"));
        m_keyFile = m_tmp.filePath(QStringLiteral("keys/secret.key"));
        m_marker = m_tmp.filePath(QStringLiteral("ran"));
        m_env = asUser(QStringLiteral("keeper"));
        m_env.remove(QStringLiteral("BATON_SECRET_KEY"));
        m_env.insert(QStringLiteral("BATON_SECRET_KEY_FILE"), m_keyFile);
        m_env.insert(QStringLiteral("RAN_MARKER"), m_marker);

        // `baton init` makes the key when there is none, private to its owner.
        const Result init = baton({ QStringLiteral("init") });
        QCOMPARE(init.exitCode, 0);
        QVERIFY2(init.out.contains(QStringLiteral("created the secret key %1").arg(m_keyFile)),
                 qPrintable(init.out));
        QCOMPARE(QFileInfo(m_keyFile).permissions() & 0x0077, QFileDevice::Permissions());

        const QString src = m_tmp.filePath(QStringLiteral("src"));
        QVERIFY(QDir().mkpath(src));
        QVERIFY(writeFile(src + QStringLiteral("/project.yaml"), projectYaml()));
        QCOMPARE(baton({ QStringLiteral("import"), src }).exitCode, 0);
    }

    void theJobGetsTheValueAndNothingElseDoes()
    {
        // Set as the console does it: the value typed once, into the workspace.
        const QString src = m_tmp.filePath(QStringLiteral("src-with-value"));
        QVERIFY(QDir().mkpath(src));
        QByteArray yaml = projectYaml();
        yaml.replace("{name: DB_PASSWORD, secret: true}",
                     QByteArray("{name: DB_PASSWORD, secret: true, value: \"") + kPlain + "\"}");
        QVERIFY(writeFile(src + QStringLiteral("/project.yaml"), yaml));
        QCOMPARE(baton({ QStringLiteral("import"), src }).exitCode, 0);

        int rc = -1;
        const QJsonObject run = runOnce(&rc);
        QCOMPARE(rc, 0);
        QCOMPARE(run.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));

        const Result status = baton({ QStringLiteral("secrets"), QStringLiteral("status") });
        QCOMPARE(status.exitCode, 0);
        QVERIFY2(status.out.contains(QStringLiteral("secrets: 1 encrypted, 0 stored in clear")),
                 qPrintable(status.out));

        // Nowhere else: the workspace's files (database, WAL, logs, run directories), what
        // the commands print, an export.
        QVERIFY(!bytesUnder(m_ws).contains(kPlain));
        const QString exported = m_tmp.filePath(QStringLiteral("export"));
        QCOMPARE(baton({ QStringLiteral("export"), exported }).exitCode, 0);
        QVERIFY(!bytesUnder(exported).contains(kPlain));
        for (const QStringList &args :
             { QStringList { QStringLiteral("audit"), QStringLiteral("--json"),
                             QStringLiteral("--limit"), QStringLiteral("1000") },
               QStringList { QStringLiteral("runs"), QStringLiteral("--json") },
               QStringList { QStringLiteral("logs"), QStringLiteral("1") } }) {
            const Result r = baton(args);
            QVERIFY2(!r.out.contains(QLatin1String(kPlain))
                         && !r.err.contains(QLatin1String(kPlain)),
                     qPrintable(args.join(QLatin1Char(' '))));
        }
        QVERIFY(!QJsonDocument(run).toJson().contains(kPlain));
    }

    void aRotatedKeyKeepsRunsWorking()
    {
        const QString newKey = m_tmp.filePath(QStringLiteral("new.key"));
        const Result made = baton({ QStringLiteral("secrets"), QStringLiteral("init-key"),
                                    QStringLiteral("--key-file"), newKey });
        QCOMPARE(made.exitCode, 0);
        const QByteArray before = readAll(m_keyFile).toLatin1();
        const Result rotated = baton({ QStringLiteral("secrets"), QStringLiteral("rotate-key"),
                                       QStringLiteral("--new-key-file"), newKey });
        QCOMPARE(rotated.exitCode, 0);
        QVERIFY2(rotated.out.contains(QStringLiteral("re-encrypted 1 secret(s) from key")),
                 qPrintable(rotated.out));
        // The key file engines read now holds the new key, still private.
        QCOMPARE(readAll(m_keyFile), readAll(newKey));
        QVERIFY(readAll(m_keyFile).toLatin1() != before);
        QCOMPARE(QFileInfo(m_keyFile).permissions() & 0x0077, QFileDevice::Permissions());

        int rc = -1;
        const QJsonObject run = runOnce(&rc);
        QCOMPARE(rc, 0);
        QCOMPARE(run.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QVERIFY(!bytesUnder(m_ws).contains(kPlain));
    }

    void aWrongKeyFailsTheRunBeforeAJobStarts()
    {
        const QString otherKey = m_tmp.filePath(QStringLiteral("other.key"));
        QCOMPARE(baton({ QStringLiteral("secrets"), QStringLiteral("init-key"),
                         QStringLiteral("--key-file"), otherKey })
                     .exitCode,
                 0);
        const QProcessEnvironment saved = m_env;
        m_env.insert(QStringLiteral("BATON_SECRET_KEY_FILE"), otherKey);
        int rc = -1;
        const QJsonObject run = runOnce(&rc);
        m_env = saved;
        QVERIFY(rc != 0);
        QCOMPARE(run.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        const QJsonObject task = run.value(QStringLiteral("tasks")).toArray().first().toObject();
        const QString reason = task.value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.startsWith(QStringLiteral("secret 'DB_PASSWORD' was encrypted with key ")),
                 qPrintable(QJsonDocument(run).toJson()));
        QVERIFY(!reason.contains(QLatin1String(kPlain)));
        QVERIFY2(!QFileInfo::exists(m_marker), "no job started");

        // The right key again: the next run works.
        const QJsonObject again = runOnce(&rc);
        QCOMPARE(rc, 0);
        QCOMPARE(again.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    }

    void aKeyFileOthersMayReadIsRefused()
    {
        QVERIFY(QFile::setPermissions(m_keyFile,
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        const Result r = baton({ QStringLiteral("secrets"), QStringLiteral("status") });
        QVERIFY(QFile::setPermissions(m_keyFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("secret key file %1 is readable by others (mode "
                                               "0644): refused")
                                    .arg(m_keyFile)),
                 qPrintable(r.err));
    }

    void auditVerifyNamesTampering()
    {
        Result r = baton({ QStringLiteral("audit"), QStringLiteral("verify") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("audit chain intact: ")), qPrintable(r.out));
        const qint64 verified
            = jsonObject(baton({ QStringLiteral("audit"), QStringLiteral("verify"),
                                 QStringLiteral("--json") })
                             .out)
                  .value(QStringLiteral("verified"))
                  .toInteger();
        QVERIFY(verified >= 4);

        // Someone with the database file edits an event's details.
        qint64 edited = 0;
        {
            QSqlDatabase db
                = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(m_ws + QStringLiteral("/baton.db"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT id FROM audit_events ORDER BY id LIMIT 1 "
                                          "OFFSET 2")));
            QVERIFY(q.next());
            edited = q.value(0).toLongLong();
            q.finish();
            QVERIFY(q.exec(QStringLiteral("UPDATE audit_events SET details = 'nothing to see' "
                                          "WHERE id = %1")
                               .arg(edited)));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        r = baton({ QStringLiteral("audit"), QStringLiteral("verify") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("audit chain BROKEN at event #%1 (").arg(edited))
                     && r.err.contains(QStringLiteral("edited: its content no longer matches")),
                 qPrintable(r.err));
        r = baton({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 1);
        const QJsonObject broken = jsonObject(r.out).value(QStringLiteral("broken")).toObject();
        QCOMPARE(broken.value(QStringLiteral("id")).toInteger(), edited);
        QCOMPARE(jsonObject(r.out).value(QStringLiteral("intact")).toBool(true), false);
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
