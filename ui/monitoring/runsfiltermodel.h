#pragma once

#include "model/runstate.h"

#include <QSet>
#include <QSortFilterProxyModel>
#include <QString>

namespace Baton::Ui {

/// Filters and sorts a RunsTableModel for the Monitor's runs table. Every filter is optional
/// (empty / 0 means "any") and they combine with AND. Sorting uses RunsTableModel::SortRole, so
/// times, durations and progress sort by value, not by their text.
class RunsFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RunsFilterModel(QObject *parent = nullptr);

    /// What the Monitor's panels show: runs of which an attempt really runs, or live runs of
    /// which nothing runs (queued, or waiting for places: RunRow::working, core's rule).
    enum class Activity { Any, Working, Waiting };

    QString project() const { return m_project; }
    QString pipeline() const { return m_pipeline; }
    QString environment() const { return m_environment; }
    QSet<RunState> states() const { return m_states; }
    qint64 from() const { return m_from; }
    qint64 to() const { return m_to; }
    QString text() const { return m_text; }
    QSet<QString> reviewStates() const { return m_reviewStates; }
    bool finishedOnly() const { return m_finishedOnly; }
    Activity activity() const { return m_activity; }

public Q_SLOTS:
    /// Exact project name; empty: any.
    void setProject(const QString &project);
    /// Exact pipeline name (within the project filter, if any); empty: any.
    void setPipeline(const QString &pipeline);
    void setEnvironment(const QString &environment);
    /// Run states; empty: any.
    void setStates(const QSet<RunState> &states);
    /// Keeps runs whose lifetime (queued → finished, or still open) overlaps [from, to], in
    /// ms UTC; 0 leaves that side open. "Last hour" is setTimeRange(now - 3600000, 0).
    void setTimeRange(qint64 from, qint64 to);
    /// Case-insensitive words, each found in the run id (#42 or 42), project/pipeline,
    /// environment, state, trigger or requester.
    void setText(const QString &text);
    /// Review states (pending, approved, rejected); empty: any.
    void setReviewStates(const QSet<QString> &states);
    /// Only runs in a terminal state (the ones a data steward can sign off).
    void setFinishedOnly(bool finishedOnly);
    void setActivity(Activity activity);
    /// Clears the filter bar's filters (not the review scope set above).
    void clearFilters();

Q_SIGNALS:
    void filtersChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void refilter();

    QString m_project;
    QString m_pipeline;
    QString m_environment;
    QSet<RunState> m_states;
    qint64 m_from = 0;
    qint64 m_to = 0;
    QString m_text;
    QStringList m_words;
    QSet<QString> m_reviewStates;
    bool m_finishedOnly = false;
    Activity m_activity = Activity::Any;
};

} // namespace Baton::Ui
