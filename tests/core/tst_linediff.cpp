#include "release/linediff.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace Baton;

namespace {

// Applies a unified diff to @p before as `patch` would, trusting only the hunk headers and
// checking that every context and removed line is really there. Empty optional on mismatch.
std::optional<QStringList> apply(const QStringList &before, const QList<DiffLine> &diff,
                                 QString *why)
{
    static const QRegularExpression header(
        QStringLiteral("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@$"));
    QStringList out;
    int next = 0; // index in before of the next line not yet copied
    for (int i = 0; i < diff.size();) {
        const QRegularExpressionMatch m = header.match(diff[i].text);
        if (diff[i].kind != DiffLine::Kind::Hunk || !m.hasMatch()) {
            *why = QStringLiteral("expected a hunk header at %1: %2").arg(i).arg(diff[i].text);
            return std::nullopt;
        }
        const int a = m.captured(1).toInt();
        const int countA = m.captured(2).isEmpty() ? 1 : m.captured(2).toInt();
        const int countB = m.captured(4).isEmpty() ? 1 : m.captured(4).toInt();
        const int first = countA == 0 ? a : a - 1; // an empty range names the line before it
        if (first < next) {
            *why = QStringLiteral("hunk %1 overlaps the previous one").arg(diff[i].text);
            return std::nullopt;
        }
        while (next < first)
            out << before[next++];
        int seenA = 0, seenB = 0;
        for (++i; i < diff.size() && diff[i].kind != DiffLine::Kind::Hunk; ++i) {
            const DiffLine &l = diff[i];
            if (l.kind == DiffLine::Kind::Added) {
                out << l.text;
                ++seenB;
                continue;
            }
            if (next >= before.size() || before[next] != l.text) {
                *why = QStringLiteral("line %1 is not '%2'").arg(next + 1).arg(l.text);
                return std::nullopt;
            }
            ++next;
            ++seenA;
            if (l.kind == DiffLine::Kind::Context) {
                out << l.text;
                ++seenB;
            }
        }
        if (seenA != countA || seenB != countB) {
            *why = QStringLiteral("hunk counts %1,%2 but holds %3,%4")
                       .arg(countA)
                       .arg(countB)
                       .arg(seenA)
                       .arg(seenB);
            return std::nullopt;
        }
    }
    while (next < before.size())
        out << before[next++];
    return out;
}

// The fewest lines added plus removed: n + m - 2·LCS, by the textbook table.
int minimalEdits(const QStringList &a, const QStringList &b)
{
    std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
    for (int i = int(a.size()) - 1; i >= 0; --i) {
        for (int j = int(b.size()) - 1; j >= 0; --j)
            lcs[i][j]
                = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
    return int(a.size() + b.size()) - 2 * lcs[0][0];
}

QString joined(const QStringList &lines)
{
    return lines.isEmpty() ? QString() : lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace

// Release diffs (versions, `baton diff`): what a reviewer reads before promoting must be true
// (applying it gives the new text) and short (a shortest edit script).
class TestLineDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void equalTextsHaveNoDiff()
    {
        QVERIFY(LineDiff::unified(QString(), QString()).isEmpty());
        QVERIFY(LineDiff::unified(QStringLiteral("a\nb\n"), QStringLiteral("a\nb\n")).isEmpty());
    }

    void asDiffWritesIt()
    {
        const QString before = QStringLiteral("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        const QString after = QStringLiteral("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n");
        const QList<DiffLine> d = LineDiff::unified(before, after, 1);
        QCOMPARE(LineDiff::toText(d),
                 QStringList({ "@@ -4,3 +4,3 @@", " 4", "-5", "+five", " 6", "@@ -10 +10,2 @@",
                               " 10", "+11" }));
        QCOMPARE(LineDiff::count(d, DiffLine::Kind::Added), 2);
        QCOMPARE(LineDiff::count(d, DiffLine::Kind::Removed), 1);
        QCOMPARE(LineDiff::count(d, DiffLine::Kind::Hunk), 2);
        // Changes closer than twice the context share one hunk.
        QCOMPARE(LineDiff::count(LineDiff::unified(before, after, 3), DiffLine::Kind::Hunk), 1);
    }

    void fromAndToNothing()
    {
        QCOMPARE(LineDiff::toText(LineDiff::unified(QString(), QStringLiteral("a\nb\n"))),
                 QStringList({ "@@ -0,0 +1,2 @@", "+a", "+b" }));
        QCOMPARE(LineDiff::toText(LineDiff::unified(QStringLiteral("a\n"), QString())),
                 QStringList({ "@@ -1 +0,0 @@", "-a" }));
    }

    void splitLines()
    {
        QCOMPARE(LineDiff::splitLines(QString()), QStringList());
        QCOMPARE(LineDiff::splitLines(QStringLiteral("a")), QStringList { "a" });
        QCOMPARE(LineDiff::splitLines(QStringLiteral("a\n")), QStringList { "a" });
        QCOMPARE(LineDiff::splitLines(QStringLiteral("a\n\n")), QStringList({ "a", "" }));
        QCOMPARE(LineDiff::splitLines(QStringLiteral("\n")), QStringList { "" });
    }

    // Random texts over a few distinct lines (many ties, many repeats): the diff applies, and
    // it is as short as the textbook LCS says it can be.
    void appliesAndIsMinimal_data()
    {
        QTest::addColumn<int>("context");
        for (int context : { 0, 1, 3 })
            QTest::addRow("context %d", context) << context;
    }
    void appliesAndIsMinimal()
    {
        QFETCH(int, context);
        QRandomGenerator random(1795 + context);
        const QStringList alphabet { "a", "b", "c", "d", "" };
        for (int round = 0; round < 400; ++round) {
            QStringList a, b;
            const int n = random.bounded(30);
            for (int i = 0; i < n; ++i)
                a << alphabet[random.bounded(alphabet.size())];
            b = a;
            for (int edits = random.bounded(8); edits > 0; --edits) {
                const int op = random.bounded(3);
                const int at = random.bounded(int(b.size()) + 1);
                const QString line = alphabet[random.bounded(alphabet.size())];
                if (op == 0 || b.isEmpty())
                    b.insert(at, line);
                else if (op == 1)
                    b.removeAt(std::min(at, int(b.size()) - 1));
                else
                    b[std::min(at, int(b.size()) - 1)] = line;
            }
            const QList<DiffLine> d = LineDiff::unified(joined(a), joined(b), context);
            QString why;
            const std::optional<QStringList> applied = apply(a, d, &why);
            QVERIFY2(applied, qPrintable(QStringLiteral("round %1: %2").arg(round).arg(why)));
            QCOMPARE(*applied, b);
            QCOMPARE(LineDiff::count(d, DiffLine::Kind::Added)
                         + LineDiff::count(d, DiffLine::Kind::Removed),
                     minimalEdits(a, b));
        }
    }

    void largeFilesStillDiffLineByLine()
    {
        QStringList a;
        for (int i = 0; i < 15000; ++i)
            a << QStringLiteral("line %1").arg(i);
        QStringList b = a;
        b[100] = QStringLiteral("changed");
        b.removeAt(9000);
        b.insert(14000, QStringLiteral("inserted"));
        const QList<DiffLine> d = LineDiff::unified(joined(a), joined(b));
        QCOMPARE(LineDiff::count(d, DiffLine::Kind::Hunk), 3);
        QString why;
        const auto applied = apply(a, d, &why);
        QVERIFY2(applied, qPrintable(why));
        QCOMPARE(*applied, b);
    }

    void beyondTheLimitOnlySummarises()
    {
        QStringList a;
        for (int i = 0; i <= LineDiff::MaxLines; ++i)
            a << QString::number(i);
        const QList<DiffLine> d = LineDiff::unified(joined(a), QStringLiteral("x\n"));
        QCOMPARE(d.size(), 1);
        QCOMPARE(d.first().kind, DiffLine::Kind::Hunk);
        QCOMPARE(d.first().text,
                 QStringLiteral("@@ 20001 → 1 lines: too large to compare line by "
                                "line @@"));
    }
};

QTEST_GUILESS_MAIN(TestLineDiff)
#include "tst_linediff.moc"
