#include "catalogworker.h"

#include "store.h"
#include "util/error.h"

namespace Baton {

CatalogWorker::CatalogWorker(const Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    qRegisterMetaType<Baton::CatalogSnapshot>();
}

void CatalogWorker::refresh()
{
    try {
        Q_EMIT snapshotReady(Catalog::snapshot(m_store->db()));
    } catch (const Error &e) {
        Q_EMIT failed(e.message());
    } catch (const std::exception &e) {
        // Never let an exception escape into the worker thread's event loop.
        Q_EMIT failed(QString::fromLocal8Bit(e.what()));
    }
}

} // namespace Baton
