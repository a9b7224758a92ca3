#include "fuzzymatch.h"

#include <algorithm>
namespace Baton::Ui {

namespace {

bool isWordStart(const QString &text, int i)
{
    if (i == 0)
        return true;
    const QChar before = text.at(i - 1);
    const QChar here = text.at(i);
    return !before.isLetterOrNumber() || (before.isLower() && here.isUpper())
        || (before.isLetter() && here.isDigit());
}

// The best alignment starting the pattern at text position @p start (greedy afterwards,
// preferring a word start or a consecutive character over the first occurrence).
int alignFrom(const QString &pattern, const QString &text, int start, QList<int> *positions)
{
    QList<int> found { start };
    int score = 10 + (isWordStart(text, start) ? 8 : 0) + (start == 0 ? 6 : 0);
    int at = start;
    for (int p = 1; p < pattern.size(); ++p) {
        const QChar want = pattern.at(p).toCaseFolded();
        int next = -1;
        int best = -1;
        for (int i = at + 1; i < text.size(); ++i) {
            if (text.at(i).toCaseFolded() != want)
                continue;
            if (next < 0)
                next = i;
            if (i == at + 1 || isWordStart(text, i)) {
                best = i;
                break;
            }
        }
        const int i = best >= 0 ? best : next;
        if (i < 0)
            return -1;
        score += 10;
        if (i == at + 1)
            score += 6; // consecutive
        else
            score -= std::min(i - at - 1, 5); // a gap
        if (isWordStart(text, i))
            score += 8;
        found << i;
        at = i;
    }
    if (positions)
        *positions = found;
    return score;
}

} // namespace

int fuzzyScore(const QString &pattern, const QString &text, QList<int> *positions)
{
    if (pattern.isEmpty())
        return 0;
    const QChar first = pattern.at(0).toCaseFolded();
    int best = -1;
    for (int start = 0; start < text.size(); ++start) {
        if (text.at(start).toCaseFolded() != first)
            continue;
        QList<int> found;
        const int score = alignFrom(pattern, text, start, &found);
        if (score > best) {
            best = score;
            if (positions)
                *positions = found;
        }
    }
    if (best >= 0 && text.size() == pattern.size())
        best += 10; // the whole text
    return best;
}

int fuzzyQueryScore(const QString &query, const QString &text)
{
    int total = 0;
    const QStringList words = query.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &word : words) {
        const int score = fuzzyScore(word, text);
        if (score < 0)
            return -1;
        total += score;
    }
    return total;
}

} // namespace Baton::Ui
