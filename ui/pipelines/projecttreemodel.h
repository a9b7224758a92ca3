#pragma once

#include "store/catalog.h"

#include <QAbstractItemModel>
#include <memory>
#include <vector>

namespace Baton::Ui {

/// Projects → "Pipelines" / "Jobs" groups → pipelines and jobs, from catalog snapshots.
///
/// setSnapshot() compares by identity (kind, project, name): when only names' data changed
/// (versions, descriptions) it emits ranged dataChanged, and resets only when items were
/// added, removed or renamed. Views restore their selection and expansion through key() and
/// indexOf(), which survive a reset.
class ProjectTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum class Kind { Project, PipelineGroup, JobGroup, Pipeline, Job };
    Q_ENUM(Kind)

    /// What an item is, independent of its row: stable across snapshots.
    struct Key
    {
        Kind kind = Kind::Project;
        QString project;
        QString name; ///< empty for projects and groups

        bool isValid() const { return !project.isEmpty(); }
        bool operator==(const Key &) const = default;
        /// "pipeline:churn/nightly" and friends, for QSettings.
        QString toString() const;
        static Key fromString(const QString &text);
    };

    enum Column { NameColumn, VersionColumn, ColumnCount };
    enum Role {
        KindRole = Qt::UserRole + 1, ///< Kind as int
        ProjectRole,
        NameRole,
        VersionRole, ///< int, 0 for projects and groups
        KeyRole, ///< Key::toString()
    };

    explicit ProjectTreeModel(QObject *parent = nullptr);
    ~ProjectTreeModel() override;

    void setSnapshot(const CatalogSnapshot &snapshot);

    Key key(const QModelIndex &index) const;
    QModelIndex indexOf(const Key &key, int column = NameColumn) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    struct Node
    {
        Key key;
        QString text;
        QString toolTip;
        int version = 0;
        int versionCount = 0;
        Node *parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;
    };
    using Nodes = std::vector<std::unique_ptr<Node>>;

    static Nodes build(const CatalogSnapshot &snapshot);
    static bool sameStructure(const Nodes &a, const Nodes &b);
    void updateData(Nodes &current, const Nodes &fresh, Node *parent);
    const Nodes &childrenOf(const Node *node) const;
    Node *nodeAt(const QModelIndex &index) const;

    Nodes m_roots;
};

} // namespace Baton::Ui
