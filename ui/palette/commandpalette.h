#pragma once

#include <QAbstractListModel>
#include <QFrame>
#include <QPointer>

class QAction;
class QLabel;
class QLineEdit;
class QTreeView;

namespace Baton::Ui {

/// One thing the command palette can find and do.
struct PaletteItem
{
    enum class Kind { Action, Mode, Project, Pipeline, Job, Run };
    Kind kind = Kind::Action;
    QString title; ///< "Run Pipeline…", "nightly", "#14 churn/nightly"
    QString detail; ///< "Pipeline menu", "pipeline of churn", "failed · prod"
    QString shortcut; ///< as the user types it, e.g. "Ctrl+R"
    QString project;
    QString name;
    qint64 runId = 0;
    QPointer<QAction> action;
    bool enabled = true;

    static QString kindName(Kind kind);
};

/// The palette's list: the items matching the query, best first (fuzzyQueryScore over the
/// title and the kind; `#N` finds run N and the runs whose id starts with N).
class PaletteModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Column { TitleColumn, KindColumn, DetailColumn, ShortcutColumn, ColumnCount };
    enum Role { KindRole = Qt::UserRole + 1, RunIdRole };
    static constexpr int MaxShown = 200;

    explicit PaletteModel(QObject *parent = nullptr);

    void setItems(const QList<PaletteItem> &items);
    /// Adds items (read later, off the GUI thread), keeping the query.
    void addItems(const QList<PaletteItem> &items);
    void setQuery(const QString &query);
    QString query() const { return m_query; }
    const PaletteItem &itemAt(int row) const { return m_items.at(m_shown.at(row)); }
    bool hasRun(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    void refilter();

    QList<PaletteItem> m_items;
    QList<int> m_shown; // indexes into m_items
    QString m_query;
};

/// The command palette (Ctrl+K, DESIGN.md): a search box over everything the console can find
/// or do — projects, pipelines, jobs, runs (`#123`), modes and actions. Typing filters (fuzzy),
/// Up/Down/Page Up/Page Down move, Enter performs, Escape closes. It pops up over the window
/// and closes on a click elsewhere.
class CommandPalette : public QFrame
{
    Q_OBJECT
public:
    explicit CommandPalette(QWidget *window);

    PaletteModel *model() const { return m_model; }
    QLineEdit *searchEdit() const { return m_search; }
    QTreeView *listView() const { return m_list; }
    /// Shows it over the window with an empty query and the first item current.
    void popUp();
    /// Performs the current item (as Enter does).
    void activateCurrent();
    void setStatus(const QString &text);

Q_SIGNALS:
    void activated(const Baton::Ui::PaletteItem &item);
    void queryChanged(const QString &query);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void moveCurrent(int delta);
    void selectFirst();

    QWidget *m_window;
    PaletteModel *m_model;
    QLineEdit *m_search;
    QTreeView *m_list;
    QLabel *m_status;
};

} // namespace Baton::Ui

Q_DECLARE_METATYPE(Baton::Ui::PaletteItem)
