#include "projecttreemodel.h"

#include "widgets/icons.h"

#include <QFont>
#include <QGuiApplication>
#include <QHash>
#include <QPalette>

namespace Baton::Ui {

namespace {

QString kindName(ProjectTreeModel::Kind kind)
{
    switch (kind) {
    case ProjectTreeModel::Kind::Project:
        return QStringLiteral("project");
    case ProjectTreeModel::Kind::PipelineGroup:
        return QStringLiteral("pipelines");
    case ProjectTreeModel::Kind::JobGroup:
        return QStringLiteral("jobs");
    case ProjectTreeModel::Kind::Pipeline:
        return QStringLiteral("pipeline");
    case ProjectTreeModel::Kind::Job:
        return QStringLiteral("job");
    }
    return {};
}

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

QString plural(int n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

} // namespace

QString ProjectTreeModel::Key::toString() const
{
    if (!isValid())
        return {};
    QString text = kindName(kind) + QLatin1Char(':') + project;
    if (!name.isEmpty())
        text += QLatin1Char('/') + name;
    return text;
}

ProjectTreeModel::Key ProjectTreeModel::Key::fromString(const QString &text)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        return {};
    const QString kind = text.left(colon);
    const QString rest = text.mid(colon + 1);
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    Key key;
    key.project = slash < 0 ? rest : rest.left(slash);
    key.name = slash < 0 ? QString() : rest.mid(slash + 1);
    for (Kind k :
         { Kind::Project, Kind::PipelineGroup, Kind::JobGroup, Kind::Pipeline, Kind::Job }) {
        if (kindName(k) == kind) {
            key.kind = k;
            const bool named = k == Kind::Pipeline || k == Kind::Job;
            if (named == key.name.isEmpty() || key.project.isEmpty())
                return {};
            return key;
        }
    }
    return {};
}

ProjectTreeModel::ProjectTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{ }

ProjectTreeModel::~ProjectTreeModel() = default;

ProjectTreeModel::Nodes ProjectTreeModel::build(const CatalogSnapshot &snapshot)
{
    QHash<QString, QList<const PipelineInfo *>> pipelines;
    for (const PipelineInfo &p : snapshot.pipelines)
        pipelines[p.project] << &p;
    QHash<QString, QList<const JobInfo *>> jobs;
    for (const JobInfo &j : snapshot.jobs)
        jobs[j.project] << &j;

    auto addChild = [](Node *parent, Key key, const QString &text) {
        auto node = std::make_unique<Node>();
        node->key = std::move(key);
        node->text = text;
        node->parent = parent;
        node->row = int(parent->children.size());
        parent->children.push_back(std::move(node));
        return parent->children.back().get();
    };

    Nodes roots;
    for (const ProjectInfo &project : snapshot.projects) {
        auto root = std::make_unique<Node>();
        root->key = { Kind::Project, project.name, {} };
        root->text = project.name;
        root->row = int(roots.size());
        QString tip = QStringLiteral("<b>%1</b>").arg(escaped(project.name));
        if (!project.description.isEmpty())
            tip += QStringLiteral("<br>") + escaped(project.description);
        tip += QStringLiteral("<br>%1 · %2")
                   .arg(plural(project.pipelineCount, "pipeline", "pipelines"),
                        plural(project.jobCount, "job", "jobs"));
        root->toolTip = tip;

        const auto projectPipelines = pipelines.value(project.name);
        if (!projectPipelines.isEmpty()) {
            Node *group
                = addChild(root.get(), { Kind::PipelineGroup, project.name, {} }, tr("Pipelines"));
            group->toolTip = tr("Pipelines of %1").arg(project.name);
            for (const PipelineInfo *p : projectPipelines) {
                Node *n = addChild(group, { Kind::Pipeline, project.name, p->name }, p->name);
                n->version = p->version;
                n->versionCount = p->versionCount;
                QString t = QStringLiteral("<b>%1</b> · pipeline v%2")
                                .arg(escaped(p->name))
                                .arg(p->version);
                if (!p->description.isEmpty())
                    t += QStringLiteral("<br>") + escaped(p->description);
                if (!p->schedule.isEmpty()) {
                    t += QStringLiteral("<br>schedule <code>%1</code>%2%3")
                             .arg(escaped(p->schedule),
                                  p->timezone.isEmpty()
                                      ? QString()
                                      : QStringLiteral(" ") + escaped(p->timezone),
                                  p->schedulePaused ? tr(" (paused)") : QString());
                }
                n->toolTip = t;
            }
        }
        const auto projectJobs = jobs.value(project.name);
        if (!projectJobs.isEmpty()) {
            Node *group = addChild(root.get(), { Kind::JobGroup, project.name, {} }, tr("Jobs"));
            group->toolTip = tr("Jobs of %1").arg(project.name);
            for (const JobInfo *j : projectJobs) {
                Node *n = addChild(group, { Kind::Job, project.name, j->name }, j->name);
                n->version = j->version;
                n->versionCount = j->versionCount;
                QString t
                    = QStringLiteral("<b>%1</b> · job v%2").arg(escaped(j->name)).arg(j->version);
                if (!j->technology.isEmpty())
                    t += QStringLiteral(" · ") + escaped(j->technology);
                if (!j->description.isEmpty())
                    t += QStringLiteral("<br>") + escaped(j->description);
                n->toolTip = t;
            }
        }
        roots.push_back(std::move(root));
    }
    return roots;
}

bool ProjectTreeModel::sameStructure(const Nodes &a, const Nodes &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!(a[i]->key == b[i]->key) || !sameStructure(a[i]->children, b[i]->children))
            return false;
    }
    return true;
}

void ProjectTreeModel::updateData(Nodes &current, const Nodes &fresh, Node *parent)
{
    int first = -1;
    int last = -1;
    for (std::size_t i = 0; i < current.size(); ++i) {
        Node &c = *current[i];
        const Node &f = *fresh[i];
        if (c.text != f.text || c.toolTip != f.toolTip || c.version != f.version
            || c.versionCount != f.versionCount) {
            c.text = f.text;
            c.toolTip = f.toolTip;
            c.version = f.version;
            c.versionCount = f.versionCount;
            if (first < 0)
                first = int(i);
            last = int(i);
        }
        updateData(c.children, f.children, &c);
    }
    if (first < 0)
        return;
    const QModelIndex parentIndex = parent ? createIndex(parent->row, 0, parent) : QModelIndex();
    // One ranged signal per parent, covering both columns.
    Q_EMIT dataChanged(index(first, 0, parentIndex), index(last, ColumnCount - 1, parentIndex));
}

void ProjectTreeModel::setSnapshot(const CatalogSnapshot &snapshot)
{
    Nodes fresh = build(snapshot);
    if (sameStructure(m_roots, fresh)) {
        updateData(m_roots, fresh, nullptr);
        return;
    }
    beginResetModel();
    m_roots = std::move(fresh);
    endResetModel();
}

ProjectTreeModel::Node *ProjectTreeModel::nodeAt(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    return static_cast<Node *>(index.internalPointer());
}

const ProjectTreeModel::Nodes &ProjectTreeModel::childrenOf(const Node *node) const
{
    return node ? node->children : m_roots;
}

ProjectTreeModel::Key ProjectTreeModel::key(const QModelIndex &index) const
{
    const Node *node = nodeAt(index);
    return node ? node->key : Key();
}

QModelIndex ProjectTreeModel::indexOf(const Key &key, int column) const
{
    if (!key.isValid())
        return {};
    for (const auto &root : m_roots) {
        if (root->key.project != key.project)
            continue;
        if (key.kind == Kind::Project)
            return createIndex(root->row, column, root.get());
        for (const auto &group : root->children) {
            if (group->key == key)
                return createIndex(group->row, column, group.get());
            for (const auto &leaf : group->children) {
                if (leaf->key == key)
                    return createIndex(leaf->row, column, leaf.get());
            }
        }
    }
    return {};
}

QModelIndex ProjectTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    const Nodes &children = childrenOf(nodeAt(parent));
    if (row >= int(children.size()))
        return {};
    return createIndex(row, column, children[row].get());
}

QModelIndex ProjectTreeModel::parent(const QModelIndex &child) const
{
    const Node *node = nodeAt(child);
    if (!node || !node->parent)
        return {};
    return createIndex(node->parent->row, 0, node->parent);
}

int ProjectTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(childrenOf(nodeAt(parent)).size());
}

int ProjectTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ProjectTreeModel::data(const QModelIndex &index, int role) const
{
    const Node *node = nodeAt(index);
    if (!node)
        return {};
    const bool leaf = node->key.kind == Kind::Pipeline || node->key.kind == Kind::Job;
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == NameColumn)
            return node->text;
        if (leaf)
            return QStringLiteral("v%1").arg(node->version);
        if (node->key.kind != Kind::Project)
            return QString::number(node->children.size());
        return {};
    case Qt::ToolTipRole:
        if (index.column() == VersionColumn && leaf) {
            return tr("version %1 of %2")
                .arg(node->version)
                .arg(qMax(node->versionCount, node->version));
        }
        return node->toolTip;
    case Qt::DecorationRole:
        if (index.column() != NameColumn)
            return {};
        switch (node->key.kind) {
        case Kind::Project:
            return Icons::project();
        case Kind::Pipeline:
            return Icons::pipeline();
        case Kind::Job:
            return Icons::job();
        case Kind::PipelineGroup:
        case Kind::JobGroup:
            return Icons::group();
        }
        return {};
    case Qt::FontRole:
        if (node->key.kind == Kind::Project && index.column() == NameColumn) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == VersionColumn || node->key.kind == Kind::PipelineGroup
            || node->key.kind == Kind::JobGroup) {
            return QGuiApplication::palette().brush(QPalette::PlaceholderText);
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == VersionColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::AccessibleTextRole:
        return leaf ? QStringLiteral("%1 %2 version %3")
                          .arg(kindName(node->key.kind), node->text)
                          .arg(node->version)
                    : node->text;
    case KindRole:
        return int(node->key.kind);
    case ProjectRole:
        return node->key.project;
    case NameRole:
        return node->key.name;
    case VersionRole:
        return node->version;
    case KeyRole:
        return node->key.toString();
    default:
        return {};
    }
}

QVariant ProjectTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case VersionColumn:
        return tr("Version");
    default:
        return {};
    }
}

Qt::ItemFlags ProjectTreeModel::flags(const QModelIndex &index) const
{
    if (!nodeAt(index))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (rowCount(index) == 0 && index.column() == NameColumn)
        f |= Qt::ItemNeverHasChildren;
    return f;
}

} // namespace Baton::Ui
