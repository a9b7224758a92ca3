#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Baton {

/// One line of a unified diff.
struct DiffLine
{
    enum class Kind { Hunk, Context, Added, Removed };
    Kind kind = Kind::Context;
    QString text; ///< the line without its newline; for Hunk the "@@ -a,b +c,d @@" header
    bool operator==(const DiffLine &) const = default;
};

/// Line diffs of text files, as `diff -u` shows them: hunks of changes with context lines.
class LineDiff
{
public:
    /// Above this many lines on either side the diff is not computed (summary only).
    static constexpr int MaxLines = 20000;

    /// Unified diff of @p before → @p after with @p context unchanged lines around each change.
    /// Empty when the texts are equal.
    static QList<DiffLine> unified(const QString &before, const QString &after, int context = 3);
    /// The lines as text: "@@ … @@", " context", "+added", "-removed".
    static QStringList toText(const QList<DiffLine> &lines);
    static int count(const QList<DiffLine> &lines, DiffLine::Kind kind);
    /// Splits on '\n'; a final newline does not make an empty last line.
    static QStringList splitLines(const QString &text);
};

} // namespace Baton
