#pragma once

#include <QSyntaxHighlighter>

namespace Baton::Ui {

/// Colours unified-diff lines in a text view: additions, removals, hunk headers, and the
/// "~ changed" / "+ added" / "- removed" summary lines of `baton diff`.
class DiffHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit DiffHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;
};

} // namespace Baton::Ui
