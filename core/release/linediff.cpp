#include "linediff.h"

#include <vector>

namespace Baton {

namespace {

enum class Op { Keep, Add, Remove };

// Longest common subsequence over the part that differs (common head and tail trimmed first:
// most edits are local). O(n·m) over the middle only.
QList<QPair<Op, int>> editScript(const QStringList &a, const QStringList &b)
{
    const int n = int(a.size());
    const int m = int(b.size());
    int head = 0;
    while (head < n && head < m && a[head] == b[head])
        ++head;
    int tail = 0;
    while (tail < n - head && tail < m - head && a[n - 1 - tail] == b[m - 1 - tail])
        ++tail;
    const int an = n - head - tail;
    const int bm = m - head - tail;

    QList<QPair<Op, int>> ops; // (op, index into a for Keep/Remove, into b for Add)
    for (int i = 0; i < head; ++i)
        ops.append({ Op::Keep, i });
    if (qint64(an) * bm > 4'000'000) {
        // Too big a middle for the table: show it as replaced rather than use gigabytes.
        for (int i = 0; i < an; ++i)
            ops.append({ Op::Remove, head + i });
        for (int j = 0; j < bm; ++j)
            ops.append({ Op::Add, head + j });
        for (int k = n - tail; k < n; ++k)
            ops.append({ Op::Keep, k });
        return ops;
    }
    // lcs[i][j]: LCS length of a[head+i..] and b[head+j..]
    std::vector<std::vector<int>> lcs(an + 1, std::vector<int>(bm + 1, 0));
    for (int i = an - 1; i >= 0; --i) {
        for (int j = bm - 1; j >= 0; --j) {
            lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1
                                                   : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    int i = 0, j = 0;
    while (i < an || j < bm) {
        if (i < an && j < bm && a[head + i] == b[head + j]) {
            ops.append({ Op::Keep, head + i });
            ++i;
            ++j;
        } else if (i < an && (j == bm || lcs[i + 1][j] >= lcs[i][j + 1])) {
            ops.append({ Op::Remove, head + i }); // removals first, as diff -u shows them
            ++i;
        } else {
            ops.append({ Op::Add, head + j });
            ++j;
        }
    }
    for (int k = n - tail; k < n; ++k)
        ops.append({ Op::Keep, k });
    return ops;
}

} // namespace

QStringList LineDiff::splitLines(const QString &text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(QLatin1Char('\n'));
    if (text.endsWith(QLatin1Char('\n')))
        lines.removeLast();
    return lines;
}

QList<DiffLine> LineDiff::unified(const QString &before, const QString &after, int context)
{
    if (before == after)
        return {};
    const QStringList a = splitLines(before);
    const QStringList b = splitLines(after);
    if (a.size() > MaxLines || b.size() > MaxLines) {
        return { { DiffLine::Kind::Hunk,
                   QStringLiteral("@@ %1 → %2 lines: too large to compare line by line @@")
                       .arg(a.size())
                       .arg(b.size()) } };
    }
    const QList<QPair<Op, int>> ops = editScript(a, b);

    // Positions (1-based line numbers) of every op on both sides, for hunk headers.
    const int total = int(ops.size());
    std::vector<int> lineA(total), lineB(total);
    int la = 0, lb = 0;
    for (int k = 0; k < total; ++k) {
        lineA[k] = la;
        lineB[k] = lb;
        if (ops[k].first != Op::Add)
            ++la;
        if (ops[k].first != Op::Remove)
            ++lb;
    }

    QList<DiffLine> out;
    int k = 0;
    while (k < total) {
        if (ops[k].first == Op::Keep) {
            ++k;
            continue;
        }
        // A hunk: from `context` lines before this change to `context` after the last change
        // that is closer than 2×context to the next.
        const int start = std::max(0, k - context);
        int end = k;
        int lastChange = k;
        while (end < total) {
            if (ops[end].first != Op::Keep)
                lastChange = end;
            else if (end - lastChange > 2 * context)
                break;
            ++end;
        }
        end = std::min(total, lastChange + context + 1);
        int countA = 0, countB = 0;
        QList<DiffLine> body;
        for (int x = start; x < end; ++x) {
            const auto [op, index] = ops[x];
            if (op == Op::Keep) {
                body << DiffLine { DiffLine::Kind::Context, a[index] };
                ++countA;
                ++countB;
            } else if (op == Op::Remove) {
                body << DiffLine { DiffLine::Kind::Removed, a[index] };
                ++countA;
            } else {
                body << DiffLine { DiffLine::Kind::Added, b[index] };
                ++countB;
            }
        }
        const int startA = countA ? lineA[start] + 1 : lineA[start];
        const int startB = countB ? lineB[start] + 1 : lineB[start];
        out << DiffLine {
            DiffLine::Kind::Hunk,
            QStringLiteral("@@ -%1,%2 +%3,%4 @@").arg(startA).arg(countA).arg(startB).arg(countB)
        };
        out << body;
        k = end;
    }
    return out;
}

QStringList LineDiff::toText(const QList<DiffLine> &lines)
{
    QStringList text;
    for (const DiffLine &l : lines) {
        switch (l.kind) {
        case DiffLine::Kind::Hunk:
            text << l.text;
            break;
        case DiffLine::Kind::Context:
            text << QLatin1Char(' ') + l.text;
            break;
        case DiffLine::Kind::Added:
            text << QLatin1Char('+') + l.text;
            break;
        case DiffLine::Kind::Removed:
            text << QLatin1Char('-') + l.text;
            break;
        }
    }
    return text;
}

int LineDiff::count(const QList<DiffLine> &lines, DiffLine::Kind kind)
{
    int n = 0;
    for (const DiffLine &l : lines)
        n += l.kind == kind ? 1 : 0;
    return n;
}

} // namespace Baton
