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
    }
}

} // namespace Baton
