#pragma once

#include <QSortFilterProxyModel>

namespace Baton::Ui {

/// Shows the first limit() rows of a flat source model, in the source's order: "the last ten
/// failures" over a model sorted newest first. Rows pushed past the limit by an insertion above
/// them leave; rows pulled back in by a removal come back.
class RowLimitProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RowLimitProxyModel(int limit, QObject *parent = nullptr);

    int limit() const { return m_limit; }
    void setLimit(int limit);

    void setSourceModel(QAbstractItemModel *source) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_limit;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace Baton::Ui
