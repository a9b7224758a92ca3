#pragma once

#include "access/auditchain.h"
#include "access/audittrail.h"
#include "widgets/mode.h"

#include <QWidget>
#include <atomic>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTextBrowser;
class QTimer;

namespace Baton {
class Workspace;
}

namespace Baton::Ui {

class AuditTableModel;

/// The Audit mode, for admins (DESIGN.md, "The console's map"): who did what and when, with
/// the state before and after, filtered by person, action, time range and text.
///
/// Reads go to one background lane (its own store connection; BackgroundTask), never the GUI
/// thread, and are dropped, not waited for, when the mode goes; answers
/// come back queued and stale ones (an older query's) are dropped. While the mode is visible
/// it looks for new events every few seconds and reloads only when there are some.
class AuditMode : public Mode
{
    Q_OBJECT
public:
    static constexpr int DefaultPageSize = 200;
    static constexpr int RefreshIntervalMs = 5000;

    /// @p workspace must outlive the mode.
    explicit AuditMode(Baton::Workspace *workspace, QWidget *parent = nullptr);
    ~AuditMode() override;

    AuditTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *actorFilter() const { return m_actor; }
    QComboBox *actionFilter() const { return m_action; }
    QComboBox *rangeFilter() const { return m_range; }
    QLineEdit *searchField() const { return m_search; }
    QPushButton *olderButton() const { return m_older; }
    QTextBrowser *detailView() const { return m_detail; }
    /// The hash chain's state: verified up to event N, or broken at event N.
    QLabel *chainLabel() const { return m_chain; }
    /// The query the filters describe now (without paging).
    Baton::AuditQuery currentQuery() const;
    void setPageSize(int size) { m_pageSize = size; }
    /// Queries in flight.
    int pending() const { return m_pending.load(); }

    QString id() const override { return QStringLiteral("audit"); }
    QString displayName() const override;
    QIcon icon() const override;
    QKeySequence shortcut() const override;
    QWidget *initialFocus() const override;

public Q_SLOTS:
    /// Reloads the first page with the current filters.
    void reload();
    /// Appends the next older page.
    void loadOlder();
    /// Reloads what is shown if the trail has new events (what the mode does every few
    /// seconds while visible).
    void refreshIfChanged();

Q_SIGNALS:
    /// A page has been applied (@p appended: older events added at the bottom).
    void pageLoaded(bool appended);
    void loadFailed(const QString &message);
    /// The chain was checked (off the GUI thread) and chainLabel() says how it stands.
    void chainVerified(const Baton::AuditChainReport &report);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void query(Baton::AuditQuery query, bool append, bool onlyIfChanged);
    void apply(quint64 generation, const Baton::AuditPage &page, bool append);
    void updateFilters(const Baton::AuditPage &page);
    void showSelected();
    void verifyChain(qint64 newestId);

    Baton::Workspace *m_workspace;
    AuditTableModel *m_model;
    QComboBox *m_actor;
    QComboBox *m_action;
    QComboBox *m_range;
    QLineEdit *m_search;
    QTimer *m_searchDelay;
    QTimer *m_refreshTimer;
    QTableView *m_table;
    QTextBrowser *m_detail;
    QLabel *m_status;
    QLabel *m_chain;
    QPushButton *m_older;
    int m_pageSize = DefaultPageSize;
    quint64 m_generation = 0;
    qint64 m_newestId = -1; // the trail's newest event at the last load
    qint64 m_chainCheckedAt = -1; // the newest event when the chain was last checked
    bool m_openOnNewest = false; // shown: the next page lands on its newest event
    std::atomic<int> m_pending { 0 };
};

} // namespace Baton::Ui
