#pragma once

#include <QStyledItemDelegate>

namespace Baton::Ui {

/// Paints the runs table's State column as a coloured dot and its text, and its Progress column
/// as a bar in the state's colour; every other column as usual. It only draws what the model's
/// roles say (RunsTableModel::StateRole, ProgressRole).
class RunsTableDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit RunsTableDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// A rounded bar filled to @p fraction (0…1) in @p fill over a track from @p palette.
    static void paintBar(QPainter *painter, const QRectF &rect, qreal fraction, const QColor &fill,
                         const QPalette &palette);
    /// A filled dot of @p diameter centred at @p centre.
    static void paintDot(QPainter *painter, const QPointF &centre, qreal diameter,
                         const QColor &colour);
};

} // namespace Baton::Ui
