// Secrets at rest (#21): sealed with libsodium, the key outside the database, rotation in one
// transaction, and the plain value nowhere in the store's bytes (the SQLite files, pg_dump).
#include "access/secrets.h"
#include "engine/variableresolver.h"
#include "io/jobsascode.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

namespace {

constexpr auto kPlain = "plain-secret-Q7v9wX"; // searched for in bytes: must be distinctive

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("<no error>");
}

/// Sets or unsets environment variables for the life of this object.
class EnvGuard
{
public:
    ~EnvGuard()
    {
        for (auto it = m_saved.cbegin(); it != m_saved.cend(); ++it) {
            if (it.value().isNull())
                qunsetenv(it.key().constData());
            else
                qputenv(it.key().constData(), it.value());
        }
    }
    void set(const char *name, const QByteArray &value)
    {
        save(name);
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }

private:
    void save(const char *name)
    {
        if (!m_saved.contains(name))
            m_saved.insert(name, qEnvironmentVariableIsSet(name) ? qgetenv(name) : QByteArray());
    }
    QMap<QByteArray, QByteArray> m_saved;
};

ProjectSpec projectWithSecret(const QString &value)
{
    ProjectSpec p = churnProject();
    p.variables = { { QStringLiteral("DB_PASSWORD"), value, true, {}, {} },
                    { QStringLiteral("LEVEL"), QStringLiteral("info"), false, {}, {} } };
    return p;
}

QString storedValue(const QSqlDatabase &db, const QString &name)
{
    return Sql::scalar(db, QStringLiteral("SELECT value FROM variables WHERE name = ?"), { name })
        .toString();
}

QString valueOf(const QList<ResolvedVariable> &vars, const QString &name)
{
    for (const ResolvedVariable &v : vars) {
        if (v.name == name)
            return v.value;
    }
    return QStringLiteral("<unset>");
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    WorkspaceFixture m_fixture;

    QList<ResolvedVariable> resolved()
    {
        const QSqlDatabase db = m_fixture.db();
        const qint64 project
            = Sql::scalar(db, QStringLiteral("SELECT id FROM projects")).toLongLong();
        return VariableResolver::resolve(db, project, 0, 0, {});
    }
    QString writeKey(const QString &name, const SecretKey &key)
    {
        const QString path = m_dir.filePath(name);
        Secrets::writeKeyFile(key, path);
        return path;
    }

private Q_SLOTS:
    void init() { m_fixture.renew(); }

    void sealedValueOpensWithItsKeyOnly()
    {
        const SecretKey key = Secrets::generate();
        const QString a = Secrets::seal(QLatin1String(kPlain), key);
        const QString b = Secrets::seal(QLatin1String(kPlain), key);
        QVERIFY(Secrets::isSealed(a));
        QVERIFY(!a.contains(QLatin1String(kPlain)));
        QVERIFY2(a != b, "a random nonce per value: equal secrets do not look equal");
        QCOMPARE(Secrets::keyIdOf(a), key.id);
        QCOMPARE(Secrets::open(a, key, QStringLiteral("secret 'X'")), QLatin1String(kPlain));

        const SecretKey other = Secrets::generate();
        const QString wrong
            = errorOf([&] { Secrets::open(a, other, QStringLiteral("secret 'X'")); });
        QVERIFY2(wrong.contains(QStringLiteral("secret 'X' was encrypted with key %1").arg(key.id))
                     && wrong.contains(other.id),
                 qPrintable(wrong));
        QVERIFY(!wrong.contains(QLatin1String(kPlain)));

        // A byte of the ciphertext changed: refused by the MAC, not garbage.
        QString altered = a;
        const qsizetype at = altered.size() - 5;
        altered[at] = altered.at(at) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        const QString damaged
            = errorOf([&] { Secrets::open(altered, key, QStringLiteral("secret 'X'")); });
        QVERIFY2(damaged.contains(QStringLiteral("does not decrypt")), qPrintable(damaged));
    }

    void keyFileReadableByOthersIsRefused()
    {
        const SecretKey key = Secrets::generate();
        const QString path = writeKey(QStringLiteral("k1"), key);
        QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());
        QCOMPARE(Secrets::readKeyFile(path).id, key.id);

        QVERIFY(QFile::setPermissions(path,
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        const QString refused = errorOf([&] { Secrets::readKeyFile(path); });
        QVERIFY2(refused.contains(QStringLiteral("readable by others (mode 0644): refused")),
                 qPrintable(refused));
        // Also through the environment, as the engine finds it.
        EnvGuard env;
        env.set("BATON_SECRET_KEY", QByteArray());
        env.set("BATON_SECRET_KEY_FILE", QFile::encodeName(path));
        QCOMPARE(errorOf([] { Secrets::loadKey(); }), refused);
    }

    void keyFileIsNeverOverwritten()
    {
        const QTemporaryDir dir;
        const SecretKey first = Secrets::generate();
        const QString path = dir.filePath(QStringLiteral("k2"));
        Secrets::writeKeyFile(first, path);
        const QString refused = errorOf([&] { Secrets::writeKeyFile(Secrets::generate(), path); });
        QVERIFY2(refused.contains(QStringLiteral("already exists")), qPrintable(refused));
        QCOMPARE(Secrets::readKeyFile(path).id, first.id);
        // Only the key file is left: no temporary file beside it.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList { QStringLiteral("k2") });
    }

    void badKeysAreSaidSo_data()
    {
        QTest::addColumn<QByteArray>("env");
        QTest::addColumn<QString>("message");
        QTest::newRow("not base64") << QByteArray("***") << QStringLiteral("not base64");
        QTest::newRow("too short")
            << QByteArray("AQID") << QStringLiteral("expected 32 bytes in base64, got 3");
    }
    void badKeysAreSaidSo()
    {
        QFETCH(QByteArray, env);
        QFETCH(QString, message);
        EnvGuard guard;
        guard.set("BATON_SECRET_KEY", env);
        const QString e = errorOf([] { Secrets::loadKey(); });
        QVERIFY2(e.contains(message), qPrintable(e));
    }

    void importSealsTheValueAndOnlyRevealDecrypts()
    {
        ProjectWriter::apply(m_fixture.store(), { projectWithSecret(QLatin1String(kPlain)) },
                             QStringLiteral("t"));
        const QString stored = storedValue(m_fixture.db(), QStringLiteral("DB_PASSWORD"));
        QVERIFY2(Secrets::isSealed(stored), qPrintable(stored));
        QCOMPARE(Secrets::keyIdOf(stored), Secrets::loadKey()->id);
        QCOMPARE(storedValue(m_fixture.db(), QStringLiteral("LEVEL")), QStringLiteral("info"));

        // What every reader gets: the sealed text; the engine's reveal gives the value.
        QList<ResolvedVariable> vars = resolved();
        QCOMPARE(valueOf(vars, QStringLiteral("DB_PASSWORD")), stored);
        QCOMPARE(Secrets::reveal(vars), QString());
        QCOMPARE(valueOf(vars, QStringLiteral("DB_PASSWORD")), QLatin1String(kPlain));
        QCOMPARE(valueOf(vars, QStringLiteral("LEVEL")), QStringLiteral("info"));

        // The audit trail and an export know that it changed, never what it is.
        QString trail;
        QSqlQuery q = Sql::exec(m_fixture.db(),
                                QStringLiteral("SELECT before, after, details FROM audit_events"));
        while (q.next())
            trail += q.value(0).toString() + q.value(1).toString() + q.value(2).toString();
        QVERIFY(trail.contains(QStringLiteral("DB_PASSWORD")));
        QVERIFY(!trail.contains(QLatin1String(kPlain)));
        QVERIFY(!trail.contains(stored));
        const QString out = m_dir.filePath(QStringLiteral("export"));
        JobsAsCode::exportProjects(m_fixture.db(), out);
        QFile yaml(out + QStringLiteral("/churn/project.yaml"));
        QVERIFY(yaml.open(QIODevice::ReadOnly));
        const QByteArray exported = yaml.readAll();
        QVERIFY(exported.contains("DB_PASSWORD"));
        QVERIFY(!exported.contains(kPlain));
        QVERIFY(!exported.contains(stored.toLatin1()));
    }

    void plainValueIsNowhereInTheDatabaseBytes()
    {
        ProjectWriter::apply(m_fixture.store(), { projectWithSecret(QLatin1String(kPlain)) },
                             QStringLiteral("t"));
        const QString stored = storedValue(m_fixture.db(), QStringLiteral("DB_PASSWORD"));
        QByteArray bytes;
        if (WorkspaceFixture::onPostgres()) {
            BATON_REQUIRE_PG();
            const QString url = m_fixture.workspace().address();
            QProcess dump;
            dump.start(QStringLiteral("/usr/lib/postgresql/15/bin/pg_dump"),
                       { QStringLiteral("--dbname=") + url });
            QVERIFY(dump.waitForFinished(60000));
            QCOMPARE(dump.exitCode(), 0);
            bytes = dump.readAllStandardOutput();
        } else {
            // The database file and its write-ahead log, as they lie on disk.
            const QString dir = m_fixture.workspace().address();
            for (const QString &name : QDir(dir).entryList({ QStringLiteral("baton.db*") })) {
                QFile f(QDir(dir).filePath(name));
                QVERIFY(f.open(QIODevice::ReadOnly));
                bytes += f.readAll();
            }
        }
        QVERIFY2(bytes.contains(stored.toLatin1()), "the dump holds the sealed value");
        QVERIFY(!bytes.contains(kPlain));
    }

    void noKeyWritesNothing()
    {
        EnvGuard env;
        env.set("BATON_SECRET_KEY", QByteArray());
        env.set("BATON_SECRET_KEY_FILE", QFile::encodeName(m_dir.filePath(QStringLiteral("none"))));
        const QString e = errorOf([&] {
            ProjectWriter::apply(m_fixture.store(), { projectWithSecret(QLatin1String(kPlain)) },
                                 QStringLiteral("t"));
        });
        QVERIFY2(e.startsWith(QStringLiteral("writing secret 'DB_PASSWORD' needs the secret key, "
                                             "and there is none")),
                 qPrintable(e));
        for (const char *table : { "projects", "variables", "audit_events" })
            QCOMPARE(
                Sql::scalar(m_fixture.db(),
                            QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)))
                    .toInt(),
                0);
    }

    void revealWithoutTheRightKeyNamesTheVariable()
    {
        ProjectWriter::apply(m_fixture.store(), { projectWithSecret(QLatin1String(kPlain)) },
                             QStringLiteral("t"));
        const QString stored = storedValue(m_fixture.db(), QStringLiteral("DB_PASSWORD"));
        EnvGuard env;
        env.set("BATON_SECRET_KEY", Secrets::generate().bytes.toBase64());
        QList<ResolvedVariable> vars = resolved();
        const QString wrong = Secrets::reveal(vars);
        QVERIFY2(wrong.startsWith(QStringLiteral("secret 'DB_PASSWORD' was encrypted with key %1")
                                      .arg(Secrets::keyIdOf(stored))),
                 qPrintable(wrong));
        QVERIFY(!wrong.contains(QLatin1String(kPlain)));

        env.set("BATON_SECRET_KEY", QByteArray());
        env.set("BATON_SECRET_KEY_FILE", QFile::encodeName(m_dir.filePath(QStringLiteral("none"))));
        vars = resolved();
        const QString missing = Secrets::reveal(vars);
        QVERIFY2(missing.startsWith(QStringLiteral("reading secret 'DB_PASSWORD' needs the secret "
                                                   "key, and there is none")),
                 qPrintable(missing));
    }

    void rotationReencryptsEverythingOrNothing()
    {
        ProjectSpec p = projectWithSecret(QLatin1String(kPlain));
        p.variables << VariableSpec { QStringLiteral("API_KEY"),
                                      QStringLiteral("second-secret"),
                                      true,
                                      QStringLiteral("prod"),
                                      {} };
        ProjectWriter::apply(m_fixture.store(), { p }, QStringLiteral("t"));
        const SecretKey oldKey = *Secrets::loadKey();
        const SecretKey newKey = Secrets::generate();

        // A rotation that cannot open one secret (not the key it was sealed with) changes none.
        const QString before = storedValue(m_fixture.db(), QStringLiteral("API_KEY"));
        const QString wrongOld = errorOf([&] {
            Secrets::rotate(m_fixture.store(), Secrets::generate(), newKey, QStringLiteral("t"));
        });
        QVERIFY2(wrongOld.contains(QStringLiteral("was encrypted with key %1").arg(oldKey.id)),
                 qPrintable(wrongOld));
        QCOMPARE(storedValue(m_fixture.db(), QStringLiteral("API_KEY")), before);

        QCOMPARE(Secrets::rotate(m_fixture.store(), oldKey, newKey, QStringLiteral("t")), 2);
        const Secrets::Counts c = Secrets::counts(m_fixture.store());
        QCOMPARE(c.sealed, 2);
        QCOMPARE(c.keyIds, QStringList { newKey.id });
        QCOMPARE(Sql::scalar(m_fixture.db(),
                             QStringLiteral("SELECT details FROM audit_events WHERE action = "
                                            "'secrets.rotate'"))
                     .toString(),
                 QStringLiteral("re-encrypted 2 secret(s) from key %1 to key %2")
                     .arg(oldKey.id, newKey.id));

        EnvGuard env;
        env.set("BATON_SECRET_KEY", newKey.bytes.toBase64());
        QList<ResolvedVariable> vars = resolved();
        QCOMPARE(Secrets::reveal(vars), QString());
        QCOMPARE(valueOf(vars, QStringLiteral("DB_PASSWORD")), QLatin1String(kPlain));
        env.set("BATON_SECRET_KEY", oldKey.bytes.toBase64());
        vars = resolved();
        QVERIFY(Secrets::reveal(vars).contains(
            QStringLiteral("was encrypted with key %1").arg(newKey.id)));
    }

    void clearValuesFromBeforeKeepWorkingUntilEncrypted()
    {
        // A workspace from before schema 13 holds its secrets in clear.
        ProjectWriter::apply(m_fixture.store(), { churnProject() }, QStringLiteral("t"));
        const qint64 project
            = Sql::scalar(m_fixture.db(), QStringLiteral("SELECT id FROM projects")).toLongLong();
        m_fixture.store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("INSERT INTO variables (scope, project_id, name, value, "
                                     "secret, updated_at) VALUES ('project', ?, 'OLD', ?, 1, 0)"),
                      { project, QLatin1String(kPlain) });
        });
        QList<ResolvedVariable> vars = resolved();
        QCOMPARE(Secrets::reveal(vars), QString());
        QCOMPARE(valueOf(vars, QStringLiteral("OLD")), QLatin1String(kPlain));
        QCOMPARE(Secrets::counts(m_fixture.store()).clear, 1);

        QCOMPARE(Secrets::encryptClear(m_fixture.store(), *Secrets::loadKey(), QStringLiteral("t")),
                 1);
        QVERIFY(Secrets::isSealed(storedValue(m_fixture.db(), QStringLiteral("OLD"))));
        QCOMPARE(Secrets::counts(m_fixture.store()).clear, 0);
        vars = resolved();
        QCOMPARE(Secrets::reveal(vars), QString());
        QCOMPARE(valueOf(vars, QStringLiteral("OLD")), QLatin1String(kPlain));
        // Twice is once.
        QCOMPARE(Secrets::encryptClear(m_fixture.store(), *Secrets::loadKey(), QStringLiteral("t")),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
