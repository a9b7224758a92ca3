#pragma once

#include "catalog.h"

#include <QObject>
#include <memory>

namespace Baton {

class Store;

/// Loads catalog snapshots off the GUI thread. Move it to a QThread; it opens its own
/// connection there (a connection belongs to the thread that opened it).
class CatalogWorker : public QObject
{
    Q_OBJECT
public:
    explicit CatalogWorker(const Store *store, QObject *parent = nullptr);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void snapshotReady(const Baton::CatalogSnapshot &snapshot);
    void failed(const QString &message);

private:
    const Store *m_store;
};

} // namespace Baton
