#pragma once

#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Baton::Cli {

void out(const QString &text);
void err(const QString &text);

/// Prints rows as aligned columns under a header (nothing but the header when empty).
void printTable(const QStringList &header, const QList<QStringList> &rows);
void printJson(const QJsonArray &array);

} // namespace Baton::Cli
