#include "linediff.h"

#include <QHash>
#include <vector>

namespace Baton {

namespace {

enum class Op { Keep, Add, Remove };

/// Myers' O((N+M)·D) difference algorithm in linear space (the "middle snake" divide and
/// conquer of his 1986 paper, as GNU diff uses): a shortest edit script for any size, where an
/// O(N·M) table had to give up on large files. Lines are compared as integer ids.
class Myers
{
public:
    Myers(const std::vector<int> &a, const std::vector<int> &b)
        : removed(a.size(), false)
        , added(b.size(), false)
        , m_a(a)
        , m_b(b)
    { }

    void compare(int aLo, int aHi, int bLo, int bHi)
    {
        while (aLo < aHi && bLo < bHi && m_a[aLo] == m_b[bLo]) {
            ++aLo;
            ++bLo;
        }
        while (aLo < aHi && bLo < bHi && m_a[aHi - 1] == m_b[bHi - 1]) {
            --aHi;
            --bHi;
        }
        if (aLo == aHi || bLo == bHi) {
            for (int i = aLo; i < aHi; ++i)
                removed[i] = true;
            for (int j = bLo; j < bHi; ++j)
                added[j] = true;
            return;
        }
        int x = 0;
        int y = 0;
        if (!middleSnake(aLo, aHi, bLo, bHi, &x, &y)) {
            for (int i = aLo; i < aHi; ++i)
                removed[i] = true;
            for (int j = bLo; j < bHi; ++j)
                added[j] = true;
            return;
        }
        compare(aLo, aLo + x, bLo, bLo + y);
        compare(aLo + x, aHi, bLo + y, bHi);
    }

    std::vector<bool> removed; ///< per line of a
    std::vector<bool> added; ///< per line of b

private:
    /// Where the forward and the backward furthest-reaching paths meet: a point (x, y),
    /// relative to (aLo, bLo), on a shortest edit path. False when nothing is common.
    bool middleSnake(int aLo, int aHi, int bLo, int bHi, int *splitX, int *splitY) const
    {
        const int n = aHi - aLo;
        const int m = bHi - bLo;
        const int maxD = (n + m + 1) / 2;
        const int offset = maxD;
        const int length = 2 * maxD + 2;
        std::vector<int> forward(length, -1);
        std::vector<int> backward(length, -1);
        forward[offset + 1] = 0;
        backward[offset + 1] = 0;
        const int delta = n - m;
        const bool odd = delta % 2 != 0; // which direction detects the overlap
        int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
        for (int d = 0; d < maxD; ++d) {
            for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
                const int i1 = offset + k1;
                int x1 = (k1 == -d || (k1 != d && forward[i1 - 1] < forward[i1 + 1]))
                    ? forward[i1 + 1]
                    : forward[i1 - 1] + 1;
                int y1 = x1 - k1;
                while (x1 < n && y1 < m && m_a[aLo + x1] == m_b[bLo + y1]) {
                    ++x1;
                    ++y1;
                }
                forward[i1] = x1;
                if (x1 > n) {
                    k1end += 2; // off the right edge
                } else if (y1 > m) {
                    k1start += 2; // off the bottom edge
                } else if (odd) {
                    const int i2 = offset + delta - k1;
                    if (i2 >= 0 && i2 < length && backward[i2] != -1 && x1 >= n - backward[i2]) {
                        *splitX = x1;
                        *splitY = y1;
                        return true;
                    }
                }
            }
            for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
                const int i2 = offset + k2;
                int x2 = (k2 == -d || (k2 != d && backward[i2 - 1] < backward[i2 + 1]))
                    ? backward[i2 + 1]
                    : backward[i2 - 1] + 1;
                int y2 = x2 - k2;
                while (x2 < n && y2 < m && m_a[aHi - 1 - x2] == m_b[bHi - 1 - y2]) {
                    ++x2;
                    ++y2;
                }
                backward[i2] = x2;
                if (x2 > n) {
                    k2end += 2;
                } else if (y2 > m) {
                    k2start += 2;
                } else if (!odd) {
                    const int i1 = offset + delta - k2;
                    if (i1 >= 0 && i1 < length && forward[i1] != -1) {
                        const int x1 = forward[i1];
                        const int y1 = offset + x1 - i1;
                        if (x1 >= n - x2) {
                            *splitX = x1;
                            *splitY = y1;
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    const std::vector<int> &m_a;
    const std::vector<int> &m_b;
};

// The shortest edit script, each change shown as its removals then its additions (as diff -u).
QList<QPair<Op, int>> editScript(const QStringList &a, const QStringList &b)
{
    QHash<QString, int> ids;
    const auto idsOf = [&ids](const QStringList &lines) {
        std::vector<int> out;
        out.reserve(size_t(lines.size()));
        for (const QString &line : lines) {
            auto it = ids.constFind(line);
            if (it == ids.constEnd())
                it = ids.insert(line, int(ids.size()));
            out.push_back(*it);
        }
        return out;
    };
    const std::vector<int> ia = idsOf(a);
    const std::vector<int> ib = idsOf(b);
    Myers myers(ia, ib);
    myers.compare(0, int(ia.size()), 0, int(ib.size()));

    QList<QPair<Op, int>> ops; // (op, index into a for Keep/Remove, into b for Add)
    int i = 0;
    int j = 0;
    const int n = int(ia.size());
    const int m = int(ib.size());
    while (i < n || j < m) {
        if (i < n && myers.removed[i]) {
            ops.append({ Op::Remove, i++ });
        } else if (j < m && myers.added[j]) {
            ops.append({ Op::Add, j++ });
        } else {
            ops.append({ Op::Keep, i });
            ++i;
            ++j;
        }
    }
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
        // As diff -u writes them: a range of one line is its number alone.
        const auto range = [](int start, int count) {
            return count == 1 ? QString::number(start)
                              : QStringLiteral("%1,%2").arg(start).arg(count);
        };
        out << DiffLine {
            DiffLine::Kind::Hunk,
            QStringLiteral("@@ -%1 +%2 @@").arg(range(startA, countA), range(startB, countB))
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
