#include "access/identity.h"

#include <QProcess>
#include <QTest>

using namespace Baton;

class TestIdentity : public QObject
{
    Q_OBJECT

    static QString osUser()
    {
        QProcess p;
        p.start(QStringLiteral("id"), { QStringLiteral("-un") });
        if (!p.waitForFinished())
            return {};
        return QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
    }

private Q_SLOTS:
    void cleanup()
    {
        qunsetenv("BATON_USER");
        qunsetenv("USER");
    }

    void theOperatingSystemSaysWho()
    {
        qunsetenv("BATON_USER");
        const QString expected = osUser();
        QVERIFY(!expected.isEmpty());
        QCOMPARE(currentUser(), expected);
    }

    void aLyingEnvironmentIsIgnored()
    {
        // $USER of a sudo session or a service can name somebody else: the audit trail must not.
        qunsetenv("BATON_USER");
        qputenv("USER", "mallory");
        QCOMPARE(currentUser(), osUser());
    }

    void batonUserOverrides()
    {
        qputenv("BATON_USER", "svc-nightly");
        QCOMPARE(currentUser(), QStringLiteral("svc-nightly"));
        qputenv("BATON_USER", "");
        QCOMPARE(currentUser(), osUser()); // empty is no override
    }
};

QTEST_GUILESS_MAIN(TestIdentity)
#include "tst_identity.moc"
