#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Baton::Cli {

void out(const QString &text);
/// Makes stdout go out line by line even into a pipe or a file, for commands that print
/// progress (`run --wait`, `backfill`): a reader sees each line as it happens, and nothing
/// printed is lost if the command is killed. Call before the command prints anything.
void lineBuffered();
/// @p text with terminal control characters made visible (ESC as \e, a newline as \n, others
/// as \xNN): text that people wrote (annotations, reasons, parameters) must not move the
/// cursor, recolour or retitle the terminal of whoever reads it.
QString printable(const QString &text);
void err(const QString &text);

/// Prints rows as aligned columns under a header (nothing but the header when empty).
void printTable(const QStringList &header, const QList<QStringList> &rows);
void printJson(const QJsonArray &array);

} // namespace Baton::Cli
