#include "walwritebuffer.h"

#include <QString>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sqlite3.h>

namespace Baton {
namespace {

sqlite3_vfs *g_real = nullptr;
sqlite3_vfs g_vfs;
std::atomic<int64_t> g_asked { 0 };
std::atomic<int64_t> g_issued { 0 };

struct File
{
    sqlite3_file base;
    sqlite3_file *real;
    bool wal;
    bool commitPending;
    sqlite3_int64 bufOffset;
    int bufLen;
    int bufCap;
    char *buf;
};

sqlite3_file *real(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f)->real;
}

int flush(File *f)
{
    if (f->bufLen == 0)
        return SQLITE_OK;
    g_issued.fetch_add(1, std::memory_order_relaxed);
    const int rc = f->real->pMethods->xWrite(f->real, f->buf, f->bufLen, f->bufOffset);
    f->bufLen = 0;
    return rc;
}

int xClose(sqlite3_file *pf)
{
    File *f = reinterpret_cast<File *>(pf);
    int rc = flush(f);
    const int rc2 = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    std::free(f->buf);
    f->buf = nullptr;
    return rc != SQLITE_OK ? rc : rc2;
}
int xRead(sqlite3_file *pf, void *b, int n, sqlite3_int64 o)
{
    File *f = reinterpret_cast<File *>(pf);
    if (int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return f->real->pMethods->xRead(f->real, b, n, o);
}
int xWrite(sqlite3_file *pf, const void *b, int n, sqlite3_int64 o)
{
    File *f = reinterpret_cast<File *>(pf);
    if (!f->wal)
        return f->real->pMethods->xWrite(f->real, b, n, o);
    g_asked.fetch_add(1, std::memory_order_relaxed);
    if (f->bufLen > 0 && (o != f->bufOffset + f->bufLen || f->bufLen + n > f->bufCap)) {
        if (int rc = flush(f); rc != SQLITE_OK)
            return rc;
    }
    if (n > f->bufCap) {
        g_issued.fetch_add(1, std::memory_order_relaxed);
        return f->real->pMethods->xWrite(f->real, b, n, o);
    }
    if (f->bufLen == 0)
        f->bufOffset = o;
    std::memcpy(f->buf + f->bufLen, b, size_t(n));
    f->bufLen += n;
    const auto *p = static_cast<const unsigned char *>(b);
    if (n == 24) {
        // A frame header; bytes 4-7 (the database size after a commit) are not 0 on a commit's
        // last frame: its page is the last write of the transaction.
        f->commitPending = (p[4] | p[5] | p[6] | p[7]) != 0;
        return SQLITE_OK;
    }
    if (f->commitPending || n == 32) { // 32: the WAL header
        f->commitPending = false;
        return flush(f);
    }
    return SQLITE_OK;
}
int xTruncate(sqlite3_file *pf, sqlite3_int64 s)
{
    File *f = reinterpret_cast<File *>(pf);
    if (int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return f->real->pMethods->xTruncate(f->real, s);
}
int xSync(sqlite3_file *pf, int fl)
{
    File *f = reinterpret_cast<File *>(pf);
    if (int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return f->real->pMethods->xSync(f->real, fl);
}
int xFileSize(sqlite3_file *pf, sqlite3_int64 *s)
{
    File *f = reinterpret_cast<File *>(pf);
    if (int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return f->real->pMethods->xFileSize(f->real, s);
}
int xLock(sqlite3_file *f, int l)
{
    return real(f)->pMethods->xLock(real(f), l);
}
int xUnlock(sqlite3_file *f, int l)
{
    return real(f)->pMethods->xUnlock(real(f), l);
}
int xCheckReservedLock(sqlite3_file *f, int *r)
{
    return real(f)->pMethods->xCheckReservedLock(real(f), r);
}
int xFileControl(sqlite3_file *pf, int op, void *a)
{
    File *f = reinterpret_cast<File *>(pf);
    if (int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return f->real->pMethods->xFileControl(f->real, op, a);
}
int xSectorSize(sqlite3_file *f)
{
    return real(f)->pMethods->xSectorSize(real(f));
}
int xDeviceCharacteristics(sqlite3_file *f)
{
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
// Shared memory and memory mapping only where the file underneath has them (io methods version
// 2 and 3); SQLite asks by our version, which is 3.
bool has(sqlite3_file *f, int version)
{
    return real(f)->pMethods->iVersion >= version;
}
int xShmMap(sqlite3_file *f, int i, int s, int e, void volatile **p)
{
    return has(f, 2) ? real(f)->pMethods->xShmMap(real(f), i, s, e, p) : SQLITE_IOERR_SHMMAP;
}
int xShmLock(sqlite3_file *f, int o, int n, int fl)
{
    return has(f, 2) ? real(f)->pMethods->xShmLock(real(f), o, n, fl) : SQLITE_IOERR_SHMLOCK;
}
void xShmBarrier(sqlite3_file *f)
{
    if (has(f, 2))
        real(f)->pMethods->xShmBarrier(real(f));
}
int xShmUnmap(sqlite3_file *f, int d)
{
    return has(f, 2) ? real(f)->pMethods->xShmUnmap(real(f), d) : SQLITE_OK;
}
int xFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p)
{
    if (has(f, 3))
        return real(f)->pMethods->xFetch(real(f), o, n, p);
    *p = nullptr; // no mapping: SQLite reads instead
    return SQLITE_OK;
}
int xUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
    return has(f, 3) ? real(f)->pMethods->xUnfetch(real(f), o, p) : SQLITE_OK;
}

const sqlite3_io_methods g_methods = { 3,
                                       xClose,
                                       xRead,
                                       xWrite,
                                       xTruncate,
                                       xSync,
                                       xFileSize,
                                       xLock,
                                       xUnlock,
                                       xCheckReservedLock,
                                       xFileControl,
                                       xSectorSize,
                                       xDeviceCharacteristics,
                                       xShmMap,
                                       xShmLock,
                                       xShmBarrier,
                                       xShmUnmap,
                                       xFetch,
                                       xUnfetch };

int xOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *pf, int flags, int *outFlags)
{
    File *f = reinterpret_cast<File *>(pf);
    std::memset(f, 0, sizeof(File));
    f->real = reinterpret_cast<sqlite3_file *>(f + 1);
    std::memset(f->real, 0, size_t(g_real->szOsFile));
    const int rc = g_real->xOpen(g_real, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods) // what the failed open left behind, closed as SQLite would
            f->real->pMethods->xClose(f->real);
        f->base.pMethods = nullptr;
        return rc;
    }
    f->wal = (flags & SQLITE_OPEN_WAL) != 0;
    if (f->wal) {
        f->bufCap = 64 * 1024; // the unix VFS writes at most 128 KiB - 1 in one call
        f->buf = static_cast<char *>(std::malloc(size_t(f->bufCap)));
        if (!f->buf)
            f->bufCap = 0;
    }
    f->base.pMethods = &g_methods;
    return SQLITE_OK;
}

} // namespace

bool WalWriteBuffer::install()
{
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] {
        if (qEnvironmentVariable("BATON_SQLITE_WAL_BUFFER") == u"0")
            return;
        sqlite3_initialize();
        g_real = sqlite3_vfs_find(nullptr);
        if (!g_real)
            return;
        g_vfs = *g_real;
        g_vfs.zName = "baton-walbuf";
        g_vfs.pNext = nullptr;
        g_vfs.szOsFile = int(sizeof(File)) + g_real->szOsFile;
        g_vfs.xOpen = xOpen;
        ok = sqlite3_vfs_register(&g_vfs, 1) == SQLITE_OK;
    });
    return ok;
}

WalWriteBuffer::Counts WalWriteBuffer::counts()
{
    return { g_asked.load(), g_issued.load() };
}

} // namespace Baton
