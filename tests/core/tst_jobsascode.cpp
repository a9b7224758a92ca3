#include "io/jobsascode.h"
#include "refusal.h"
#include "store/catalog.h"
#include "store/sql.h"
#include "workspacefixture.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using Baton::Test::refusal;

namespace {

const QByteArray kGood = "project: vault\n"
                         "environments: [dev, prod]\n"
                         "variables:\n"
                         "  - {name: REGION, value: eu-west}\n"
                         "jobs:\n"
                         "  - name: fetch\n"
                         "    command: echo fetch\n"
                         "  - name: load\n"
                         "    command: echo load\n"
                         "pipelines:\n"
                         "  - name: daily\n"
                         "    tasks:\n"
                         "      - {job: fetch}\n"
                         "      - {job: load, after: [fetch]}\n";

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
}

QStringList listing(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        out << QDir(dir).relativeFilePath(it.next());
    out.sort();
    return out;
}

QStringList projectNames(const QSqlDatabase &db)
{
    QStringList names;
    for (const ProjectInfo &p : Catalog::projects(db))
        names << p.name;
    names.sort();
    return names;
}

int versionCount(const QSqlDatabase &db)
{
    return Sql::scalar(db,
                       QStringLiteral("SELECT (SELECT count(*) FROM job_versions) + "
                                      "(SELECT count(*) FROM pipeline_versions)"))
        .toInt();
}

} // namespace

class TestJobsAsCode : public QObject
{
    Q_OBJECT
    Test::WorkspaceFixture m_fixture;
    QTemporaryDir m_tmp;
    int m_dirs = 0;

    QString newDir() { return m_tmp.filePath(QStringLiteral("d%1").arg(++m_dirs)); }

private Q_SLOTS:
    void init() { m_fixture.renew(); }

    void importsAndSaysWhatChanged()
    {
        const QString dir = newDir();
        writeFile(dir + QStringLiteral("/vault/project.yaml"), kGood);
        const ImportOutcome first
            = JobsAsCode::importPath(m_fixture.store(), dir, QStringLiteral("alice"));
        QVERIFY2(first.ok(), qPrintable(first.errorLines().join('\n')));
        QVERIFY(first.errorLines().isEmpty());
        QCOMPARE(first.summary.projectsCreated, QStringList { QStringLiteral("vault") });
        QStringList versions;
        for (const auto &v : first.summary.versions)
            versions << QStringLiteral("%1 %2 v%3 %4")
                            .arg(v.kind, v.name)
                            .arg(v.number)
                            .arg(v.created ? "new" : "same");
        versions.sort();
        QCOMPARE(versions,
                 (QStringList { "job fetch v1 new", "job load v1 new", "pipeline daily v1 new" }));

        // The same files again: nothing new.
        const ImportOutcome again
            = JobsAsCode::importPath(m_fixture.store(), dir, QStringLiteral("alice"));
        QVERIFY(again.ok());
        for (const auto &v : again.summary.versions)
            QVERIFY2(!v.created, qPrintable(v.name));
        QCOMPARE(versionCount(m_fixture.db()), 3);
    }

    void oneBadFileAndNothingIsImported()
    {
        const QString dir = newDir();
        writeFile(dir + QStringLiteral("/a/project.yaml"), kGood);
        writeFile(dir + QStringLiteral("/b/project.yaml"),
                  "project: broken\n"
                  "jobs:\n"
                  "  - name: x\n"
                  "    command: echo x\n"
                  "    retries: many\n");
        const ImportOutcome outcome
            = JobsAsCode::importPath(m_fixture.store(), dir, QStringLiteral("alice"));
        QVERIFY(!outcome.ok());
        const QStringList errors = outcome.errorLines();
        QVERIFY(!errors.isEmpty());
        // "file:line:column: error: message", the line of the bad value.
        QVERIFY2(errors.first().startsWith(dir + QStringLiteral("/b/project.yaml:5:")),
                 qPrintable(errors.join('\n')));
        QVERIFY2(errors.first().contains(QStringLiteral(": error: ")), qPrintable(errors.first()));
        QVERIFY(outcome.summary.versions.isEmpty());
        QVERIFY(projectNames(m_fixture.db()).isEmpty()); // the good file was not imported either
        QCOMPARE(Sql::scalar(m_fixture.db(), QStringLiteral("SELECT count(*) FROM audit_events"))
                     .toInt(),
                 0);
    }

    void aMissingPathIsAnErrorOfTheImport()
    {
        const QString missing = m_tmp.filePath(QStringLiteral("nowhere/project.yaml"));
        const ImportOutcome outcome
            = JobsAsCode::importPath(m_fixture.store(), missing, QStringLiteral("alice"));
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.errorLines(),
                 QStringList { missing + QStringLiteral(": error: no such file or directory") });
        QVERIFY(projectNames(m_fixture.db()).isEmpty());
    }

    void exportedProjectsImportAsTheSame()
    {
        const QString source = newDir();
        writeFile(source + QStringLiteral("/vault/project.yaml"), kGood);
        QVERIFY(JobsAsCode::importPath(m_fixture.store(), source, QStringLiteral("alice")).ok());

        const QString out = newDir();
        const QList<ExportedProject> written = JobsAsCode::exportProjects(m_fixture.db(), out);
        QCOMPARE(written.size(), 1);
        QCOMPARE(written.first().project, QStringLiteral("vault"));
        QCOMPARE(written.first().directory, QDir(out).filePath(QStringLiteral("vault")));
        for (const QString &file : written.first().files)
            QVERIFY2(QFileInfo::exists(file) || QFileInfo::exists(QDir(out).filePath(file)),
                     qPrintable(file));

        // Imported back into the workspace it came from: every definition is unchanged.
        const ImportOutcome back
            = JobsAsCode::importPath(m_fixture.store(), out, QStringLiteral("alice"));
        QVERIFY2(back.ok(), qPrintable(back.errorLines().join('\n')));
        QCOMPARE(back.summary.versions.size(), 3);
        for (const auto &v : back.summary.versions)
            QVERIFY2(!v.created, qPrintable(v.name));
        QCOMPARE(versionCount(m_fixture.db()), 3);
    }

    void exportRefusesBeforeWritingAnything()
    {
        const QString out = newDir();
        QVERIFY(QDir().mkpath(out));
        // An empty workspace.
        const QString nothing = refusal([&] { JobsAsCode::exportProjects(m_fixture.db(), out); });
        QVERIFY2(nothing.contains(QStringLiteral("no projects")), qPrintable(nothing));
        QVERIFY(listing(out).isEmpty());

        const QString source = newDir();
        writeFile(source + QStringLiteral("/vault/project.yaml"), kGood);
        QVERIFY(JobsAsCode::importPath(m_fixture.store(), source, QStringLiteral("alice")).ok());
        const QString unknown = refusal(
            [&] { JobsAsCode::exportProjects(m_fixture.db(), out, QStringLiteral("vaultt")); });
        QVERIFY2(unknown.contains(QStringLiteral("vaultt")), qPrintable(unknown));
        QVERIFY(listing(out).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJobsAsCode)
#include "tst_jobsascode.moc"
