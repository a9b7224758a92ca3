#pragma once

#include <QStyledItemDelegate>

namespace Baton::Ui {

/// Paints one run as a compact card in the Monitor's panels: a state dot, project/pipeline and
/// run number, and on the right what matters for that panel (elapsed time and a progress bar
/// for running runs, when it was queued, when and how it failed). Reads only model roles.
class RunCardDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    enum class Kind { Running, Queued, Failure };

    explicit RunCardDelegate(Kind kind, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    /// The text on the card's right-hand side (environment, time), as painted.
    QString detailText(const QModelIndex &index) const;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

private:
    Kind m_kind;
};

} // namespace Baton::Ui
