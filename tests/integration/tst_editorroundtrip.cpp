// A pipeline saved by the editor (PipelineSaver) exports with the real `baton export` to the
// YAML form the importer accepts, and importing it again changes nothing.
#include "io/projectparser.h"
#include "store/catalog.h"
#include "store/pipelinesaver.h"
#include "store/workspace.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

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

class TestEditorRoundTrip : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void savedPipelineExportsAndReimportsUnchanged()
    {
        QTemporaryDir dir;
        const QString ws = dir.filePath(QStringLiteral("ws"));
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
