#include "engine/enginelease.h"
#include "store/sql.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QProcess>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTest>
#include <unistd.h>

using namespace Baton;

namespace {
constexpr qint64 kTtl = 60'000;
}

class TestEngineLease : public QObject
{
    Q_OBJECT
    Test::WorkspaceFixture m_fixture;

    bool acquire(const QString &holder, qint64 ttl = kTtl,
                 std::optional<EngineLease::Holder> *previous = nullptr)
    {
        bool taken = false;
        m_fixture.store().transaction(
            [&](QSqlDatabase &db) { taken = EngineLease::acquire(db, holder, ttl, previous); });
        return taken;
    }
    // A lease row as another engine would have left it.
    void plant(const QString &holder, const QString &host, qint64 pid, qint64 expiresAt)
    {
        m_fixture.store().transaction([&](QSqlDatabase &db) {
            Sql::exec(db,
                      QStringLiteral("INSERT INTO engine_lease (id, holder, host, pid, "
                                     "acquired_at, heartbeat_at, expires_at) VALUES (1, ?, ?, ?, "
                                     "1, 1, ?) ON CONFLICT (id) DO UPDATE SET holder = "
                                     "excluded.holder, host = excluded.host, pid = excluded.pid, "
                                     "acquired_at = 1, heartbeat_at = 1, expires_at = "
                                     "excluded.expires_at"),
                      { holder, host, pid, expiresAt });
        });
    }
    QString holderNow() const
    {
        const auto h = EngineLease::current(m_fixture.db());
        return h ? h->holder : QString();
    }

private Q_SLOTS:
    void init() { m_fixture.renew(); }

    void aFreeLeaseIsTaken()
    {
        QVERIFY(!EngineLease::current(m_fixture.db()));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        std::optional<EngineLease::Holder> previous;
        QVERIFY(acquire(QStringLiteral("a"), kTtl, &previous));
        QVERIFY(!previous);
        const auto h = EngineLease::current(m_fixture.db());
        QVERIFY(h);
        QCOMPARE(h->holder, QStringLiteral("a"));
        QCOMPARE(h->host, QSysInfo::machineHostName());
        QCOMPARE(h->pid, qint64(::getpid()));
        QVERIFY(h->acquiredAt >= before);
        QCOMPARE(h->heartbeatAt, h->acquiredAt);
        QCOMPARE(h->expiresAt, h->acquiredAt + kTtl);
        QVERIFY(h->alive(h->acquiredAt));
        QVERIFY(!h->alive(h->expiresAt)); // expiry is exclusive
    }

    void aLiveHolderKeepsIt()
    {
        QVERIFY(acquire(QStringLiteral("a")));
        const auto before = EngineLease::current(m_fixture.db());
        QVERIFY(!acquire(QStringLiteral("b")));
        const auto after = EngineLease::current(m_fixture.db());
        QCOMPARE(after->holder, QStringLiteral("a"));
        QCOMPARE(after->expiresAt, before->expiresAt);
        // Taking it again is renewing it, with nobody replaced.
        std::optional<EngineLease::Holder> previous;
        QVERIFY(acquire(QStringLiteral("a"), kTtl, &previous));
        QVERIFY(!previous);
    }

    void renewedOnlyByItsHolder()
    {
        QVERIFY(acquire(QStringLiteral("a"), 1000));
        const auto first = EngineLease::current(m_fixture.db());
        QVERIFY(!EngineLease::renew(m_fixture.db(), QStringLiteral("b"), kTtl));
        QCOMPARE(EngineLease::current(m_fixture.db())->expiresAt, first->expiresAt);
        QVERIFY(EngineLease::renew(m_fixture.db(), QStringLiteral("a"), kTtl));
        const auto renewed = EngineLease::current(m_fixture.db());
        QCOMPARE(renewed->holder, QStringLiteral("a"));
        QCOMPARE(renewed->acquiredAt, first->acquiredAt);
        QVERIFY(renewed->heartbeatAt >= first->heartbeatAt);
        QCOMPARE(renewed->expiresAt, renewed->heartbeatAt + kTtl);
    }

    void anExpiredLeaseIsTakenOverAndTheOldHolderNamed()
    {
        plant(QStringLiteral("gone"), QStringLiteral("other-host"), 4242,
              QDateTime::currentMSecsSinceEpoch() - 1);
        std::optional<EngineLease::Holder> previous;
        QVERIFY(acquire(QStringLiteral("b"), kTtl, &previous));
        QVERIFY(previous);
        QCOMPARE(previous->holder, QStringLiteral("gone"));
        QCOMPARE(previous->host, QStringLiteral("other-host"));
        QCOMPARE(previous->pid, 4242);
        QCOMPARE(holderNow(), QStringLiteral("b"));
        // The old holder has lost it: its heartbeat no longer renews anything.
        QVERIFY(!EngineLease::renew(m_fixture.db(), QStringLiteral("gone"), kTtl));
        QCOMPARE(holderNow(), QStringLiteral("b"));
    }

    void anotherHostIsTrustedUntilItExpires()
    {
        // Its process cannot be checked from here: only the expiry frees it.
        plant(QStringLiteral("remote"), QStringLiteral("other-host"), 1,
              QDateTime::currentMSecsSinceEpoch() + kTtl);
        QVERIFY(!acquire(QStringLiteral("b")));
        QCOMPARE(holderNow(), QStringLiteral("remote"));
    }

    void aDeadProcessOnThisMachineNeedNotBeWaitedOut()
    {
        // A pid that surely is gone: a child that ran and was reaped.
        QProcess child;
        child.start(QStringLiteral("true"), {});
        QVERIFY(child.waitForStarted());
        const qint64 pid = child.processId();
        QVERIFY(child.waitForFinished());
        plant(QStringLiteral("crashed"), QSysInfo::machineHostName(), pid,
              QDateTime::currentMSecsSinceEpoch() + kTtl);
        std::optional<EngineLease::Holder> previous;
        QVERIFY(acquire(QStringLiteral("b"), kTtl, &previous));
        QCOMPARE(previous->holder, QStringLiteral("crashed"));
        QCOMPARE(holderNow(), QStringLiteral("b"));
        // A live process on this machine (this one) is respected.
        plant(QStringLiteral("alive"), QSysInfo::machineHostName(), ::getpid(),
              QDateTime::currentMSecsSinceEpoch() + kTtl);
        QVERIFY(!acquire(QStringLiteral("b")));
    }

    void releasedOnlyByItsHolder()
    {
        QVERIFY(acquire(QStringLiteral("a")));
        EngineLease::release(m_fixture.db(), QStringLiteral("b"));
        QCOMPARE(holderNow(), QStringLiteral("a"));
        EngineLease::release(m_fixture.db(), QStringLiteral("a"));
        QVERIFY(!EngineLease::current(m_fixture.db()));
        QVERIFY(acquire(QStringLiteral("b")));
    }

    void holderIdsAreUniquePerEngine()
    {
        const QString a = EngineLease::newHolderId();
        const QString b = EngineLease::newHolderId();
        QVERIFY(a != b);
        const QRegularExpression shape(
            QStringLiteral("^%1:%2:[0-9a-f]{8}$")
                .arg(QRegularExpression::escape(QSysInfo::machineHostName()))
                .arg(::getpid()));
        QVERIFY2(shape.match(a).hasMatch(), qPrintable(a));
    }
};

QTEST_GUILESS_MAIN(TestEngineLease)
#include "tst_enginelease.moc"
