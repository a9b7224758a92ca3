// A pipeline saved by the editor (PipelineSaver) exports with the real `baton export` to the
// YAML form the importer accepts, and importing it again changes nothing; and the editor
// refuses exactly what the importer refuses (one rule set, PipelineRules).
#include "fixture.h"
#include "graph/pipelinegraphmodel.h"
#include "io/projectemitter.h"
#include "io/projectparser.h"
#include "store/catalog.h"
#include "store/pipelinesaver.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace Baton;

namespace {

int baton(const QStringList &args, QString *out = nullptr)
{
    QProcess p;
    p.start(QStringLiteral(BATON_BINARY), args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        return -1;
    }
    if (out)
        *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

PipelineInfo pipeline(const Store &store, const QString &project, const QString &name)
{
    for (const PipelineInfo &p : Catalog::pipelines(store.db(), project)) {
        if (p.name == name)
            return p;
    }
    return {};
}

} // namespace

/// An edit made through the editor's model (what the canvas and its panel call).
using Edit = std::function<void(PipelineGraphModel &)>;
Q_DECLARE_METATYPE(Edit)

class TestEditorRoundTrip : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    IntegrationTest::TestWorkspaces m_spaces;
    QString m_ws;
    QString m_export; // the demo, exported once: job files for the importer to find

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_spaces.address(m_dir.filePath(QStringLiteral("rules-ws")));
        m_export = m_dir.filePath(QStringLiteral("rules-export"));
        QString out;
        QCOMPARE(baton({ "--workspace", m_ws, "init", "--demo" }, &out), 0);
        QCOMPARE(baton({ "--workspace", m_ws, "export", m_export }, &out), 0);
    }

    void editorRefusesWhatImportRefuses_data()
    {
        QTest::addColumn<Edit>("edit");
        QTest::addColumn<bool>("valid");
        const auto find = [](PipelineGraphModel &m, const char *name) {
            return m.findTask(QString::fromLatin1(name)).value_or(-1);
        };
        // Select all → Delete: the editor used to save this; import refuses `tasks: []`.
        QTest::newRow("every task deleted") << Edit([](PipelineGraphModel &m) {
            for (const NodeId id : m.taskIds())
                m.removeTask(id);
        }) << false;
        QTest::newRow("invalid task name") << Edit([find](PipelineGraphModel &m) {
            EditorTask t = m.task(find(m, "train"));
            t.name = QStringLiteral("fit model");
            m.updateTask(find(m, "train"), t);
        }) << false;
        QTest::newRow("duplicate task name") << Edit([find](PipelineGraphModel &m) {
            EditorTask t = m.task(find(m, "train"));
            t.name = QStringLiteral("score");
            m.updateTask(find(m, "train"), t);
        }) << false;
        QTest::newRow("unknown job") << Edit([find](PipelineGraphModel &m) {
            EditorTask t = m.task(find(m, "report"));
            t.job = QStringLiteral("gone");
            m.updateTask(find(m, "report"), t);
        }) << false;
        QTest::newRow("task added, always after train") << Edit([find](PipelineGraphModel &m) {
            EditorTask t;
            t.name = m.uniqueTaskName(QStringLiteral("report"));
            t.job = QStringLiteral("report");
            t.settings.retries = 0;
            t.settings.timeoutSeconds = 60;
            const NodeId id = m.addTask(t);
            QVERIFY(m.connectTasks(find(m, "train"), id, EdgeCondition::Always));
        }) << true;
        QTest::newRow("one task left") << Edit([find](PipelineGraphModel &m) {
            for (const NodeId id : m.taskIds()) {
                if (id != find(m, "extract"))
                    m.removeTask(id);
            }
        }) << true;
    }

    /// Whatever the editor's model holds: its problems list, the save and the import of the
    /// same definition agree on whether it is a pipeline.
    void editorRefusesWhatImportRefuses()
    {
        QFETCH(Edit, edit);
        QFETCH(bool, valid);
        Workspace workspace(m_ws, Workspace::Mode::MustExist);
        const PipelineInfo stored = pipeline(workspace.store(), "churn", "nightly");
        PipelineGraphModel model;
        QList<EditorJob> jobs;
        for (const JobInfo &j : Catalog::jobs(workspace.store().db(), QStringLiteral("churn")))
            jobs << EditorJob { j.name, j.technology, j.version, j.command };
        model.setJobs(jobs);
        model.load(QStringLiteral("churn"), Catalog::pipelineSpec(stored), stored.version);
        QVERIFY(model.validate().isEmpty());
        edit(model);
        const QList<PipelineIssue> problems = model.validate();

        // The import of the same definition, in the exported project.
        ProjectSpec project = Catalog::projectSpec(workspace.store().db(), QStringLiteral("churn"));
        bool replaced = false;
        for (PipelineSpec &p : project.pipelines) {
            if (p.name == QLatin1String("nightly")) {
                p = model.toSpec();
                replaced = true;
            }
        }
        QVERIFY(replaced);
        QFile yaml(m_export + QStringLiteral("/churn/project.yaml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly | QIODevice::Truncate));
        yaml.write(ProjectEmitter::toYaml(project));
        yaml.close();
        const ParseResult parsed = ProjectParser::parsePath(m_export);

        // The save (what the editor's Save button does).
        PipelineSaveRequest request;
        request.project = QStringLiteral("churn");
        request.pipeline = model.toSpec();
        request.baseVersion = stored.version;
        request.message = QStringLiteral("rules check");
        QString refusal;
        try {
            PipelineSaver::save(workspace.store(), request);
        } catch (const Error &e) {
            refusal = e.message();
        }

        const QString firstImportError
            = parsed.errors.isEmpty() ? QString() : parsed.errors.first().toString();
        QVERIFY2(problems.isEmpty() == valid,
                 qPrintable(problems.isEmpty() ? QStringLiteral("no problem listed")
                                               : problems.first().message));
        QVERIFY2(parsed.ok() == valid, qPrintable(firstImportError));
        QVERIFY2(refusal.isEmpty() == valid, qPrintable(refusal));
        if (!valid) {
            // The same words in the editor's list and in the importer's file:line message.
            QVERIFY2(
                firstImportError.contains(problems.first().message),
                qPrintable(firstImportError + QStringLiteral(" vs ") + problems.first().message));
            QCOMPARE(pipeline(workspace.store(), "churn", "nightly").version, stored.version);
        }
    }

    void savedPipelineExportsAndReimportsUnchanged()
    {
        QTemporaryDir dir;
        const QString ws = m_spaces.address(dir.filePath(QStringLiteral("ws")));
        QString out;
        QCOMPARE(baton({ "--workspace", ws, "init", "--demo" }, &out), 0);

        // What the editor does on save: a changed definition through PipelineSaver.
        PipelineSpec edited;
        int version = 0;
        {
            Workspace workspace(ws, Workspace::Mode::MustExist);
            const PipelineInfo before = pipeline(workspace.store(), "churn", "nightly");
            QVERIFY(before.version >= 1);
            edited = Catalog::pipelineSpec(before);
            TaskSpec extra;
            extra.name = QStringLiteral("score_check");
            extra.job = QStringLiteral("score");
            extra.settings.timeoutSeconds = 300;
            extra.after << DependencySpec { edited.tasks.first().name, EdgeCondition::Always, {} };
            edited.tasks << extra;
            edited.tasks[1].after.first().condition = EdgeCondition::Failed;
            PipelineSaveRequest request;
            request.project = QStringLiteral("churn");
            request.pipeline = edited;
            request.baseVersion = before.version;
            request.message = QStringLiteral("check scores, alert path");
            request.actor = QStringLiteral("editor-user");
            version = PipelineSaver::save(workspace.store(), request).version;
            QCOMPARE(version, before.version + 1);
        }

        // Export with the real binary, then parse the YAML as an import would.
        const QString exported = dir.filePath(QStringLiteral("export"));
        QCOMPARE(baton({ "--workspace", ws, "export", exported }, &out), 0);
        const ParseResult parsed = ProjectParser::parsePath(exported);
        QVERIFY2(
            parsed.ok(),
            qPrintable(parsed.errors.isEmpty() ? QString() : parsed.errors.first().toString()));
        const ProjectSpec *churn = nullptr;
        for (const ProjectSpec &p : parsed.projects) {
            if (p.name == QLatin1String("churn"))
                churn = &p;
        }
        QVERIFY(churn);
        const PipelineSpec *nightly = churn->pipeline(QStringLiteral("nightly"));
        QVERIFY(nightly);
        QVERIFY(nightly->sameContent(edited));

        // Importing the export creates no new version: the same content hash.
        QCOMPARE(baton({ "--workspace", ws, "import", exported }, &out), 0);
        Workspace workspace(ws, Workspace::Mode::MustExist);
        const PipelineInfo after = pipeline(workspace.store(), "churn", "nightly");
        QCOMPARE(after.version, version);
        QCOMPARE(after.author, QStringLiteral("editor-user"));

        // And export → export is byte-identical.
        const QString again = dir.filePath(QStringLiteral("again"));
        QCOMPARE(baton({ "--workspace", ws, "export", again }, &out), 0);
        QFile a(exported + QStringLiteral("/churn/project.yaml"));
        QFile b(again + QStringLiteral("/churn/project.yaml"));
        QVERIFY(a.open(QIODevice::ReadOnly));
        QVERIFY(b.open(QIODevice::ReadOnly));
        const QByteArray yaml = a.readAll();
        QCOMPARE(yaml, b.readAll());
        QVERIFY(yaml.contains("score_check"));
    }
};

QTEST_GUILESS_MAIN(TestEditorRoundTrip)
#include "tst_editorroundtrip.moc"
