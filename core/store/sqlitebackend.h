#pragma once

#include "storebackend.h"

namespace Baton {

/// A workspace database in one SQLite file, in WAL mode so that consoles read while the engine
/// writes. New files are created private (0600). A file this process cannot write opens
/// read-only (immutable when it has no -wal file, which a read-only directory could not get).
class SqliteBackend final : public StoreBackend
{
public:
    SqliteBackend(StoreLocation location, int busyTimeoutMs);

    Dialect dialect() const override { return Dialect::Sqlite; }
    bool prepare(bool create, int latestVersion) override;
    QSqlDatabase open(const QString &name, bool readOnly) const override;
    int schemaVersion(const QSqlDatabase &db) const override;
    void setSchemaVersion(const QSqlDatabase &db, int version) const override;
    QList<Migration> migrations() const override;
    QStringList beginWrite() const override;
    void beforeMigrate(const QSqlDatabase &db) const override;
    std::unique_ptr<LongLivedWriter> longLivedWriter(const QSqlDatabase &db) const override;
    /// data_version moves on other connections' commits, total_changes() on this one's own.
    QString changeMarkerSql() const override;

private:
    void validateExisting(int latestVersion) const;
    QSqlDatabase connect(const QString &name, bool readOnly) const;

    int m_busyTimeoutMs;
    bool m_readOnly = false;
};

} // namespace Baton
