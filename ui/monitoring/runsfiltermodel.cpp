#include "runsfiltermodel.h"

#include "runstablemodel.h"

#include <limits>

namespace Baton::Ui {

RunsFilterModel::RunsFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RunsTableModel::SortRole);
    setDynamicSortFilter(true);
}

void RunsFilterModel::refilter()
{
    invalidateFilter();
    Q_EMIT filtersChanged();
}

void RunsFilterModel::setProject(const QString &project)
{
    if (project == m_project)
        return;
    m_project = project;
    refilter();
}

void RunsFilterModel::setPipeline(const QString &pipeline)
{
    if (pipeline == m_pipeline)
        return;
    m_pipeline = pipeline;
    refilter();
}

void RunsFilterModel::setEnvironment(const QString &environment)
{
    if (environment == m_environment)
        return;
    m_environment = environment;
    refilter();
}

void RunsFilterModel::setStates(const QSet<RunState> &states)
{
    if (states == m_states)
        return;
    m_states = states;
    refilter();
}

void RunsFilterModel::setTimeRange(qint64 from, qint64 to)
{
    if (from == m_from && to == m_to)
        return;
    m_from = from;
    m_to = to;
    refilter();
}

void RunsFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_words = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    refilter();
}

void RunsFilterModel::setReviewStates(const QSet<QString> &states)
{
    if (states == m_reviewStates)
        return;
    m_reviewStates = states;
    refilter();
}

void RunsFilterModel::setFinishedOnly(bool finishedOnly)
{
    if (finishedOnly == m_finishedOnly)
        return;
    m_finishedOnly = finishedOnly;
    refilter();
}

void RunsFilterModel::clearFilters()
{
    m_project.clear();
    m_pipeline.clear();
    m_environment.clear();
    m_states.clear();
    m_from = 0;
    m_to = 0;
    m_text.clear();
    m_words.clear();
    refilter();
}

void RunsFilterModel::setActivity(Activity activity)
{
    if (m_activity == activity)
        return;
    m_activity = activity;
    refilter();
}

bool RunsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QVariant value = index.data(RunsTableModel::RunRowRole);
    if (!value.canConvert<RunRow>())
        return true;
    const RunRow run = value.value<RunRow>();
    if (!m_project.isEmpty() && run.project != m_project)
        return false;
    if (!m_pipeline.isEmpty() && run.pipeline != m_pipeline)
        return false;
    if (!m_environment.isEmpty() && run.environment != m_environment)
        return false;
    if (!m_states.isEmpty() && !m_states.contains(run.state))
        return false;
    if (m_finishedOnly && !run.terminal)
        return false;
    if (m_activity == Activity::Working && !run.working)
        return false;
    if (m_activity == Activity::Waiting && (run.terminal || run.working))
        return false;
    if (!m_reviewStates.isEmpty() && !m_reviewStates.contains(run.review))
        return false;
    if (m_from > 0 || m_to > 0) {
        const qint64 begins = run.createdAt;
        const qint64 ends
            = run.finishedAt > 0 ? run.finishedAt : std::numeric_limits<qint64>::max();
        if (m_to > 0 && begins > m_to)
            return false;
        if (m_from > 0 && ends < m_from)
            return false;
    }
    const QString path
        = m_words.isEmpty() ? QString() : run.project + QLatin1Char('/') + run.pipeline;
    for (const QString &word : m_words) {
        const bool found = path.contains(word, Qt::CaseInsensitive)
            || run.environment.contains(word, Qt::CaseInsensitive)
            || toString(run.state).contains(word, Qt::CaseInsensitive)
            || run.trigger.contains(word, Qt::CaseInsensitive)
            || run.requestedBy.contains(word, Qt::CaseInsensitive)
            || (QLatin1Char('#') + QString::number(run.id)).contains(word);
        if (!found)
            return false;
    }
    return true;
}

} // namespace Baton::Ui
