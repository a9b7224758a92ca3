#include "chartpanel.h"

#include "widgets/backgroundtask.h"
#include "widgets/legendfitter.h"

#include <QChart>
#include <QChartView>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSaveFile>
#include <QToolButton>
#include <QVBoxLayout>

namespace Baton::Ui {

QString csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"'))
        && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

ChartPanel::ChartPanel(const QString &objectName, const QString &title, QWidget *parent)
    : QFrame(parent)
    , m_title(new QLabel(title, this))
    , m_note(new QLabel(this))
    , m_export(new QToolButton(this))
    , m_view(new QChartView(this))
{
    setObjectName(objectName);
    setFrameShape(QFrame::StyledPanel);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_note->setObjectName(QStringLiteral("chartNote"));
    m_note->setWordWrap(true);
    QPalette muted = m_note->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    m_note->setPalette(muted);

    m_export->setText(tr("Export"));
    m_export->setToolTip(tr("Save this chart as a PNG image or its data as CSV"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    m_export->setAutoRaise(true);
    auto *menu = new QMenu(m_export);
    menu->addAction(tr("Export PNG…"), this, [this] { chooseAndExport(true); });
    menu->addAction(tr("Export CSV…"), this, [this] { chooseAndExport(false); });
    m_export->setMenu(menu);

    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(190);
    QChart *chart = m_view->chart();
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->legend()->setAlignment(Qt::AlignBottom);
    new LegendFitter(m_view); // a row under the plot, or a column when the labels do not fit
    chart->setBackgroundRoundness(0);
    chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark
                                                                        : QChart::ChartThemeLight);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_note);
    layout->addWidget(m_view, 1);
    m_note->setVisible(false);
}

QChart *ChartPanel::chart() const
{
    return m_view->chart();
}

void ChartPanel::setTitle(const QString &title)
{
    m_title->setText(title);
}

QString ChartPanel::title() const
{
    return m_title->text();
}

void ChartPanel::setNote(const QString &note)
{
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

QString ChartPanel::note() const
{
    return m_note->text();
}

void ChartPanel::chooseAndExport(bool png)
{
    const QString name = objectName().remove(QStringLiteral("Chart"));
    const QString path = QFileDialog::getSaveFileName(
        this, png ? tr("Export Chart as PNG") : tr("Export Chart Data as CSV"),
        name + (png ? QStringLiteral(".png") : QStringLiteral(".csv")),
        png ? tr("PNG images (*.png)") : tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    if (png)
        exportPng(path);
    else
        exportCsv(path);
}

void ChartPanel::exportPng(const QString &path)
{
    // The picture is taken here (widgets live on the GUI thread); encoding and writing it are
    // not.
    const QImage image = m_view->grab().toImage();
    // A file write: it runs to the end even when the panel goes first; only the answer is
    // dropped.
    BackgroundTask::run(
        this, BackgroundTask::shared(), [image, path] { return image.save(path, "PNG"); },
        [this, path](bool ok) { Q_EMIT exported(path, ok); });
}

void ChartPanel::exportCsv(const QString &path)
{
    const QByteArray data = csv().toUtf8();
    BackgroundTask::run(
        this, BackgroundTask::shared(),
        [data, path] {
            QSaveFile file(path);
            return file.open(QIODevice::WriteOnly) && file.write(data) == data.size()
                && file.commit();
        },
        [this, path](bool ok) { Q_EMIT exported(path, ok); });
}

} // namespace Baton::Ui
