#include "runcarddelegate.h"

#include "model/runstate.h"
#include "monitoring/runrow.h"
#include "runstabledelegate.h"
#include "runstablemodel.h"
#include "widgets/theme.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDateTime>
#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

namespace Baton::Ui {

namespace {

constexpr int kPadding = 8;
constexpr int kBarHeight = 5;

// Today's events by time of day, older ones with their date.
QString when(qint64 ms)
{
    if (ms <= 0)
        return {};
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    if (at.date() == QDate::currentDate())
        return QLocale().toString(at, QStringLiteral("HH:mm"));
    return QLocale().toString(at, QStringLiteral("d MMM HH:mm"));
}

} // namespace

RunCardDelegate::RunCardDelegate(Kind kind, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_kind(kind)
{ }

QString RunCardDelegate::detailText(const QModelIndex &index) const
{
    const QString environment = index.data(RunsTableModel::EnvironmentRole).toString();
    QString what;
    switch (m_kind) {
    case Kind::Running:
        // The model formats the ticking duration; the card shows the same text as the table.
        what = index.siblingAtColumn(RunsTableModel::DurationColumn).data().toString();
        if (what.isEmpty())
            what = stateLabel(index.data(RunsTableModel::StateRole).value<RunState>());
        break;
    case Kind::Queued:
        what = tr("queued %1").arg(when(index.data(RunsTableModel::CreatedAtRole).toLongLong()));
        break;
    case Kind::Failure:
        what = QStringLiteral("%1 %2").arg(
            stateLabel(index.data(RunsTableModel::StateRole).value<RunState>()),
            when(index.data(RunsTableModel::FinishedAtRole).toLongLong()));
        break;
    }
    return environment.isEmpty() ? what : environment + QStringLiteral(" · ") + what;
}

void RunCardDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = QIcon();
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QColor text = opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor muted = selected ? text : Theme::mutedText(opt.palette);
    const QColor colour
        = Theme::stateColor(opt.palette, index.data(RunsTableModel::StateRole).value<RunState>());
    const QFontMetrics &fm = opt.fontMetrics;

    const QRect content = opt.rect.adjusted(kPadding, 4, -kPadding, -4);
    const QRect line(content.left(), content.top(), content.width(), fm.height());
    painter->save();
    const qreal dot = std::max(7, fm.height() / 2);
    RunsTableDelegate::paintDot(painter, QPointF(line.left() + dot / 2.0, line.center().y() + 0.5),
                                dot, colour);

    // Right side first: it must stay readable; the name gives way.
    const QString detail = detailText(index);
    const int natural = fm.horizontalAdvance(detail) + 2; // a pixel of slack against rounding
    const int detailWidth = std::min(natural, line.width() / 2);
    painter->setFont(opt.font);
    painter->setPen(muted);
    const QRect detailRect(line.right() - detailWidth + 1, line.top(), detailWidth, line.height());
    painter->drawText(detailRect, Qt::AlignRight | Qt::AlignVCenter,
                      natural <= detailWidth ? detail
                                             : fm.elidedText(detail, Qt::ElideLeft, detailWidth));

    const QString name = index.data(RunsTableModel::ProjectRole).toString() + QLatin1Char('/')
        + index.data(RunsTableModel::PipelineRole).toString();
    const QString number
        = QStringLiteral("#%1").arg(index.data(RunsTableModel::RunIdRole).toLongLong());
    QRect nameRect = line.adjusted(int(dot) + 7, 0, 0, 0);
    nameRect.setRight(detailRect.left() - 10);
    const int numberWidth = fm.horizontalAdvance(number);
    const QString shownName
        = fm.elidedText(name, Qt::ElideMiddle, std::max(0, nameRect.width() - numberWidth - 6));
    painter->setPen(text);
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter, shownName);
    painter->setPen(muted);
    const QRect numberRect = nameRect.adjusted(fm.horizontalAdvance(shownName) + 6, 0, 0, 0);
    if (numberRect.width() >= numberWidth)
        painter->drawText(numberRect, Qt::AlignLeft | Qt::AlignVCenter, number);

    if (m_kind == Kind::Running) {
        // Progress under the name, finished tasks of all on its right.
        const RunRow run = index.data(RunsTableModel::RunRowRole).value<RunRow>();
        const QString tasks = run.tasks.total > 0
            ? tr("%1/%2 tasks").arg(run.tasks.finished()).arg(run.tasks.total)
            : QString();
        QFont small = opt.font;
        small.setPointSizeF(small.pointSizeF() * 0.85);
        const QFontMetrics sfm(small);
        const int top = line.bottom() + 5;
        const int tasksWidth = sfm.horizontalAdvance(tasks);
        const QRectF bar(nameRect.left(), top + (sfm.height() - kBarHeight) / 2.0,
                         std::max(0, content.right() - nameRect.left() - tasksWidth - 8),
                         kBarHeight);
        RunsTableDelegate::paintBar(painter, bar, run.progress, colour, opt.palette);
        painter->setFont(small);
        painter->drawText(QRect(content.right() - tasksWidth + 1, top, tasksWidth, sfm.height()),
                          Qt::AlignRight | Qt::AlignVCenter, tasks);
    }
    if (m_kind == Kind::Queued) {
        // Why it waits (core's rule), under the name.
        const RunRow run = index.data(RunsTableModel::RunRowRole).value<RunRow>();
        QFont small = opt.font;
        small.setPointSizeF(small.pointSizeF() * 0.85);
        const QFontMetrics sfm(small);
        const QRect why(nameRect.left(), line.bottom() + 5, content.right() - nameRect.left(),
                        sfm.height());
        painter->setFont(small);
        painter->setPen(muted);
        painter->drawText(why, Qt::AlignLeft | Qt::AlignVCenter,
                          sfm.elidedText(run.wait.text, Qt::ElideRight, why.width()));
    }
    painter->restore();
}

QSize RunCardDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const int line = option.fontMetrics.height();
    int height = line + 8;
    if (m_kind == Kind::Running || m_kind == Kind::Queued)
        height += line * 85 / 100 + 5;
    return { 200, height };
}

bool RunCardDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view,
                                const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (!event || event->type() != QEvent::ToolTip || !index.isValid())
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    const RunRow run = index.data(RunsTableModel::RunRowRole).value<RunRow>();
    QStringList lines;
    lines << tr("Run #%1 · %2/%3 v%4")
                 .arg(run.id)
                 .arg(run.project, run.pipeline)
                 .arg(run.pipelineVersion);
    lines << tr("%1 in %2, %3 by %4")
                 .arg(stateLabel(run.state),
                      run.environment.isEmpty() ? tr("(deleted environment)") : run.environment,
                      run.trigger, run.requestedBy.isEmpty() ? tr("nobody") : run.requestedBy);
    if (!run.wait.text.isEmpty())
        lines << tr("Waiting: %1").arg(run.wait.text);
    const QString tasks = index.siblingAtColumn(RunsTableModel::TasksColumn).data().toString();
    if (!tasks.isEmpty())
        lines << tr("Tasks: %1").arg(tasks);
    lines << index.siblingAtColumn(RunsTableModel::StartedColumn)
                 .data(Qt::ToolTipRole)
                 .toString()
                 .split(QLatin1Char('\n'));
    QToolTip::showText(event->globalPos(), lines.join(QLatin1Char('\n')), view->viewport(),
                       view->visualRect(index));
    return true;
}

} // namespace Baton::Ui
