#include "diffhighlighter.h"

#include "widgets/theme.h"

#include <QApplication>
#include <QTextCharFormat>

namespace Baton::Ui {

DiffHighlighter::DiffHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{ }

void DiffHighlighter::highlightBlock(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return;
    const QPalette palette = QApplication::palette();
    QTextCharFormat f;
    if (t.startsWith(QLatin1String("@@"))) {
        f.setForeground(Theme::mutedText(palette));
    } else if (t.startsWith(QLatin1Char('+'))) {
        f.setForeground(Theme::success(palette));
    } else if (t.startsWith(QLatin1Char('-'))) {
        f.setForeground(Theme::failure(palette));
    } else if (t.startsWith(QLatin1Char('~')) || t.startsWith(QLatin1String("job "))) {
        f.setFontWeight(QFont::Bold);
    } else {
        return;
    }
    setFormat(0, int(text.size()), f);
}

} // namespace Baton::Ui
