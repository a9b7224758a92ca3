#pragma once

#include <QDate>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

class Store;

/// A runtime found on an executor's host.
struct DetectedRuntime
{
    QString technology; ///< bash, python, perl, ...
    QString version; ///< "5.2.15", "3.11.2"
    QString path; ///< the program that answered
};

/// A runtime in the catalog: detected on an executor, or only named by a deprecation.
struct RuntimeInfo
{
    QString executor; ///< empty for a deprecation of a version no executor has
    QString technology;
    QString version;
    QString path;
    QString host;
    qint64 detectedAt = 0;
    QDate deprecatedOn; ///< invalid: not deprecated
};

/// How a job's pinned runtime stands on an executor.
struct RuntimeCheck
{
    enum class Status { Unpinned, Ok, Deprecated, Missing };
    Status status = Status::Unpinned;
    QString matched; ///< the detected version that satisfies the pin
    QDate deprecatedOn; ///< for Deprecated (also set when the date is still ahead)
    QString why; ///< one line for people
};

/// The runtime catalog ("control the versions of the frameworks"): what each executor's host
/// has (detected by running the real programs), and deprecation dates admins set.
///
/// A job pins technology + version ("python" "3.11"); the pin is met by a detected version equal
/// to it or starting with it and a dot (3.11 ← 3.11.2). Deprecations match the same way.
class RuntimeCatalog
{
public:
    /// Runs `bash --version`, `python3 --version`, … on this host (each bounded to a few
    /// seconds). Blocks: call it off the GUI thread.
    static QList<DetectedRuntime> detect();
    /// The version found in a program's banner ("GNU bash, version 5.2.15(1)-release" → 5.2.15).
    static QString parseVersion(const QString &technology, const QString &output);

    /// Replaces what @p executor has with @p runtimes (audited).
    static void record(const Store &store, const QString &executor,
                       const QList<DetectedRuntime> &runtimes, const QString &actor);
    /// Detects and records for the local executor when it has never been detected.
    static void ensureDetected(const Store &store, const QString &actor);
    static bool hasDetected(const QSqlDatabase &db, const QString &executor);

    /// Sets (or with an invalid @p date clears) the deprecation date of TECHNOLOGY VERSION.
    /// Admins only; audited.
    static void deprecate(const Store &store, const QString &technology, const QString &version,
                          const QDate &date, const QString &actor);

    /// Every detected runtime and every deprecation, sorted by technology and version.
    static QList<RuntimeInfo> list(const QSqlDatabase &db);
    /// How @p technology @p pin stands on @p executor (as of @p today).
    static RuntimeCheck check(const QSqlDatabase &db, const QString &executor,
                              const QString &technology, const QString &pin,
                              const QDate &today = QDate::currentDate());
    /// True when @p version is @p pin or a finer version of it.
    static bool satisfies(const QString &version, const QString &pin);
};

} // namespace Baton
