#include "output.h"

#include <QJsonDocument>
#include <cstdio>

namespace Baton::Cli {

void out(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fputc('\n', stdout);
}

void lineBuffered()
{
    std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
}

QString printable(const QString &text)
{
    QString shown;
    shown.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'\t' || (u >= 0x20 && u < 0x7f) || u > 0x9f)
            shown += c;
        else if (u == 0x1b)
            shown += QStringLiteral("\\e");
        else if (u == u'\n')
            shown += QStringLiteral("\\n");
        else
            shown += QStringLiteral("\\x%1").arg(int(u), 2, 16, QLatin1Char('0'));
    }
    return shown;
}

void err(const QString &text)
{
    std::fflush(stdout);
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fputc('\n', stderr);
}

void printTable(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : header)
        widths << h.size();
    for (const QStringList &row : rows) {
        for (qsizetype c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], row[c].size());
    }
    auto line = [&](const QStringList &cells) {
        QString text;
        for (qsizetype c = 0; c < cells.size(); ++c) {
            const bool last = c + 1 == cells.size();
            text += last ? cells[c] : cells[c].leftJustified(widths[c] + 2);
        }
        out(text);
    };
    line(header);
    for (const QStringList &row : rows)
        line(row);
}

void printJson(const QJsonArray &array)
{
    out(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented)).trimmed());
}

} // namespace Baton::Cli
