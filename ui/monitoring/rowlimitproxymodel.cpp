#include "rowlimitproxymodel.h"

#include <algorithm>

namespace Baton::Ui {

RowLimitProxyModel::RowLimitProxyModel(int limit, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_limit(std::max(0, limit))
{
    // Never sorted here: the source's order decides which rows are "first".
    setDynamicSortFilter(false);
}

void RowLimitProxyModel::setLimit(int limit)
{
    limit = std::max(0, limit);
    if (limit == m_limit)
        return;
    m_limit = limit;
    invalidateRowsFilter();
}

void RowLimitProxyModel::setSourceModel(QAbstractItemModel *source)
{
    for (const auto &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    QSortFilterProxyModel::setSourceModel(source);
    if (!source)
        return;
    // A row's acceptance depends on its position, which moves without the row changing: look
    // again after anything that shifts rows (connected after the base class, so it runs last).
    const auto again = [this] {
        invalidateRowsFilter();
    };
    m_connections << connect(source, &QAbstractItemModel::rowsInserted, this, again)
                  << connect(source, &QAbstractItemModel::rowsRemoved, this, again)
                  << connect(source, &QAbstractItemModel::rowsMoved, this, again)
                  << connect(source, &QAbstractItemModel::layoutChanged, this, again);
}

bool RowLimitProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    return !sourceParent.isValid() && sourceRow < m_limit;
}

} // namespace Baton::Ui
