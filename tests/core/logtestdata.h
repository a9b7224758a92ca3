#pragma once
// Log files in the supervisor's record format, for the log tests (core and ui).

#include <QByteArray>
#include <QFile>
#include <QString>

namespace Baton::Test {

/// One record: "2026-11-23T20:05:01.123Z O   text\n".
inline QByteArray record(char stream, const QByteArray &text, char flag = ' ',
                         const QByteArray &stamp = "2026-11-23T20:05:01.123Z")
{
    return stamp + ' ' + stream + ' ' + flag + ' ' + text + '\n';
}

/// Writes @p lines records "line N" (stdout) to @p path, with a stderr record every
/// @p errEvery lines (0: none); returns the file's size. Written in large blocks, so tens of
/// megabytes take a fraction of a second.
inline qint64 writeNumberedLog(const QString &path, qint64 lines, qint64 errEvery = 0,
                               const QByteArray &errText = "warning: slow disk")
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return -1;
    QByteArray block;
    block.reserve(4 * 1024 * 1024);
    for (qint64 i = 0; i < lines; ++i) {
        if (errEvery > 0 && i % errEvery == errEvery - 1)
            block += record('E', errText + " at " + QByteArray::number(i));
        else
            block += record('O', "line " + QByteArray::number(i) + " of the job's output");
        if (block.size() > 4 * 1024 * 1024 - 256) {
            f.write(block);
            block.clear();
        }
    }
    f.write(block);
    return f.size();
}

} // namespace Baton::Test
