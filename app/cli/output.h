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
void err(const QString &text);

/// Prints rows as aligned columns under a header (nothing but the header when empty).
void printTable(const QStringList &header, const QList<QStringList> &rows);
void printJson(const QJsonArray &array);

} // namespace Baton::Cli
