// The DAG editor, offscreen: add by dropping a job, connect by dragging between ports, a
// refused cycle, undo/redo, copy/paste, problems that block a save, save → a new version,
// and the live overlay following a run.
#include "dag/dagscene.h"
#include "dag/editorview.h"
#include "dag/joblistmodel.h"
#include "dag/minimapview.h"
#include "dag/pipelineeditor.h"
#include "dag/tasknodeitem.h"
#include "dag/taskpropertiespanel.h"
#include "engine/runservice.h"
#include "mainwindow/mainwindow.h"
#include "pipelines/pipelinesmode.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPainter>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace Baton;
using namespace Baton::Ui;

class TestPipelineEditor : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    std::unique_ptr<PipelineEditor> m_editor;

    PipelineInfo nightly() const
    {
        for (const PipelineInfo &p : Catalog::pipelines(m_ws->store().db(), "churn")) {
            if (p.name == QLatin1String("nightly"))
                return p;
        }
        return {};
    }
    PipelineGraphModel *model() const { return m_editor->model(); }
    NodeId id(const char *name) const { return model()->findTask(name).value_or(-1); }
    QPoint viewportPoint(const QPointF &scenePos) const
    {
        return m_editor->view()->mapFromScene(scenePos);
    }
    QPointF centre(NodeId task) const
    {
        const QSizeF card = m_editor->scene()->cardSize();
        return model()->position(task) + QPointF(card.width() / 2, card.height() / 2);
    }
    /// A real mouse drag on the canvas from one scene point to another.
    void drag(const QPointF &from, const QPointF &to)
    {
        QWidget *vp = m_editor->view()->viewport();
        QTest::mousePress(vp, Qt::LeftButton, {}, viewportPoint(from));
        QTest::mouseMove(vp, viewportPoint((from + to) / 2));
        QTest::mouseMove(vp, viewportPoint(to));
        QTest::mouseRelease(vp, Qt::LeftButton, {}, viewportPoint(to));
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, "tester");
        m_editor = std::make_unique<PipelineEditor>();
        m_editor->setStore(&m_ws->store());
        m_editor->resize(1300, 800);
        m_editor->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_editor.get()));
        m_editor->open(nightly(), Catalog::jobs(m_ws->store().db(), "churn"));
        // Show the cards at full size so that ports are where the mouse goes.
        m_editor->view()->setTransform(QTransform());
        m_editor->view()->centerOn(centre(id("train")));
    }
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
        m_editor.reset();
        m_ws.reset();
        m_dir.reset();
    }

    void openShowsThePipeline()
    {
        QAbstractItemModelTester jobsTester(m_editor->jobListModel());
        QAbstractItemModelTester proxyTester(m_editor->paletteProxy());
        QCOMPARE(model()->taskCount(), 7);
        QCOMPARE(m_editor->scene()->nodeItemCount(), 7);
        QCOMPARE(m_editor->scene()->edgeItemCount(), 7);
        QCOMPARE(m_editor->jobListModel()->rowCount(), 7);
        QCOMPARE(model()->baseVersion(), 1);
        QVERIFY(!m_editor->isModified());
        QVERIFY(m_editor->undoStack()->isClean());
        QVERIFY(m_editor->problemsList()->count() == 0);
        // Laid out left to right by dependency.
        QVERIFY(model()->position(id("extract")).x() < model()->position(id("clean")).x());
        QVERIFY(model()->position(id("clean")).x() < model()->position(id("train")).x());
        QCOMPARE(model()->position(id("clean")).x(), model()->position(id("features")).x());
        // The palette is searchable.
        m_editor->paletteFilter()->setText("CLE");
        QCOMPARE(m_editor->paletteProxy()->rowCount(), 2); // clean, cleanup
        QVERIFY(m_editor->minimap()->isVisible());
    }

    void dropAJobAddsATaskUndoably()
    {
        const QPointF at = m_editor->view()->viewCentre();
        QMimeData mime;
        mime.setData(EditorView::jobMimeType(), "report");
        QDragEnterEvent enter(viewportPoint(at), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(m_editor->view()->viewport(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(viewportPoint(at), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(m_editor->view()->viewport(), &drop);

        const NodeId added = id("report_2");
        QVERIFY(added >= 0);
        QCOMPARE(model()->task(added).job, QStringLiteral("report"));
        QCOMPARE(m_editor->scene()->nodeItemCount(), 8);
        QCOMPARE(m_editor->scene()->selectedTasks(), QList<NodeId> { added });
        QVERIFY(m_editor->isModified());

        m_editor->undoStack()->undo();
        QVERIFY(!model()->hasTask(added));
        QCOMPARE(m_editor->scene()->nodeItemCount(), 7);
        QVERIFY(!m_editor->isModified());
        m_editor->undoStack()->redo();
        QVERIFY(model()->hasTask(added)); // the same id again
        QCOMPARE(m_editor->scene()->nodeItemCount(), 8);

        // A job that is not in the project is refused with a message.
        QCOMPARE(m_editor->addTaskForJob("ghost", at), NodeId(-1));
        QVERIFY(m_editor->message().contains("ghost"));
    }

    void dragFromPortConnects()
    {
        const NodeId extract = id("extract");
        const NodeId report = id("report");
        m_editor->view()->centerOn((centre(extract) + centre(report))
                                   / 2); // both on screen at 100 %
        m_editor->view()->fitGraph();
        m_editor->view()->setTransform(QTransform::fromScale(0.9, 0.9));
        m_editor->view()->centerOn((centre(extract) + centre(report)) / 2);
        auto *source = m_editor->scene()->nodeItem(extract);
        QVERIFY(!model()->hasEdge(extract, report));
        drag(source->outPort(), centre(report));
        QTRY_VERIFY(model()->hasEdge(extract, report));
        QCOMPARE(m_editor->scene()->edgeItemCount(), 8);
        QCOMPARE(m_editor->scene()->selectedEdges().size(), 1);
        QCOMPARE(m_editor->undoStack()->count(), 1);
        m_editor->undoStack()->undo();
        QVERIFY(!model()->hasEdge(extract, report));
        QCOMPARE(m_editor->scene()->edgeItemCount(), 7);
    }

    void cycleIsRefusedWithItsPath()
    {
        const NodeId report = id("report");
        const NodeId features = id("features");
        m_editor->view()->setTransform(QTransform::fromScale(0.8, 0.8));
        m_editor->view()->centerOn((centre(report) + centre(features)) / 2);
        QSignalSpy messages(m_editor.get(), &PipelineEditor::messageShown);
        drag(m_editor->scene()->nodeItem(report)->outPort(), centre(features));
        QTRY_COMPARE(messages.count(), 1);
        QVERIFY2(m_editor->message().contains("report → features → train → report"),
                 qPrintable(m_editor->message()));
        QVERIFY(!model()->hasEdge(report, features));
        QCOMPARE(m_editor->undoStack()->count(), 0);
        // The same rule through the API.
        QVERIFY(!m_editor->requestConnection(id("cleanup"), id("extract")));
        QVERIFY(m_editor->message().contains("dependency cycle"));
    }

    void moveDeleteAndEditUndoRedo()
    {
        const NodeId train = id("train");
        const QPointF before = model()->position(train);
        m_editor->view()->centerOn(centre(train));
        drag(centre(train), centre(train) + QPointF(60, 90));
        QCOMPARE(model()->position(train), before + QPointF(60, 90));
        QCOMPARE(m_editor->undoStack()->count(), 1); // one step for the whole drag
        QVERIFY(!m_editor->isModified()); // positions are not part of the definition

        // Properties: rename and a timeout; the condition of an edge.
        m_editor->scene()->selectTasks({ train });
        TaskPropertiesPanel *panel = m_editor->propertiesPanel();
        QCOMPARE(panel->shownTask(), train);
        panel->nameEdit()->setText("fit");
        Q_EMIT panel->nameEdit()->editingFinished();
        QCOMPARE(model()->taskName(train), QStringLiteral("fit"));
        m_editor->scene()->selectEdge(id("fit"), id("report"));
        panel->conditionCombo()->setCurrentIndex(2);
        Q_EMIT panel->conditionCombo()->activated(2);
        QVERIFY(model()->condition(train, id("report")) == EdgeCondition::Always);

        // Delete the renamed task: its four edges go with it.
        m_editor->scene()->selectTasks({ train });
        m_editor->deleteSelection();
        QVERIFY(!model()->hasTask(train));
        QCOMPARE(model()->edgeCount(), 3);

        QUndoStack *undo = m_editor->undoStack();
        QCOMPARE(undo->count(), 4);
        undo->undo(); // delete
        QVERIFY(model()->hasTask(train));
        QCOMPARE(model()->edgeCount(), 7);
        QVERIFY(model()->condition(train, id("alert")) == EdgeCondition::Failed);
        QVERIFY(model()->condition(train, id("report")) == EdgeCondition::Always);
        undo->undo(); // condition
        undo->undo(); // rename
        undo->undo(); // move
        QCOMPARE(model()->taskName(train), QStringLiteral("train"));
        QCOMPARE(model()->position(train), before);
        QVERIFY(undo->isClean());
        QVERIFY(!m_editor->isModified());
        while (undo->canRedo())
            undo->redo();
        QVERIFY(!model()->hasTask(train));
        QCOMPARE(m_editor->scene()->nodeItemCount(), 6);
        QCOMPARE(m_editor->scene()->edgeItemCount(), 3);
    }

    void copyPaste()
    {
        m_editor->scene()->selectTasks({ id("report"), id("cleanup") });
        m_editor->copySelection();
        m_editor->paste();
        QVERIFY(id("report_2") >= 0);
        QVERIFY(id("cleanup_2") >= 0);
        QVERIFY(model()->condition(id("report_2"), id("cleanup_2")) == EdgeCondition::Always);
        QCOMPARE(model()->taskCount(), 9);
        QCOMPARE(m_editor->scene()->selectedTasks().size(), 2);
        m_editor->undoStack()->undo();
        QCOMPARE(model()->taskCount(), 7);
    }

    void autoLayoutIsUndoable()
    {
        const auto laidOut = model()->positions();
        model()->setPosition(id("extract"), { 900, 900 });
        m_editor->autoLayout();
        QCOMPARE(model()->positions(), laidOut);
        m_editor->undoStack()->undo();
        QCOMPARE(model()->position(id("extract")), QPointF(900, 900));
    }

    void findTask()
    {
        QVERIFY(m_editor->findTask("RAI"));
        QCOMPARE(m_editor->scene()->selectedTasks(), QList<NodeId> { id("train") });
        QVERIFY(!m_editor->findTask("nothing-like-it"));
    }

    void problemsBlockTheSave()
    {
        // A task whose job has gone (as after an archive): listed, click selects, save refused.
        const NodeId clean = id("clean");
        EditorTask t = model()->task(clean);
        t.job = "gone";
        m_editor->undoStack()->push(new QUndoCommand); // anything: the editor is not clean any more
        model()->updateTask(clean, t);
        QTRY_COMPARE(m_editor->problemsList()->count(), 1);
        QVERIFY(m_editor->problemsList()->item(0)->text().contains("unknown job 'gone'"));
        m_editor->scene()->clearSelection();
        m_editor->problemsList()->setCurrentRow(0);
        Q_EMIT m_editor->problemsList()->itemClicked(m_editor->problemsList()->item(0));
        QCOMPARE(m_editor->scene()->selectedTasks(), QList<NodeId> { clean });

        QSignalSpy failed(m_editor.get(), &PipelineEditor::saveFailed);
        m_editor->saveWithMessage("should not land");
        QCOMPARE(failed.count(), 1);
        QCOMPARE(nightly().version, 1);
    }

    void saveCreatesANewVersion()
    {
        QSignalSpy saved(m_editor.get(), &PipelineEditor::saved);
        QSignalSpy failed(m_editor.get(), &PipelineEditor::saveFailed);
        // Nothing changed: refused.
        m_editor->saveWithMessage("no-op");
        QCOMPARE(failed.count(), 1);

        const NodeId added = m_editor->addTaskForJob("report", { 0, 0 });
        QVERIFY(m_editor->requestConnection(id("train"), added));
        m_editor->saveWithMessage("a second report");
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved.first().at(2).toInt(), 2);
        QCOMPARE(model()->baseVersion(), 2);
        QVERIFY(!m_editor->isModified());
        QVERIFY(m_editor->undoStack()->isClean());
        QVERIFY(m_editor->message().contains("version 2"));

        const PipelineInfo now = nightly();
        QCOMPARE(now.version, 2);
        QCOMPARE(now.author, qEnvironmentVariable("BATON_USER", now.author));
        QCOMPARE(now.tasks.size(), 8);
        QVERIFY(Catalog::pipelineSpec(now).sameContent(model()->toSpec()));

        // A stale editor (still on version 1) is refused by core.
        PipelineEditor other;
        other.setStore(&m_ws->store());
        PipelineInfo v1 = now;
        v1.version = 1;
        other.open(v1, Catalog::jobs(m_ws->store().db(), "churn"));
        other.addTaskForJob("notify", { 0, 0 });
        QSignalSpy otherFailed(&other, &PipelineEditor::saveFailed);
        other.saveWithMessage("stale");
        QTRY_COMPARE(otherFailed.count(), 1);
        QVERIFY(otherFailed.first().first().toString().contains("version 2 was stored"));
        QCOMPARE(nightly().version, 2);
    }

    void liveOverlayFollowsARun()
    {
        RunRequest request;
        request.project = "churn";
        request.pipeline = "nightly";
        request.actor = "tester";
        const qint64 runId = RunService::createRun(m_ws->store(), request);
        QSignalSpy updated(m_editor.get(), &PipelineEditor::overlayUpdated);
        m_editor->setOverlayRun(runId);
        QTRY_VERIFY(updated.count() >= 1);
        QCOMPARE(model()->taskState(id("extract")), std::optional<RunState>(RunState::Queued));
        // The picker lists the run.
        m_editor->refreshRuns();
        QTRY_VERIFY(m_editor->overlayCombo()->findData(runId) >= 0);
        // The paint reads the state (the card shows it): render once to exercise that path.
        QImage image(400, 300, QImage::Format_ARGB32);
        QPainter painter(&image);
        m_editor->view()->render(&painter);
        painter.end();
        m_editor->setOverlayRun(0);
        QVERIFY(!model()->hasTaskStates());
    }

    void selectAllSelectsEveryTask()
    {
        // Pipelines → Edit → Fit → click the empty canvas → Ctrl+A, as the crash report had it;
        // again after each added task (another size of the list Select All builds).
        m_editor->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_editor.get()));
        QWidget *vp = m_editor->view()->viewport();
        for (int round = 0; round < 25; ++round) {
            m_editor->view()->fitGraph();
            const QRectF tasks = m_editor->scene()->itemsBoundingRect();
            QTest::mouseClick(vp, Qt::LeftButton, {},
                              viewportPoint(tasks.bottomRight() + QPointF(30, 30)));
            QVERIFY(m_editor->scene()->selectedItems().isEmpty());
            m_editor->view()->setFocus();
            QTest::keyClick(vp, Qt::Key_A, Qt::ControlModifier);
            const std::vector<NodeId> ids = model()->taskIds();
            QCOMPARE(m_editor->scene()->selectedTasks(), QList<NodeId>(ids.begin(), ids.end()));
            m_editor->addTaskForJob("report", tasks.bottomRight());
        }
    }

    void deletingEveryTaskCannotBeSaved()
    {
        // Select all → Delete → Save: the import refuses a pipeline without tasks; so does the
        // editor, with the same words, before anything is written.
        QAction *selectAll = m_editor->findChild<QAction *>("editorSelectAll");
        QVERIFY(selectAll);
        selectAll->trigger();
        m_editor->deleteSelection();
        QCOMPARE(model()->taskCount(), 0);
        QTRY_COMPARE(m_editor->problemsList()->count(), 1);
        QVERIFY2(
            m_editor->problemsList()->item(0)->text().contains("pipeline 'nightly' has no tasks"),
            qPrintable(m_editor->problemsList()->item(0)->text()));
        QSignalSpy failed(m_editor.get(), &PipelineEditor::saveFailed);
        QSignalSpy saved(m_editor.get(), &PipelineEditor::saved);
        m_editor->saveWithMessage("nothing left");
        QCOMPARE(failed.count(), 1);
        QTest::qWait(100);
        QCOMPARE(saved.count(), 0);
        QCOMPARE(nightly().version, 1);
        // One undo brings everything back, and the problem goes.
        m_editor->undoStack()->undo();
        QCOMPARE(model()->taskCount(), 7);
        QTRY_COMPARE(m_editor->problemsList()->count(), 0);
    }

    void emptyTaskNameIsRefusedAloud()
    {
        const NodeId train = id("train");
        m_editor->scene()->selectTasks({ train });
        TaskPropertiesPanel *panel = m_editor->propertiesPanel();
        QSignalSpy messages(m_editor.get(), &PipelineEditor::messageShown);
        panel->nameEdit()->setText("   ");
        Q_EMIT panel->nameEdit()->editingFinished();
        QCOMPARE(messages.count(), 1);
        QVERIFY2(m_editor->message().contains("needs a name"), qPrintable(m_editor->message()));
        QVERIFY(m_editor->isBannerShown());
        QCOMPARE(panel->nameEdit()->text(), QStringLiteral("train")); // shown again, not blank
        QCOMPARE(model()->taskName(train), QStringLiteral("train"));
        QCOMPARE(m_editor->undoStack()->count(), 0);
    }

    void refusalBannerGoesAtTheNextEdit()
    {
        QVERIFY(!m_editor->requestConnection(id("report"), id("features")));
        QVERIFY(m_editor->message().contains("dependency cycle"));
        QVERIFY(m_editor->isBannerShown());
        // A later edit: the cycle named is not about the pipeline as it is now.
        m_editor->addTaskForJob("notify", { 0, 0 });
        QVERIFY(!m_editor->isBannerShown());
        // A success message is not taken away by an edit.
        m_editor->scene()->selectTasks({ id("report") });
        m_editor->copySelection();
        QVERIFY(m_editor->isBannerShown());
        m_editor->addTaskForJob("notify", { 0, 0 });
        QVERIFY(m_editor->isBannerShown());
    }

    void opensAtFullSizeOrFitInTheSizeItIsShownAt()
    {
        // As in the console: the editor is opened while hidden, then shown in the mode's space.
        PipelinesMode mode;
        mode.setStore(&m_ws->store());
        mode.applySnapshot(Catalog::snapshot(m_ws->store().db()));
        mode.resize(1500, 950);
        mode.show();
        QVERIFY(QTest::qWaitForWindowExposed(&mode));
        QVERIFY(mode.selectItem({ ProjectTreeModel::Kind::Pipeline, "churn", "nightly" }));
        QVERIFY(mode.openEditor());
        EditorView *view = mode.editor()->view();
        QTRY_VERIFY(view->isVisible());
        QTest::qWait(50);
        const QRectF bounds
            = mode.editor()->scene()->itemsBoundingRect().adjusted(-24, -24, 24, 24);
        const qreal fit = std::min(view->viewport()->width() / bounds.width(),
                                   view->viewport()->height() / bounds.height());
        QVERIFY2(view->viewport()->width() > 600, "the canvas should have the mode's room");
        // 100 % when the pipeline fits at 100 %, else just small enough to fit.
        QVERIFY2(qAbs(view->zoom() - std::min<qreal>(1.0, fit)) < 0.01,
                 qPrintable(QStringLiteral("zoom %1, expected %2").arg(view->zoom()).arg(fit)));
        QVERIFY(view->visibleSceneRect().contains(mode.editor()->scene()->itemsBoundingRect()));
    }

    void ctrlZeroFitsTheEditorInTheConsole()
    {
        // The main window's View → Fit Graph and the editor used to both bind Ctrl+0: Qt called
        // it ambiguous and did nothing. Ctrl+F (find a task) the same with Filter Project Tree.
        QTest::failOnWarning(QRegularExpression(QStringLiteral("Ambiguous shortcut")));
        MainWindow w(m_ws.get());
        w.setPollInterval(0);
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.pipelinesMode()->selectItem({ ProjectTreeModel::Kind::Pipeline, "churn", "nightly" }),
            10000);
        QVERIFY(w.pipelinesMode()->openEditor());
        PipelineEditor *editor = w.pipelinesMode()->editor();
        EditorView *view = editor->view();
        QTRY_VERIFY(view->isVisible());
        const qreal opened = view->zoom();
        view->setTransform(QTransform::fromScale(0.2, 0.2));
        view->setFocus();
        QTest::keyClick(view->viewport(), Qt::Key_0, Qt::ControlModifier);
        QVERIFY2(qAbs(view->zoom() - opened) < 0.01,
                 qPrintable(QStringLiteral("zoom %1 after Ctrl+0").arg(view->zoom())));
        QTest::keyClick(view->viewport(), Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(view->zoom() < opened); // the editor's canvas, not the hidden graph
        QTest::keyClick(view->viewport(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(editor->searchEdit()->hasFocus());
        QVERIFY(w.pipelinesMode()->closeEditor(true));
    }

    void pipelinesModeOpensAndClosesTheEditor()
    {
        PipelinesMode mode;
        mode.setStore(&m_ws->store());
        mode.applySnapshot(Catalog::snapshot(m_ws->store().db()));
        QVERIFY(mode.selectItem({ ProjectTreeModel::Kind::Pipeline, "churn", "nightly" }));
        QVERIFY(mode.editAction()->isEnabled());
        QVERIFY(mode.openEditor());
        QVERIFY(mode.isEditing());
        QVERIFY(!mode.editAction()->isEnabled());
        QCOMPARE(mode.editor()->model()->taskCount(), 7);
        QVERIFY(mode.closeEditor(true));
        QVERIFY(!mode.isEditing());
        QVERIFY(mode.isTreeVisible());
    }
};

QTEST_MAIN(TestPipelineEditor)
#include "tst_pipelineeditor.moc"
