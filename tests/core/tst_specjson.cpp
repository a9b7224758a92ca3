#include "model/specjson.h"

#include <QJsonDocument>
#include <QTest>

using namespace Baton;

Q_DECLARE_METATYPE(Baton::RunSettings)
Q_DECLARE_METATYPE(Baton::Resources)

namespace {
QJsonObject parse(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    return doc.object();
}
QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

class TestSpecJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void settingsRoundTrip_data()
    {
        QTest::addColumn<RunSettings>("settings");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("none") << RunSettings {} << QByteArray("{}");
        QTest::newRow("all") << RunSettings { 3, 60, 3600 }
                             << QByteArray(R"({"retries":3,"retry_delay":60,"timeout":3600})");
        // 0 is a value (no retries), not the absence of one: a task's 0 overrides its job's 3.
        QTest::newRow("zero retries")
            << RunSettings { 0, {}, {} } << QByteArray(R"({"retries":0})");
        QTest::newRow("timeout only")
            << RunSettings { {}, {}, 90 } << QByteArray(R"({"timeout":90})");
    }

    void settingsRoundTrip()
    {
        QFETCH(RunSettings, settings);
        QFETCH(QByteArray, json);
        QCOMPARE(compact(toJson(settings)), json); // what is stored and hashed
        QCOMPARE(runSettingsFromJson(toJson(settings)), settings);
        QCOMPARE(runSettingsFromJson(parse(json)), settings);
    }

    void resourcesRoundTrip_data()
    {
        QTest::addColumn<Resources>("resources");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("none") << Resources {} << QByteArray("{}");
        QTest::newRow("both") << Resources { 4, QStringLiteral("8G") }
                              << QByteArray(R"({"cpus":4,"memory":"8G"})");
        QTest::newRow("memory only")
            << Resources { {}, QStringLiteral("512M") } << QByteArray(R"({"memory":"512M"})");
    }

    void resourcesRoundTrip()
    {
        QFETCH(Resources, resources);
        QFETCH(QByteArray, json);
        QCOMPARE(compact(toJson(resources)), json);
        QCOMPARE(resourcesFromJson(toJson(resources)), resources);
        QCOMPARE(resourcesFromJson(parse(json)), resources);
    }

    void damagedSettingsAreUnsetNotZero_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<RunSettings>("settings");
        QTest::newRow("not json") << QByteArray("{retries: 3") << RunSettings {};
        QTest::newRow("an array") << QByteArray("[3, 60]") << RunSettings {};
        QTest::newRow("null") << QByteArray(R"({"retries":null,"timeout":30})")
                              << RunSettings { {}, {}, 30 };
        QTest::newRow("text") << QByteArray(R"({"retries":"3"})") << RunSettings {};
        QTest::newRow("fraction") << QByteArray(R"({"retry_delay":2.5})") << RunSettings {};
        QTest::newRow("bool") << QByteArray(R"({"timeout":true})") << RunSettings {};
        QTest::newRow("too big") << QByteArray(R"({"timeout":1e12})") << RunSettings {};
        QTest::newRow("unknown key")
            << QByteArray(R"({"retries":2,"jitter":5})") << RunSettings { 2, {}, {} };
    }

    void damagedSettingsAreUnsetNotZero()
    {
        // A damaged row must not turn into "no retries, no delay, no timeout" silently: what
        // is not a whole number is not set, so the job's own value or the default applies.
        QFETCH(QByteArray, json);
        QFETCH(RunSettings, settings);
        QCOMPARE(runSettingsFromJson(parse(json)), settings);
    }

    void damagedResources()
    {
        QCOMPARE(resourcesFromJson(parse(R"({"cpus":"4","memory":8})")), Resources {});
        QCOMPARE(resourcesFromJson(parse(R"({"cpus":null,"memory":"1G"})")),
                 (Resources { {}, QStringLiteral("1G") }));
        QCOMPARE(resourcesFromJson(parse("not json")), Resources {});
    }
};

QTEST_GUILESS_MAIN(TestSpecJson)
#include "tst_specjson.moc"
