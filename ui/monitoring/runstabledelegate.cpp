#include "runstabledelegate.h"

#include "runstablemodel.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QPainter>

namespace Baton::Ui {

namespace {

// The item's background (selection, hover, alternate rows) without its text.
void paintBackground(QPainter *painter, QStyleOptionViewItem opt)
{
    opt.text.clear();
    opt.icon = QIcon();
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
}

QColor textColour(const QStyleOptionViewItem &opt)
{
    const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
        : (opt.state & QStyle::State_Active)                                ? QPalette::Active
                                                                            : QPalette::Inactive;
    return opt.palette.color(
        group, (opt.state & QStyle::State_Selected) ? QPalette::HighlightedText : QPalette::Text);
}

} // namespace

RunsTableDelegate::RunsTableDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{ }

void RunsTableDelegate::paintBar(QPainter *painter, const QRectF &rect, qreal fraction,
                                 const QColor &fill, const QPalette &palette)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    const qreal radius = rect.height() / 2.0;
    painter->setBrush(
        Theme::mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.14));
    painter->drawRoundedRect(rect, radius, radius);
    const qreal clamped = std::clamp(fraction, 0.0, 1.0);
    if (clamped > 0) {
        QRectF done = rect;
        done.setWidth(std::max(rect.height(), rect.width() * clamped));
        painter->setBrush(fill);
        painter->drawRoundedRect(done, radius, radius);
    }
    painter->restore();
}

void RunsTableDelegate::paintDot(QPainter *painter, const QPointF &centre, qreal diameter,
                                 const QColor &colour)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(colour.darker(115), 1.0));
    painter->setBrush(colour);
    painter->drawEllipse(centre, diameter / 2.0, diameter / 2.0);
    painter->restore();
}

void RunsTableDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    const int column = index.column();
    if (column != RunsTableModel::StateColumn && column != RunsTableModel::ProgressColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    paintBackground(painter, opt);

    const QColor colour
        = Theme::stateColor(opt.palette, index.data(RunsTableModel::StateRole).value<RunState>());
    const QRect r = opt.rect.adjusted(6, 0, -6, 0);
    const QString text = opt.text;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(textColour(opt));
    if (column == RunsTableModel::StateColumn) {
        const qreal dot = std::max(7, opt.fontMetrics.height() / 2);
        paintDot(painter, QPointF(r.left() + dot / 2.0, r.center().y() + 0.5), dot, colour);
        const QRect textRect = r.adjusted(int(dot) + 6, 0, 0, 0);
        painter->drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                          opt.fontMetrics.elidedText(text, Qt::ElideRight, textRect.width()));
    } else {
        // The percentage on the right, the bar in what is left.
        const int textWidth = opt.fontMetrics.horizontalAdvance(QStringLiteral("100%"));
        const QRect textRect(r.right() - textWidth + 1, r.top(), textWidth, r.height());
        painter->drawText(textRect, Qt::AlignRight | Qt::AlignVCenter, text);
        const qreal barHeight = std::max(6, opt.fontMetrics.height() / 2 - 1);
        const QRectF bar(r.left(), r.center().y() - barHeight / 2.0 + 1,
                         std::max(0, r.width() - textWidth - 6), barHeight);
        if (bar.width() > barHeight)
            paintBar(painter, bar, index.data(RunsTableModel::ProgressRole).toDouble(), colour,
                     opt.palette);
    }
    painter->restore();
}

QSize RunsTableDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.column() == RunsTableModel::StateColumn)
        size.rwidth() += option.fontMetrics.height() / 2 + 12;
    else if (index.column() == RunsTableModel::ProgressColumn)
        size.setWidth(std::max(size.width() + 60, 120));
    return size;
}

} // namespace Baton::Ui
