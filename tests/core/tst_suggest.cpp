#include "util/suggest.h"

#include <QTest>

using namespace Baton;

// "did you mean": a typo finds its word, a different word finds nothing.
class TestSuggest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void closest_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QStringList>("candidates");
        QTest::addColumn<QString>("expected");
        const QStringList envs { "dev", "staging", "preprod", "prod" };
        QTest::newRow("exact") << "prod" << envs << "prod";
        QTest::newRow("swapped letters") << "prdo" << envs << "prod";
        QTest::newRow("one typo") << "stagign" << envs << "staging";
        QTest::newRow("case does not matter") << "STAGING" << envs << "staging";
        QTest::newRow("missing letter") << "prepod" << envs << "preprod";
        QTest::newRow("nearest wins") << "prd" << envs << "prod";
        QTest::newRow("too far") << "sandbox" << envs << "";
        QTest::newRow("unrelated") << "qa" << envs << "";
        // A distance as long as the word is another word, not a typo.
        QTest::newRow("short word") << "ab" << QStringList { "xy" } << "";
        QTest::newRow("unique prefix")
            << "THRESH" << QStringList { "THRESHOLD", "BATCH" } << "THRESHOLD";
        QTest::newRow("ambiguous prefix")
            << "BATCH_" << QStringList { "BATCH_SIZE_LIMIT", "BATCH_MODE_FLAG" } << "";
        QTest::newRow("candidate is a prefix of the word")
            << "THRESHOLD_MAX_VALUE" << QStringList { "THRESHOLD" } << "THRESHOLD";
        QTest::newRow("no candidates") << "prod" << QStringList() << "";
        QTest::newRow("empty word") << "" << envs << "";
    }
    void closest()
    {
        QFETCH(QString, word);
        QFETCH(QStringList, candidates);
        QFETCH(QString, expected);
        QCOMPARE(closestMatch(word, candidates), expected);
    }

    void didYouMeanSentence()
    {
        QCOMPARE(didYouMean(QStringLiteral("BACTH"), { QStringLiteral("BATCH") }),
                 QStringLiteral(" (did you mean 'BATCH'?)"));
        QCOMPARE(didYouMean(QStringLiteral("zzz"), { QStringLiteral("BATCH") }), QString());
    }
};

QTEST_GUILESS_MAIN(TestSuggest)
#include "tst_suggest.moc"
