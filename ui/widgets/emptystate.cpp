#include "emptystate.h"

#include <QLabel>
#include <QVBoxLayout>

namespace Baton::Ui {

QWidget *emptyStatePage(const QIcon &icon, QLabel *label, QWidget *parent)
{
    auto *page = new QWidget(parent);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(3);
    auto *mark = new QLabel(page);
    mark->setAlignment(Qt::AlignCenter);
    mark->setPixmap(icon.pixmap(QSize(72, 72), parent->devicePixelRatioF(), QIcon::Disabled));
    layout->addWidget(mark);
    label->setParent(page);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setMargin(16);
    layout->addWidget(label);
    layout->addStretch(4);
    return page;
}

} // namespace Baton::Ui
