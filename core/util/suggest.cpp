#include "suggest.h"

#include <algorithm>
#include <vector>

namespace Baton {

namespace {

int editDistance(const QString &a, const QString &b)
{
    std::vector<int> row(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min(
                { row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

QString closestMatch(const QString &word, const QStringList &candidates)
{
    const QString w = word.toLower();
    QString best;
    int bestDistance = 3;
    for (const QString &c : candidates) {
        const int d = editDistance(w, c.toLower());
        // A distance as long as the word itself is a different word, not a typo.
        if (d < bestDistance && d < w.size() && d < c.size()) {
            best = c;
            bestDistance = d;
        }
    }
    if (!best.isEmpty() || w.size() < 3)
        return best;
    QStringList prefixed;
    for (const QString &c : candidates) {
        const QString lc = c.toLower();
        if (lc.startsWith(w) || (lc.size() >= 3 && w.startsWith(lc)))
            prefixed << c;
    }
    return prefixed.size() == 1 ? prefixed.first() : QString();
}

QString didYouMean(const QString &word, const QStringList &candidates)
{
    const QString s = closestMatch(word, candidates);
    return s.isEmpty() ? QString() : QStringLiteral(" (did you mean '%1'?)").arg(s);
}

} // namespace Baton
