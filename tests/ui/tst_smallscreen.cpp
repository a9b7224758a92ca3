// The console at 1024×700 (issue #17): the main window stays that size whatever is open — a
// run tab's header, the log viewer's find box, the Review mode with a run opened in place —
// and chart legends are not cut.
#include "engine/runservice.h"
#include "logs/logviewer.h"
#include "mainwindow/documenttabs.h"
#include "mainwindow/mainwindow.h"
#include "review/reviewmode.h"
#include "runs/rundetailview.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/adaptiverow.h"
#include "widgets/backgroundtask.h"
#include "widgets/legendfitter.h"

#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using namespace Baton::Ui;

class TestSmallScreen : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_settings;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    qint64 m_run = 0;

    // @p widget lies inside @p window, left to right.
    static bool inside(const QWidget *widget, const QWidget *window)
    {
        const QPoint left = widget->mapTo(window, QPoint(0, 0));
        return left.x() >= 0 && left.x() + widget->width() <= window->width();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        RunService::createRun(m_ws->store(), r);
        m_run = RunService::createRun(m_ws->store(), r);
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("UPDATE runs SET state = 'failed', started_at = 1000, "
                                 "finished_at = 5000, reason = 'train failed after three "
                                 "attempts on a long reason' WHERE id = ?"),
                  { m_run });
    }
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive their widgets, never the workspace
        m_ws.reset();
    }

    void mainWindowStaysUsableAt1024x700()
    {
        MainWindow w(m_ws.get());
        w.resize(1024, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(w.minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(w.minimumSizeHint().width())));

        // A run tab: its header wraps and stacks instead of widening the window.
        w.openRun(m_run);
        RunDetailView *view = w.documentTabs()->runView(m_run);
        QVERIFY(view);
        QTRY_VERIFY(view->isLoaded());
        QTRY_COMPARE(w.width(), 1024);
        QVERIFY2(w.minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(w.minimumSizeHint().width())));
        QVERIFY(inside(view->headerLabel(), &w));
        QVERIFY(inside(view->compareButton(), &w));
        auto *row = view->findChild<AdaptiveRow *>(QStringLiteral("runHeaderRow"));
        QVERIFY(row);
        // The log's find box keeps room to type in, inside the window.
        QLineEdit *find = view->logViewer()->findEdit();
        QTRY_VERIFY(find->width() >= find->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 10);
        QVERIFY(inside(find, &w));

        // Review with the run opened in place, beside its sign-off.
        w.setCurrentMode(QStringLiteral("Review"));
        w.reviewMode()->setScope(ReviewMode::AllFinished);
        w.reviewMode()->openRun(m_run);
        QVERIFY(w.reviewMode()->openedRun());
        QTRY_VERIFY(w.reviewMode()->openedRun()->isLoaded());
        QCoreApplication::processEvents();
        QCOMPARE(w.width(), 1024);
        QVERIFY2(w.minimumSizeHint().width() <= 1024,
                 qPrintable(QString::number(w.minimumSizeHint().width())));
        QVERIFY(inside(w.reviewMode()->openedRun()->headerLabel(), &w));
    }

    void legendsMoveBesideThePlotRatherThanBeCut()
    {
        QChartView view;
        view.resize(300, 220);
        auto *fitter = new LegendFitter(&view);
        for (const char *name :
             { "p50", "p95", "extract p50", "clean p50", "train p50", "score p50", "report p50" }) {
            auto *series = new QLineSeries;
            series->setName(QString::fromLatin1(name));
            series->append(0, 1);
            view.chart()->addSeries(series);
        }
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_COMPARE(view.chart()->legend()->alignment(), Qt::AlignRight);
        QVERIFY(fitter->rowWidth() > view.width());
        QVERIFY(view.chart()->legend()->showToolTips());
        // Wide enough for a row: back under the plot.
        view.resize(1200, 300);
        QTRY_COMPARE(view.chart()->legend()->alignment(), Qt::AlignBottom);
        // A series added later is counted too.
        view.resize(fitter->rowWidth() + 40, 300);
        QTRY_COMPARE(view.chart()->legend()->alignment(), Qt::AlignBottom);
        auto *more = new QLineSeries;
        more->setName(QStringLiteral("a long series name that no longer fits in the row"));
        more->append(0, 2);
        view.chart()->addSeries(more);
        QTRY_COMPARE(view.chart()->legend()->alignment(), Qt::AlignRight);
    }
};

QTEST_MAIN(TestSmallScreen)
#include "tst_smallscreen.moc"
