#include "monitoring/runsfiltermodel.h"
#include "monitoring/runstablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Baton;
using Baton::Ui::RunsFilterModel;
using Baton::Ui::RunsTableModel;

namespace {

constexpr qint64 kT0 = 1'700'000'000'000; // a fixed clock: no test depends on the wall time

RunRow makeRun(qint64 id, const QString &state = QStringLiteral("succeeded"),
               const QString &project = QStringLiteral("churn"),
               const QString &pipeline = QStringLiteral("nightly"),
               const QString &environment = QStringLiteral("dev"))
{
    RunRow r;
    r.id = id;
    r.project = project;
    r.pipeline = pipeline;
    r.pipelineVersion = 3;
    r.environment = environment;
    r.state = parseRunState(state, id);
    r.trigger = QStringLiteral("schedule");
    r.requestedBy = QStringLiteral("alice");
    r.createdAt = kT0 + id * 60'000; // one run a minute
    QMap<QString, int> tasks;
    if (state == QLatin1String("queued")) {
        tasks.insert(QStringLiteral("queued"), 4);
    } else {
        r.startedAt = r.createdAt + 1000;
        if (state == QLatin1String("running")) {
            tasks.insert(QStringLiteral("succeeded"), 1);
            tasks.insert(QStringLiteral("running"), 1);
            tasks.insert(QStringLiteral("queued"), 2);
        } else {
            r.finishedAt = r.startedAt + 65'000;
            tasks.insert(state, 4);
        }
    }
    // Its active time as the monitor reads it (core's Durations): one attempt over its span.
    if (r.startedAt > 0)
        r.active = Durations::runClock({ { r.startedAt, r.finishedAt } });
    r.tasks = TaskCounts::fromStates(tasks);
    r.derive();
    return r;
}

QList<RunRow> makeRuns(qint64 firstId, int count,
                       const QString &state = QStringLiteral("succeeded"))
{
    QList<RunRow> rows;
    for (int i = 0; i < count; ++i)
        rows << makeRun(firstId + i, state);
    return rows;
}

RunsDelta resetWith(const QList<RunRow> &rows)
{
    RunsDelta d;
    d.reset = true;
    d.added = rows;
    return d;
}

QList<qint64> idsInOrder(const QAbstractItemModel &model)
{
    QList<qint64> ids;
    for (int r = 0; r < model.rowCount(); ++r)
        ids << model.index(r, 0).data(RunsTableModel::RunIdRole).toLongLong();
    return ids;
}

} // namespace

class TestRunsTableModel : public QObject
{
    Q_OBJECT
private:
    RunsTableModel *m_model = nullptr;
    RunsFilterModel *m_filter = nullptr;

private Q_SLOTS:
    void init()
    {
        m_model = new RunsTableModel(this);
        m_model->setNow(kT0);
        m_filter = new RunsFilterModel(this);
        m_filter->setSourceModel(m_model);
        m_filter->sort(RunsTableModel::DurationColumn, Qt::DescendingOrder);
        new QAbstractItemModelTester(m_model, QAbstractItemModelTester::FailureReportingMode::Fatal,
                                     m_model);
        new QAbstractItemModelTester(
            m_filter, QAbstractItemModelTester::FailureReportingMode::Fatal, m_filter);
    }
    void cleanup()
    {
        delete m_filter;
        delete m_model;
    }

    void resetOrdersNewestFirst()
    {
        QSignalSpy resets(m_model, &QAbstractItemModel::modelReset);
        m_model->applyDelta(resetWith({ makeRun(2), makeRun(7), makeRun(5) }));
        QCOMPARE(resets.size(), 1);
        QCOMPARE(idsInOrder(*m_model), QList<qint64>({ 7, 5, 2 }));
        QCOMPARE(m_model->rowOf(5), 1);
        QCOMPARE(m_model->rowOf(99), -1);
        QCOMPARE(m_model->columnCount(), int(RunsTableModel::ColumnCount));

        // A second reset replaces everything.
        m_model->applyDelta(resetWith({ makeRun(11) }));
        QCOMPARE(idsInOrder(*m_model), QList<qint64>({ 11 }));
        QCOMPARE(m_model->rowOf(7), -1);
        QCOMPARE(m_filter->rowCount(), 1);
    }

    void displayComesFromTheRow()
    {
        RunRow running = makeRun(42, QStringLiteral("running"));
        RunRow timedOut = makeRun(41, QStringLiteral("timed_out"));
        m_model->applyDelta(resetWith({ running, timedOut }));
        const auto text = [this](int row, int column) {
            return m_model->index(row, column).data().toString();
        };
        QCOMPARE(text(0, RunsTableModel::RunColumn), QStringLiteral("#42"));
        QCOMPARE(text(0, RunsTableModel::PipelineColumn), QStringLiteral("churn/nightly"));
        QCOMPARE(text(0, RunsTableModel::VersionColumn), QStringLiteral("v3"));
        QCOMPARE(text(0, RunsTableModel::EnvironmentColumn), QStringLiteral("dev"));
        QCOMPARE(text(0, RunsTableModel::TriggerColumn), QStringLiteral("schedule"));
        QCOMPARE(text(0, RunsTableModel::ProgressColumn), QStringLiteral("25%"));
        QCOMPARE(text(0, RunsTableModel::TasksColumn),
                 QStringLiteral("1/4 · 1 running · 2 queued"));
        QCOMPARE(text(1, RunsTableModel::StateColumn), QStringLiteral("timed out"));
        QCOMPARE(toString(m_model->index(1, 0).data(RunsTableModel::StateRole).value<RunState>()),
                 QStringLiteral("timed_out"));
        QCOMPARE(text(1, RunsTableModel::DurationColumn), QStringLiteral("1m 05s"));
        QCOMPARE(text(1, RunsTableModel::TasksColumn), QStringLiteral("4/4 · 4 failed"));
        QCOMPARE(m_model->index(1, RunsTableModel::DurationColumn)
                     .data(RunsTableModel::SortRole)
                     .toLongLong(),
                 65'000);
        QCOMPARE(m_model->index(1, 0).data(RunsTableModel::RunRowRole).value<RunRow>(), timedOut);

        // Running durations run to the model's clock; one dataChanged moves them all.
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        m_model->setNow(running.startedAt + 3 * 3600'000 + 5 * 60'000);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex(),
                 m_model->index(0, RunsTableModel::DurationColumn));
        QCOMPARE(changed.at(0).at(1).toModelIndex(),
                 m_model->index(0, RunsTableModel::DurationColumn));
        QCOMPARE(text(0, RunsTableModel::DurationColumn), QStringLiteral("3h 05m"));
        QCOMPARE(text(1, RunsTableModel::DurationColumn), QStringLiteral("1m 05s"));
    }

    void fiveHundredAddedRowsAreOneInsert()
    {
        m_model->applyDelta(resetWith(makeRuns(1, 10)));
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
        RunsDelta d;
        d.added = makeRuns(11, 500, QStringLiteral("queued"));
        std::reverse(d.added.begin(), d.added.end()); // as the monitor sends them: newest first
        m_model->applyDelta(d);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 499);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(m_model->rowCount(), 510);
        QCOMPARE(m_filter->rowCount(), 510);
        QCOMPARE(m_model->runAt(0).id, 510);
        QCOMPARE(m_model->runAt(499).id, 11);
        QCOMPARE(m_model->runAt(500).id, 10);
        QCOMPARE(m_model->rowOf(10), 500);
        QCOMPARE(m_model->rowOf(250), 260);
    }

    void threeHundredUpdatesAreOneDataChanged()
    {
        m_model->applyDelta(resetWith(makeRuns(1, 1000, QStringLiteral("running"))));
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        RunsDelta d;
        for (int i = 0; i < 300; ++i) // ids 100, 103, …, 997: rows 900 down to 3
            d.updated << makeRun(100 + 3 * i, QStringLiteral("failed"));
        d.updated << makeRun(5000, QStringLiteral("failed")); // unknown: ignored
        m_model->applyDelta(d);
        QCOMPARE(changed.size(), 1);
        const QModelIndex topLeft = changed.at(0).at(0).toModelIndex();
        const QModelIndex bottomRight = changed.at(0).at(1).toModelIndex();
        QCOMPARE(topLeft.row(), m_model->rowOf(997));
        QCOMPARE(topLeft.column(), 0);
        QCOMPARE(bottomRight.row(), m_model->rowOf(100));
        QCOMPARE(bottomRight.column(), RunsTableModel::ColumnCount - 1);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(m_model->rowCount(), 1000);
        QCOMPARE(toString(m_model->runAt(m_model->rowOf(103)).state), QStringLiteral("failed"));
        QCOMPARE(toString(m_model->runAt(m_model->rowOf(104)).state), QStringLiteral("running"));
        QCOMPARE(m_model->countsByState().value(RunState::Failed), 300);
        QCOMPARE(m_model->countsByState().value(RunState::Running), 700);
    }

    void removalsAreGroupedByRange()
    {
        m_model->applyDelta(resetWith(makeRuns(1, 20)));
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        RunsDelta d;
        d.removed = { 20, 19, 18, 10, 3, 2, 1, 77 }; // three ranges and an unknown id
        m_model->applyDelta(d);
        QCOMPARE(removed.size(), 3);
        QCOMPARE(m_model->rowCount(), 13);
        QCOMPARE(idsInOrder(*m_model),
                 QList<qint64>({ 17, 16, 15, 14, 13, 12, 11, 9, 8, 7, 6, 5, 4 }));
        // The index follows the rows that moved.
        for (int row = 0; row < m_model->rowCount(); ++row)
            QCOMPARE(m_model->rowOf(m_model->runAt(row).id), row);
    }

    void mixedDeltaAppliesInOrder()
    {
        m_model->applyDelta(resetWith(makeRuns(1, 5, QStringLiteral("running"))));
        QSignalSpy inserted(m_model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(m_model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(m_model, &QAbstractItemModel::dataChanged);
        RunsDelta d;
        d.removed = { 1 }; // evicted
        d.added = { makeRun(7, QStringLiteral("queued")), makeRun(6, QStringLiteral("queued")) };
        d.updated = { makeRun(4, QStringLiteral("succeeded")) };
        m_model->applyDelta(d);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(idsInOrder(*m_model), QList<qint64>({ 7, 6, 5, 4, 3, 2 }));
        QCOMPARE(toString(m_model->runAt(3).state), QStringLiteral("succeeded"));
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 3);
        QCOMPARE(m_filter->rowCount(), 6);
    }

    void filters()
    {
        RunRow a = makeRun(1, QStringLiteral("succeeded"), QStringLiteral("churn"),
                           QStringLiteral("nightly"), QStringLiteral("prod"));
        RunRow b = makeRun(2, QStringLiteral("failed"), QStringLiteral("churn"),
                           QStringLiteral("weekly"), QStringLiteral("dev"));
        RunRow c = makeRun(3, QStringLiteral("running"), QStringLiteral("inventory"),
                           QStringLiteral("hourly"), QStringLiteral("prod"));
        RunRow d = makeRun(4, QStringLiteral("queued"), QStringLiteral("inventory"),
                           QStringLiteral("hourly"), QStringLiteral("staging"));
        d.requestedBy = QStringLiteral("bob");
        m_model->applyDelta(resetWith({ a, b, c, d }));
        m_filter->sort(RunsTableModel::RunColumn, Qt::AscendingOrder);
        QSignalSpy changed(m_filter, &RunsFilterModel::filtersChanged);

        m_filter->setProject(QStringLiteral("churn"));
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 1, 2 }));
        m_filter->setPipeline(QStringLiteral("weekly"));
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 2 }));
        m_filter->setProject({});
        m_filter->setPipeline({});
        m_filter->setEnvironment(QStringLiteral("prod"));
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 1, 3 }));
        m_filter->setEnvironment({});

        m_filter->setStates({ RunState::Running, RunState::Queued });
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 3, 4 }));
        m_filter->setStates({});

        m_filter->setText(QStringLiteral("BOB"));
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 4 }));
        m_filter->setText(QStringLiteral("churn/week"));
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 2 }));
        m_filter->setText(QStringLiteral("#3"));
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 3 }));
        m_filter->setText(QStringLiteral("inventory prod")); // every word must match
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 3 }));
        m_filter->setText({});

        // Lifetimes: run n is queued at kT0 + n min, starts 1 s later, ends 65 s after that;
        // 3 and 4 have not finished.
        m_filter->setTimeRange(kT0 + 2 * 60'000 + 30'000, 0); // from mid-run-2 on
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 2, 3, 4 }));
        m_filter->setTimeRange(0, kT0 + 2 * 60'000 - 1); // up to just before run 2 was queued
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 1 }));
        m_filter->setTimeRange(kT0 + 2 * 60'000 + 70'000, kT0 + 3 * 60'000 + 30'000);
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 3 }));

        // Filters hold while deltas arrive.
        RunsDelta more;
        more.added = { makeRun(5, QStringLiteral("running")) };
        more.updated = { makeRun(3, QStringLiteral("succeeded")) };
        m_model->applyDelta(more);
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 3 })); // 5 starts after the range
        m_filter->clearFilters();
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 1, 2, 3, 4, 5 }));
        QVERIFY(changed.size() >= 10);

        const QMap<RunState, int> counts = m_model->countsByState();
        QCOMPARE(counts.value(RunState::Succeeded), 2);
        QCOMPARE(counts.value(RunState::Failed), 1);
        QCOMPARE(counts.value(RunState::Queued), 1);
        QCOMPARE(counts.value(RunState::Running), 1);
        QCOMPARE(counts.size(), 4);
    }

    void sortsByRawValues()
    {
        RunRow longRun = makeRun(1);
        longRun.finishedAt = longRun.startedAt + 3600'000; // 1 h
        longRun.active = Durations::runClock({ { longRun.startedAt, longRun.finishedAt } });
        RunRow shortRun = makeRun(2);
        shortRun.finishedAt = shortRun.startedAt + 9'000; // 9 s: "9s" sorts after "1h 00m" as text
        shortRun.active = Durations::runClock({ { shortRun.startedAt, shortRun.finishedAt } });
        m_model->applyDelta(resetWith({ longRun, shortRun, makeRun(3) }));
        m_filter->sort(RunsTableModel::DurationColumn, Qt::AscendingOrder);
        QCOMPARE(idsInOrder(*m_filter), QList<qint64>({ 2, 3, 1 }));
    }
};

QTEST_MAIN(TestRunsTableModel)
#include "tst_runstablemodel.moc"
