// The command palette (Ctrl+K): fuzzy matching, keyboard navigation, what Enter performs, the
// workspace read off the GUI thread; and Help → Keyboard Shortcuts generated from the actions.
#include "engine/runservice.h"
#include "mainwindow/documenttabs.h"
#include "mainwindow/mainwindow.h"
#include "palette/commandpalette.h"
#include "palette/fuzzymatch.h"
#include "palette/palettecontroller.h"
#include "palette/shortcutsdialog.h"
#include "pipelines/pipelinesmode.h"
#include "pipelines/projecttreemodel.h"
#include "runs/rundetailview.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace Baton;
using namespace Baton::Ui;

class TestCommandPalette : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_settings;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    qint64 m_run = 0;

    std::unique_ptr<MainWindow> window()
    {
        auto w = std::make_unique<MainWindow>(m_ws.get());
        w->resize(1200, 800);
        w->show();
        return w;
    }
    CommandPalette *openLoaded(MainWindow &w)
    {
        PaletteController *c = w.paletteController();
        QSignalSpy loaded(c, &PaletteController::catalogLoaded);
        c->paletteAction()->trigger();
        if (!loaded.wait(10000))
            return nullptr;
        return c->palette();
    }
    void type(CommandPalette *p, const QString &text)
    {
        p->searchEdit()->clear();
        QTest::keyClicks(p->searchEdit(), text);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }
    void init()
    {
        qputenv("BATON_USER", "dana");
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject(), UiTest::inventoryProject() },
                             QStringLiteral("tester"));
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        for (int i = 0; i < 3; ++i)
            m_run = RunService::createRun(m_ws->store(), r);
    }
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
        m_ws.reset();
    }

    void fuzzyMatching_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("matches");
        QTest::newRow("subsequence") << "rnpl"
                                     << "Run Pipeline" << true;
        QTest::newRow("case-insensitive") << "NIGHTLY"
                                          << "nightly" << true;
        QTest::newRow("out of order") << "lpr"
                                      << "Run Pipeline" << false;
        QTest::newRow("missing letter") << "nightlyx"
                                        << "nightly" << false;
        QTest::newRow("empty pattern") << ""
                                       << "anything" << true;
        QTest::newRow("empty text") << "a"
                                    << "" << false;
        QTest::newRow("unicode") << "ré"
                                 << "Référence" << true;
    }
    void fuzzyMatching()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, text);
        QFETCH(bool, matches);
        QCOMPARE(fuzzyScore(pattern, text) >= 0, matches);
    }

    void betterMatchesRankFirst()
    {
        // A prefix beats word starts, which beat scattered letters.
        QVERIFY(fuzzyScore(QStringLiteral("rep"), QStringLiteral("report"))
                > fuzzyScore(QStringLiteral("rep"), QStringLiteral("Run Extract Pipeline")));
        QVERIFY(fuzzyScore(QStringLiteral("rp"), QStringLiteral("Run Pipeline"))
                > fuzzyScore(QStringLiteral("rp"), QStringLiteral("sharpen")));
        QList<int> at;
        QVERIFY(fuzzyScore(QStringLiteral("rp"), QStringLiteral("Run Pipeline"), &at) > 0);
        QCOMPARE(at, QList<int>({ 0, 4 })); // the two word starts
        QCOMPARE(fuzzyQueryScore(QStringLiteral("churn night"), QStringLiteral("churn/nightly"))
                     > 0,
                 true);
        QCOMPARE(fuzzyQueryScore(QStringLiteral("churn stock"), QStringLiteral("churn/nightly")),
                 -1);
    }

    void findsEveryKindOfThing()
    {
        auto w = window();
        CommandPalette *p = openLoaded(*w);
        QVERIFY(p);
        QVERIFY(p->isVisible());
        QAbstractItemModelTester tester(p->model());
        QSet<PaletteItem::Kind> kinds;
        for (int r = 0; r < p->model()->rowCount(); ++r)
            kinds.insert(p->model()->itemAt(r).kind);
        QCOMPARE(kinds.size(), 6); // actions, modes, projects, pipelines, jobs, runs
        type(p, QStringLiteral("nightl"));
        QCOMPARE(p->model()->itemAt(0).title, QStringLiteral("nightly"));
        QCOMPARE(p->model()->itemAt(0).kind, PaletteItem::Kind::Pipeline);
        type(p, QStringLiteral("run pip"));
        QCOMPARE(p->model()->itemAt(0).title, QStringLiteral("Run Pipeline…"));
        QCOMPARE(p->model()->itemAt(0).kind, PaletteItem::Kind::Action);
        QCOMPARE(p->model()->itemAt(0).shortcut,
                 QKeySequence(Qt::CTRL | Qt::Key_R).toString(QKeySequence::NativeText));
        type(p, QStringLiteral("revi"));
        QCOMPARE(p->model()->itemAt(0).kind, PaletteItem::Kind::Mode);
        QCOMPARE(p->model()->itemAt(0).title, QStringLiteral("Review"));
        type(p, QStringLiteral("zzzzqq"));
        QCOMPARE(p->model()->rowCount(), 0);
        type(p, QStringLiteral("#%1").arg(m_run));
        QCOMPARE(p->model()->itemAt(0).runId, m_run);
    }

    // A disabled item (an action that does not apply now) cannot be current: the keys go on
    // past it. They used to aim at it and leave the current row where it was — PageDown
    // "doing nothing" whenever the page ended on a disabled action (the flaky check above).
    void keysStepOverDisabledItems()
    {
        QWidget window;
        window.resize(900, 700);
        window.show();
        CommandPalette p(&window);
        QList<PaletteItem> items;
        for (int i = 0; i < 30; ++i) {
            PaletteItem item;
            item.title = QStringLiteral("item %1").arg(i);
            item.enabled = i % 3 != 1 && i < 28; // 1, 4, 7, … and the last two are disabled
            items << item;
        }
        p.model()->setItems(items);
        p.popUp();
        QCOMPARE(p.listView()->currentIndex().row(), 0);
        const auto press = [&](Qt::Key key) {
            QTest::keyClick(p.searchEdit(), key);
            return p.listView()->currentIndex().row();
        };
        QCOMPARE(press(Qt::Key_Down), 2);
        QCOMPARE(press(Qt::Key_Down), 3);
        QCOMPARE(press(Qt::Key_Down), 5);
        QCOMPARE(press(Qt::Key_Up), 3);
        QCOMPARE(press(Qt::Key_Up), 2);
        QCOMPARE(press(Qt::Key_Up), 0);
        QCOMPARE(press(Qt::Key_Up), 0);
        int row = press(Qt::Key_PageDown);
        QVERIFY2(row > 0 && p.model()->itemAt(row).enabled, qPrintable(QString::number(row)));
        for (int i = 0; i < 10; ++i)
            row = press(Qt::Key_PageDown);
        QCOMPARE(row, 27); // the last enabled one: nothing enabled after it
        QCOMPARE(press(Qt::Key_Down), 27);
        row = press(Qt::Key_PageUp);
        QVERIFY(row < 27 && p.model()->itemAt(row).enabled);
    }

    void keyboardNavigationAndEnterPerform()
    {
        auto w = window();
        CommandPalette *p = openLoaded(*w);
        QVERIFY(p);
        // Enter on a mode switches to it.
        type(p, QStringLiteral("releases"));
        QCOMPARE(p->listView()->currentIndex().row(), 0);
        QTest::keyClick(p->searchEdit(), Qt::Key_Return);
        QVERIFY(!p->isVisible());
        QCOMPARE(w->currentMode(), QStringLiteral("Releases"));

        // Down moves to the next match; Enter performs that one.
        p = openLoaded(*w);
        QVERIFY(p);
        type(p, QStringLiteral("extract"));
        QVERIFY(p->model()->rowCount() >= 1);
        QCOMPARE(p->model()->itemAt(0).kind, PaletteItem::Kind::Job);
        type(p, QStringLiteral("churn")); // the project, then its pipelines' and jobs' details
        QVERIFY(p->model()->rowCount() >= 2);
        QCOMPARE(p->model()->itemAt(0).kind, PaletteItem::Kind::Project);
        QTest::keyClick(p->searchEdit(), Qt::Key_Down);
        QCOMPARE(p->listView()->currentIndex().row(), 1);
        QTest::keyClick(p->searchEdit(), Qt::Key_Up);
        QTest::keyClick(p->searchEdit(), Qt::Key_Up); // stays on the first
        QCOMPARE(p->listView()->currentIndex().row(), 0);
        QTest::keyClick(p->searchEdit(), Qt::Key_PageDown);
        QVERIFY(p->listView()->currentIndex().row() > 0);
        type(p, QStringLiteral("nightly"));
        QTest::keyClick(p->searchEdit(), Qt::Key_Enter);
        QCOMPARE(w->currentMode(), QStringLiteral("Pipelines"));
        QCOMPARE(w->pipelinesMode()->currentKey().toString(),
                 QStringLiteral("pipeline:churn/nightly"));

        // #N opens the run as a tab.
        p = openLoaded(*w);
        type(p, QStringLiteral("#%1").arg(m_run));
        QTest::keyClick(p->searchEdit(), Qt::Key_Return);
        QVERIFY(w->documentTabs()->runView(m_run));

        // An action: Enter triggers it.
        p = openLoaded(*w);
        type(p, QStringLiteral("refresh"));
        QCOMPARE(p->model()->itemAt(0).kind, PaletteItem::Kind::Action);
        QPointer<QAction> refresh = p->model()->itemAt(0).action;
        QVERIFY(refresh);
        QCOMPARE(refresh->shortcut(), QKeySequence(Qt::Key_F5));
        QSignalSpy triggered(refresh.data(), &QAction::triggered);
        QTest::keyClick(p->searchEdit(), Qt::Key_Return);
        QCOMPARE(triggered.size(), 1);

        // Escape closes without doing anything.
        p = openLoaded(*w);
        type(p, QStringLiteral("monitor"));
        QTest::keyClick(p->searchEdit(), Qt::Key_Escape);
        QVERIFY(!p->isVisible());
        QCOMPARE(w->currentMode(), QStringLiteral("Pipelines"));
    }

    void anOlderRunIsLookedUpAndAMissingOneSaysSo()
    {
        auto w = window();
        CommandPalette *p = openLoaded(*w);
        QVERIFY(p);
        // No such run: said so, nothing to perform.
        QSignalSpy looked(w->paletteController(), &PaletteController::runLookedUp);
        type(p, QStringLiteral("#999")); // typed: #9 and #99 are looked up on the way
        const auto answer = [&](qint64 id) {
            for (const QList<QVariant> &args : std::as_const(looked)) {
                if (args.at(0).toLongLong() == id)
                    return args.at(1).toBool() ? 1 : 0;
            }
            return -1;
        };
        QTRY_VERIFY(answer(999) >= 0);
        QCOMPARE(answer(999), 0);
        QCOMPARE(p->model()->rowCount(), 1);
        QVERIFY(!p->model()->itemAt(0).enabled);
        QVERIFY(p->model()->itemAt(0).detail.contains(QStringLiteral("no run 999")));
        const int tabs = w->documentTabs()->documentCount();
        QTest::keyClick(p->searchEdit(), Qt::Key_Return); // nothing to perform
        QCOMPARE(w->documentTabs()->documentCount(), tabs);
        p->hide();

        // A run older than the loaded ones: found by its id, off the GUI thread.
        RunRequest r;
        r.project = QStringLiteral("inventory");
        r.pipeline = QStringLiteral("hourly");
        for (int i = 0; i < PaletteController::RecentRuns + 2; ++i)
            RunService::createRun(m_ws->store(), r);
        p = openLoaded(*w);
        QVERIFY(!p->model()->hasRun(1));
        looked.clear();
        type(p, QStringLiteral("#1"));
        QTRY_VERIFY(answer(1) >= 0);
        QCOMPARE(answer(1), 1);
        QTRY_COMPARE(p->model()->itemAt(0).runId, 1);
        QVERIFY(p->model()->itemAt(0).title.contains(QStringLiteral("churn/nightly")));
    }

    void keyboardShortcutsListEveryShortcut()
    {
        auto w = window();
        // Every shortcut of the menus is there, with its menu.
        QList<ShortcutEntry> entries = ShortcutsDialog::collect(w.get());
        QSet<QString> keys;
        for (const ShortcutEntry &e : entries)
            keys.insert(e.keys + QLatin1Char('|') + e.name);
        for (QAction *menu : w->menuBar()->actions()) {
            for (QAction *a : menu->menu()->actions()) {
                if (a->shortcut().isEmpty())
                    continue;
                QString name = a->text();
                name.remove(QLatin1Char('&')).remove(QChar(0x2026));
                QVERIFY2(keys.contains(a->shortcut().toString(QKeySequence::NativeText)
                                       + QLatin1Char('|') + name.trimmed()),
                         qPrintable(a->text()));
            }
        }
        QVERIFY(keys.contains(QStringLiteral("Ctrl+K|Command Palette")));
        // Shortcuts of the modes' own widgets too, named and placed.
        bool approve = false;
        for (const ShortcutEntry &e : entries) {
            if (e.name == QLatin1String("Approve") && e.where == QLatin1String("Review")) {
                approve = e.keys == QStringLiteral("Ctrl+Shift+A")
                    && e.when.contains(QStringLiteral("review panel"));
            }
            QVERIFY2(!e.name.isEmpty(), qPrintable(e.keys));
        }
        QVERIFY(approve);

        // Generated, not written down: a shortcut added later is listed; one removed is not.
        auto *added = new QAction(QStringLiteral("Frobnicate"), w.get());
        added->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_J));
        w->addAction(added);
        w->paletteController()->shortcutsAction()->trigger();
        ShortcutsDialog *dialog = w->paletteController()->shortcutsDialog();
        QVERIFY(dialog);
        QList<QTreeWidgetItem *> found
            = dialog->table()->findItems(QStringLiteral("Frobnicate"), Qt::MatchExactly, 1);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first()->text(0), QStringLiteral("Ctrl+Alt+J"));
        dialog->filterEdit()->setText(QStringLiteral("ctrl+alt+j"));
        int shown = 0;
        for (int i = 0; i < dialog->table()->topLevelItemCount(); ++i)
            shown += dialog->table()->topLevelItem(i)->isHidden() ? 0 : 1;
        QCOMPARE(shown, 1);
        dialog->close();
        delete added;
        for (const ShortcutEntry &e : ShortcutsDialog::collect(w.get()))
            QVERIFY(e.name != QLatin1String("Frobnicate"));
    }
};

QTEST_MAIN(TestCommandPalette)
#include "tst_commandpalette.moc"
