#include "io/projectparser.h"

#include <QDir>
#include <QFile>
#include <QLibraryInfo>
#include <QProcess>
#include <QResource>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;

namespace {

// The minimal form from the jobs-as-code documentation, accepted as is.
const QByteArray kMinimal
    = "project: churn\n"
      "description: Customer churn scoring\n"
      "environments: [dev, staging, preprod, prod]    # ordered promotion path (optional)\n"
      "variables:                                     # optional; env: limits to one environment\n"
      "  - {name: DB_URL, value: \"postgresql://dev-db/churn\"}\n"
      "  - {name: API_TOKEN, value: \"s3cr3t\", secret: true, env: prod}\n"
      "jobs:\n"
      "  - name: extract\n"
      "    command: \"./extract.sh\"                    # run by /bin/sh -c in the job's "
      "directory\n"
      "    files: [extract.sh]                        # optional, paths relative to the YAML file\n"
      "    technology: bash                           # optional: bash, python, sql, ...\n"
      "  - {name: train, command: \"python3 train.py\", files: [train.py], technology: python}\n"
      "  - {name: notify, command: \"echo churn pipeline failed >&2\"}\n"
      "pipelines:\n"
      "  - name: nightly\n"
      "    schedule: \"0 2 * * *\"                      # optional\n"
      "    timezone: Europe/Paris                     # optional, IANA name\n"
      "    tasks:\n"
      "      - job: extract                           # task name defaults to the job name\n"
      "      - job: train\n"
      "        after: [extract]\n"
      "      - {name: alert, job: notify, after: [train], when: failed}   # when: "
      "success|failed|always\n";

const QByteArray kExtractSh = "#!/bin/sh\necho extracting\n";
const QByteArray kTrainPy = "print('training')\n";

void writeFile(const QString &path, const QByteArray &content, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(content);
    f.close();
    QFile::Permissions perms = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup;
    if (executable)
        perms |= QFile::ExeOwner;
    QVERIFY(QFile::setPermissions(path, perms));
}

QString render(const QList<Diagnostic> &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines << d.toString();
    return lines.isEmpty() ? QStringLiteral("(none)") : lines.join(QLatin1Char('\n'));
}

/// A project with one job "a" (command "x") and the given extra YAML appended.
QByteArray withJobA(const QByteArray &more)
{
    return "project: churn\njobs:\n  - {name: a, command: x}\n" + more;
}

} // namespace

class TestProjectParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void minimalForm();
    void parsePathReadsFilesBesideTheYaml();
    void symbolicLinkInsideTheProject();
    void extensions();
    void environmentApprovals_data();
    void environmentApprovals();
    void scheduleForms_data();
    void scheduleForms();
    void errors_data();
    void errors();
    void warnings_data();
    void warnings();
    void everyErrorInAFileIsReported();
    void directoryScan();
    void duplicateProjectsAcrossFiles();
    void nonexistentPath();
    void emptyDirectory();
    void resourcePaths();

private:
    QTemporaryDir m_dir;
    QTemporaryDir m_outside;
};

void TestProjectParser::initTestCase()
{
    QVERIFY(m_dir.isValid());
    writeFile(m_dir.filePath(QStringLiteral("extract.sh")), kExtractSh, true);
    writeFile(m_dir.filePath(QStringLiteral("train.py")), kTrainPy, false);
    writeFile(m_dir.filePath(QStringLiteral("lib/common.sh")), "common\n", false);
    writeFile(m_dir.filePath(QStringLiteral("sql/load.sql")), "select 1;\n", false);
    // Symbolic links out of the project (absolute, relative, through a directory) and one in it.
    QVERIFY(m_outside.isValid());
    writeFile(m_outside.filePath(QStringLiteral("secret.txt")), "secret\n", false);
    QVERIFY(QFile::link(m_outside.filePath(QStringLiteral("secret.txt")),
                        m_dir.filePath(QStringLiteral("abs-link.txt"))));
    QVERIFY(QFile::link(QStringLiteral("../../") + QFileInfo(m_outside.path()).fileName()
                            + QStringLiteral("/secret.txt"),
                        m_dir.filePath(QStringLiteral("lib/rel-link.txt"))));
    QVERIFY(QFile::link(m_outside.path(), m_dir.filePath(QStringLiteral("linked"))));
    QVERIFY(QFile::link(QStringLiteral("../train.py"),
                        m_dir.filePath(QStringLiteral("lib/train-link.py"))));
}

void TestProjectParser::minimalForm()
{
    const ParseResult r
        = ProjectParser::parseText(kMinimal, QStringLiteral("churn.yaml"), m_dir.path());
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.size(), 1);
    const ProjectSpec &p = r.projects.first();
    QCOMPARE(p.name, QStringLiteral("churn"));
    QCOMPARE(p.description, QStringLiteral("Customer churn scoring"));
    QCOMPARE(p.sourceFile, QStringLiteral("churn.yaml"));
    QCOMPARE(p.where.toString(), QStringLiteral("churn.yaml:1:1"));

    // A plain list of names: only prod needs approval.
    QCOMPARE(p.environments.size(), 4);
    QCOMPARE(p.environments, defaultEnvironments());
    QCOMPARE(p.environments.at(3).name, QStringLiteral("prod"));
    QVERIFY(p.environments.at(3).approvalRequired);
    QVERIFY(!p.environments.at(0).approvalRequired);

    QCOMPARE(p.variables.size(), 2);
    QCOMPARE(p.variables.at(0).name, QStringLiteral("DB_URL"));
    QCOMPARE(p.variables.at(0).value,
             std::optional<QString>(QStringLiteral("postgresql://dev-db/churn")));
    QVERIFY(!p.variables.at(0).secret);
    QVERIFY(p.variables.at(0).environment.isEmpty());
    QCOMPARE(p.variables.at(1).name, QStringLiteral("API_TOKEN"));
    QCOMPARE(p.variables.at(1).value, std::optional<QString>(QStringLiteral("s3cr3t")));
    QVERIFY(p.variables.at(1).secret);
    QCOMPARE(p.variables.at(1).environment, QStringLiteral("prod"));
    QCOMPARE(p.variables.at(1).where.toString(), QStringLiteral("churn.yaml:6:5"));

    QCOMPARE(p.jobs.size(), 3);
    const JobSpec &extract = p.jobs.at(0);
    QCOMPARE(extract.name, QStringLiteral("extract"));
    QCOMPARE(extract.command, QStringLiteral("./extract.sh"));
    QCOMPARE(extract.technology, QStringLiteral("bash"));
    QCOMPARE(extract.where.toString(), QStringLiteral("churn.yaml:8:5"));
    QCOMPARE(extract.files.size(), 1);
    QCOMPARE(extract.files.first().path, QStringLiteral("extract.sh"));
    QCOMPARE(extract.files.first().content, kExtractSh);
    QVERIFY(extract.files.first().executable);
    const JobSpec &train = p.jobs.at(1);
    QCOMPARE(train.command, QStringLiteral("python3 train.py"));
    QCOMPARE(train.technology, QStringLiteral("python"));
    QCOMPARE(train.files.size(), 1);
    QCOMPARE(train.files.first().content, kTrainPy);
    QVERIFY(!train.files.first().executable);
    QCOMPARE(p.jobs.at(2).name, QStringLiteral("notify"));
    QCOMPARE(p.jobs.at(2).command, QStringLiteral("echo churn pipeline failed >&2"));
    QVERIFY(p.jobs.at(2).files.isEmpty());
    QVERIFY(p.jobs.at(2).technology.isEmpty());

    QCOMPARE(p.pipelines.size(), 1);
    const PipelineSpec &nightly = p.pipelines.first();
    QCOMPARE(nightly.name, QStringLiteral("nightly"));
    QCOMPARE(nightly.schedule, QStringLiteral("0 2 * * *"));
    QCOMPARE(nightly.timezone, QStringLiteral("Europe/Paris"));
    QCOMPARE(nightly.tasks.size(), 3);
    QCOMPARE(nightly.tasks.at(0).name, QStringLiteral("extract"));
    QCOMPARE(nightly.tasks.at(0).job, QStringLiteral("extract"));
    QVERIFY(nightly.tasks.at(0).after.isEmpty());
    QCOMPARE(nightly.tasks.at(1).name, QStringLiteral("train"));
    QCOMPARE(nightly.tasks.at(1).after,
             (QList<DependencySpec> { { QStringLiteral("extract"), EdgeCondition::Success, {} } }));
    const TaskSpec &alert = nightly.tasks.at(2);
    QCOMPARE(alert.name, QStringLiteral("alert"));
    QCOMPARE(alert.job, QStringLiteral("notify"));
    QCOMPARE(alert.after,
             (QList<DependencySpec> { { QStringLiteral("train"), EdgeCondition::Failed, {} } }));
    QCOMPARE(alert.where.toString(), QStringLiteral("churn.yaml:22:9"));
    QCOMPARE(alert.after.first().where.toString(), QStringLiteral("churn.yaml:22:44"));

    // A secret's value in a file is accepted, but flagged.
    QCOMPARE(r.warnings.size(), 1);
    QCOMPARE(r.warnings.first().where.toString(), QStringLiteral("churn.yaml:6:30"));
    QVERIFY(r.warnings.first().message.contains(QLatin1String("secret 'API_TOKEN'")));
}

void TestProjectParser::parsePathReadsFilesBesideTheYaml()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString yaml = dir.filePath(QStringLiteral("sub/churn.yaml"));
    writeFile(yaml,
              "project: churn\njobs:\n  - {name: a, command: ./run.sh, files: [run.sh, "
              "lib/x.sql]}\n");
    writeFile(dir.filePath(QStringLiteral("sub/run.sh")), "#!/bin/sh\n", true);
    writeFile(dir.filePath(QStringLiteral("sub/lib/x.sql")), "select 2;\n");
    // Job files resolve against the YAML file, not the working directory.
    const ParseResult r = ProjectParser::parsePath(yaml);
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.size(), 1);
    const auto &files = r.projects.first().jobs.first().files;
    QCOMPARE(files.size(), 2);
    QCOMPARE(files.at(0).path, QStringLiteral("run.sh"));
    QVERIFY(files.at(0).executable);
    QCOMPARE(files.at(1).path, QStringLiteral("lib/x.sql"));
    QCOMPARE(files.at(1).content, QByteArray("select 2;\n"));
    QVERIFY(!files.at(1).executable);
    QCOMPARE(r.projects.first().sourceFile, yaml);
    // Without a project key, a single file is an error (in a directory it would be skipped).
    writeFile(yaml, "jobs: []\n");
    const ParseResult bad = ProjectParser::parsePath(yaml);
    QVERIFY(!bad.ok());
    QVERIFY(bad.projects.isEmpty());
    QVERIFY(bad.errors.first().message.contains(QLatin1String("missing required key 'project'")));
}

void TestProjectParser::symbolicLinkInsideTheProject()
{
    const ParseResult r = ProjectParser::parseText(
        "project: churn\njobs:\n  - {name: a, command: x, files: [lib/train-link.py]}\n",
        QStringLiteral("churn.yaml"), m_dir.path());
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.first().jobs.first().files.first().content, kTrainPy);
}

void TestProjectParser::extensions()
{
    const QByteArray yaml
        = "project: warehouse\n"
          "description: Nightly loads\n"
          "environments:\n"
          "  - dev\n"
          "  - {name: qa, approval: true}\n"
          "  - {name: prod, approval: false}\n"
          "variables:\n"
          "  - {name: RETRIES, value: 3}\n"
          "  - {name: VERBOSE, value: true}\n"
          "  - {name: EMPTY, value: \"\"}\n"
          "  - {name: TOKEN, secret: true}\n"
          "  - {name: TOKEN, secret: true, env: qa}\n"
          "  - name: DB_URL\n"
          "    value: postgresql://qa-db/wh\n"
          "    env: qa\n"
          "jobs:\n"
          "  - name: load\n"
          "    description: Loads the warehouse\n"
          "    release_note: First cut\n"
          "    command: |\n"
          "      set -e\n"
          "      psql -f sql/load.sql\n"
          "    files: [sql/load.sql, ./lib/../lib/common.sh]\n"
          "    technology: sql\n"
          "    runtime: \"16\"\n"
          "    retries: 2\n"
          "    retry_delay: 30s\n"
          "    timeout: 2h\n"
          "    resources: {cpus: 4, memory: 512M}\n"
          "  - {name: check, command: \"true\", timeout: 90}\n"
          "pipelines:\n"
          "  - name: daily\n"
          "    description: Every day\n"
          "    release_note: Adds checks\n"
          "    schedule: \"@daily\"\n"
          "    timezone: UTC\n"
          "    misfire: run_all\n"
          "    max_parallel: 2\n"
          "    variables:\n"
          "      - {name: MODE, value: full, env: prod}\n"
          "    tasks:\n"
          "      - {name: load-a, job: load, retries: 5, retry_delay: 1m, timeout: 10m}\n"
          "      - {name: load-b, job: load}\n"
          "      - name: check\n"
          "        job: check\n"
          "        after: [load-a, {task: load-b, when: always}]\n"
          "        when: failed\n"
          "      - job: load\n"
          "        after: load-b\n";
    const ParseResult r = ProjectParser::parseText(yaml, QStringLiteral("wh.yaml"), m_dir.path());
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QVERIFY2(r.warnings.isEmpty(), qPrintable(render(r.warnings)));
    const ProjectSpec &p = r.projects.first();

    QCOMPARE(p.environments.size(), 3);
    QCOMPARE(p.environments.at(0), (EnvironmentSpec { QStringLiteral("dev"), false, {}, {} }));
    QCOMPARE(p.environments.at(1), (EnvironmentSpec { QStringLiteral("qa"), true, {}, {} }));
    QCOMPARE(p.environments.at(2), (EnvironmentSpec { QStringLiteral("prod"), false, {}, {} }));

    QCOMPARE(p.variables.size(), 6);
    QCOMPARE(p.variables.at(0).value, std::optional<QString>(QStringLiteral("3")));
    QCOMPARE(p.variables.at(1).value, std::optional<QString>(QStringLiteral("true")));
    QCOMPARE(p.variables.at(2).value, std::optional<QString>(QString()));
    QVERIFY(p.variables.at(2).value.has_value());
    QVERIFY(p.variables.at(3).secret);
    QVERIFY(!p.variables.at(3).value.has_value());
    QCOMPARE(p.variables.at(4).environment, QStringLiteral("qa"));
    QCOMPARE(p.variables.at(5).value,
             std::optional<QString>(QStringLiteral("postgresql://qa-db/wh")));

    const JobSpec &load = p.jobs.at(0);
    QCOMPARE(load.description, QStringLiteral("Loads the warehouse"));
    QCOMPARE(load.releaseNote, QStringLiteral("First cut"));
    QCOMPARE(load.command, QStringLiteral("set -e\npsql -f sql/load.sql\n"));
    QCOMPARE(load.files.size(), 2);
    QCOMPARE(load.files.at(1).path, QStringLiteral("lib/common.sh")); // normalised
    QCOMPARE(load.files.at(1).content, QByteArray("common\n"));
    QCOMPARE(load.technology, QStringLiteral("sql"));
    QCOMPARE(load.runtime, QStringLiteral("16"));
    QCOMPARE(load.settings.retries, std::optional<int>(2));
    QCOMPARE(load.settings.retryDelaySeconds, std::optional<int>(30));
    QCOMPARE(load.settings.timeoutSeconds, std::optional<int>(7200));
    QCOMPARE(load.resources.cpus, std::optional<int>(4));
    QCOMPARE(load.resources.memory, QStringLiteral("512M"));
    QCOMPARE(p.jobs.at(1).command, QStringLiteral("true"));
    QCOMPARE(p.jobs.at(1).settings.timeoutSeconds, std::optional<int>(90));
    QVERIFY(p.jobs.at(1).resources.isEmpty());

    const PipelineSpec &daily = p.pipelines.first();
    QCOMPARE(daily.description, QStringLiteral("Every day"));
    QCOMPARE(daily.releaseNote, QStringLiteral("Adds checks"));
    QCOMPARE(daily.schedule, QStringLiteral("@daily"));
    QCOMPARE(daily.timezone, QStringLiteral("UTC"));
    QCOMPARE(daily.misfire, QStringLiteral("run_all"));
    QCOMPARE(daily.maxParallel, 2);
    QCOMPARE(daily.variables.size(), 1);
    QCOMPARE(daily.variables.first().environment, QStringLiteral("prod"));
    QCOMPARE(daily.tasks.size(), 4);
    QCOMPARE(daily.tasks.at(0).settings.retries, std::optional<int>(5));
    QCOMPARE(daily.tasks.at(0).settings.retryDelaySeconds, std::optional<int>(60));
    QCOMPARE(daily.tasks.at(0).settings.timeoutSeconds, std::optional<int>(600));
    QVERIFY(daily.tasks.at(1).settings.isEmpty());
    // `when` applies to plain names; a map item carries its own condition.
    QCOMPARE(daily.tasks.at(2).after,
             (QList<DependencySpec> { { QStringLiteral("load-a"), EdgeCondition::Failed, {} },
                                      { QStringLiteral("load-b"), EdgeCondition::Always, {} } }));
    // A single name stands for a one-item list.
    QCOMPARE(daily.tasks.at(3).name, QStringLiteral("load"));
    QCOMPARE(daily.tasks.at(3).after,
             (QList<DependencySpec> { { QStringLiteral("load-b"), EdgeCondition::Success, {} } }));
}

void TestProjectParser::environmentApprovals_data()
{
    QTest::addColumn<QByteArray>("environments");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QList<bool>>("approvals");
    QTest::newRow("absent: the default path")
        << QByteArray() << QStringList { "dev", "staging", "preprod", "prod" }
        << QList<bool> { false, false, false, true };
    QTest::newRow("names: prod needs approval")
        << QByteArray("environments: [test, prod]\n") << QStringList { "test", "prod" }
        << QList<bool> { false, true };
    QTest::newRow("names without prod") << QByteArray("environments: [a, b]\n")
                                        << QStringList { "a", "b" } << QList<bool> { false, false };
    QTest::newRow("map turns prod approval off")
        << QByteArray("environments: [dev, {name: prod, approval: false}]\n")
        << QStringList { "dev", "prod" } << QList<bool> { false, false };
    QTest::newRow("map turns approval on")
        << QByteArray("environments:\n  - {name: dev, approval: yes}\n  - name: prod\n")
        << QStringList { "dev", "prod" } << QList<bool> { true, true };
}

void TestProjectParser::environmentApprovals()
{
    QFETCH(QByteArray, environments);
    QFETCH(QStringList, names);
    QFETCH(QList<bool>, approvals);
    const ParseResult r = ProjectParser::parseText("project: p\n" + environments,
                                                   QStringLiteral("p.yaml"), m_dir.path());
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    const auto &envs = r.projects.first().environments;
    QStringList gotNames;
    QList<bool> gotApprovals;
    for (const auto &e : envs) {
        gotNames << e.name;
        gotApprovals << e.approvalRequired;
    }
    QCOMPARE(gotNames, names);
    QCOMPARE(gotApprovals, approvals);
}

void TestProjectParser::scheduleForms_data()
{
    QTest::addColumn<QByteArray>("schedule");
    QTest::addColumn<QString>("expected");
    QTest::newRow("five fields") << QByteArray("\"*/15 8-18 * * mon-fri\"")
                                 << QStringLiteral("*/15 8-18 * * mon-fri");
    QTest::newRow("lists") << QByteArray("\"0 1,13 1 JAN,JUL 0\"")
                           << QStringLiteral("0 1,13 1 JAN,JUL 0");
    QTest::newRow("shortcut") << QByteArray("\"@hourly\"") << QStringLiteral("@hourly");
    QTest::newRow("annually") << QByteArray("\"@annually\"") << QStringLiteral("@annually");
    QTest::newRow("none") << QByteArray("\"\"") << QString();
}

void TestProjectParser::scheduleForms()
{
    QFETCH(QByteArray, schedule);
    QFETCH(QString, expected);
    const ParseResult r = ProjectParser::parseText(
        withJobA("pipelines:\n  - {name: p, schedule: " + schedule + ", tasks: [{job: a}]}\n"),
        QStringLiteral("p.yaml"), m_dir.path());
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.first().pipelines.first().schedule, expected);
}

void TestProjectParser::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");

    const auto pipeline = [](const QByteArray &tasks) {
        return withJobA("pipelines:\n  - name: p\n    tasks:\n" + tasks);
    };

    // YAML itself
    QTest::newRow("syntax: unclosed flow list")
        << QByteArray("project: churn\njobs: [\n  {name: a\n") << "churn.yaml:4:1"
        << "YAML syntax error: end of map flow not found";
    QTest::newRow("syntax: bad indentation")
        << QByteArray("project: churn\njobs:\n  - name: a\n   command: x\n") << "churn.yaml:4:4"
        << "YAML syntax error: end of sequence not found";
    // yaml-cpp takes a quote left open at the end of the file as running to it.
    QTest::newRow("syntax: double quote never closed")
        << QByteArray("project: churn\njobs:\n  - name: a\n    command: \"true\n  - name: b\n"
                      "    command: x\n")
        << "churn.yaml:4:14"
        << "YAML syntax error: quoted string not closed";
    QTest::newRow("syntax: single quote never closed")
        << QByteArray("project: churn\njobs:\n  - name: a\n    command: 'it''s\n")
        << "churn.yaml:4:14"
        << "YAML syntax error: quoted string not closed";
    QTest::newRow("not a map") << QByteArray("- project\n") << "churn.yaml:1:1"
                               << "expected a map with a 'project' key, got a list";
    QTest::newRow("empty file") << QByteArray("# nothing\n") << "churn.yaml:1:1"
                                << "the file is empty";
    QTest::newRow("two documents")
        << QByteArray("project: a\n---\nproject: b\n") << "churn.yaml:3:1"
        << "one YAML document; found 2";
    QTest::newRow("duplicate key") << withJobA("jobs: []\n") << "churn.yaml:4:1"
                                   << "duplicate key 'jobs' (first at line 2)";
    QTest::newRow("duplicate key in job")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, command: y}\n")
        << "churn.yaml:3:27"
        << "duplicate key 'command' (first at line 3)";

    // Unknown keys
    QTest::newRow("unknown top-level key")
        << QByteArray("project: churn\njbos: []\n") << "churn.yaml:2:1"
        << "unknown key 'jbos' (did you mean 'jobs'?)";
    QTest::newRow("unknown key by prefix")
        << QByteArray("project: churn\ndesc: x\n") << "churn.yaml:2:1"
        << "unknown key 'desc' (did you mean 'description'?)";
    QTest::newRow("unknown key without suggestion")
        << QByteArray("project: churn\nzzz: x\n") << "churn.yaml:2:1"
        << "unknown key 'zzz'";
    QTest::newRow("unknown job key")
        << QByteArray("project: churn\njobs:\n  - name: extract\n    comand: ./x\n")
        << "churn.yaml:4:5"
        << "unknown key 'comand' in job 'extract' (did you mean 'command'?)";
    QTest::newRow("unknown pipeline key")
        << withJobA("pipelines:\n  - name: nightly\n    shedule: '@daily'\n    tasks: [{job: a}]\n")
        << "churn.yaml:6:5"
        << "unknown key 'shedule' in pipeline 'nightly' (did you mean 'schedule'?)";
    QTest::newRow("unknown task key")
        << pipeline("      - {job: a, retires: 2}\n") << "churn.yaml:7:18"
        << "unknown key 'retires' in task 'a' of pipeline 'p' "
           "(did you mean 'retries'?)";
    QTest::newRow("unknown variable key")
        << QByteArray("project: churn\nvariables:\n  - {name: X, vaule: 1}\n") << "churn.yaml:3:15"
        << "unknown key 'vaule' in variable 'X' (did you mean 'value'?)";
    QTest::newRow("unknown resources key")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, resources: {cpu: 2}}\n")
        << "churn.yaml:3:39"
        << "unknown key 'cpu' in resources of job 'a' (did you mean 'cpus'?)";

    // Missing required fields
    QTest::newRow("missing project") << QByteArray("description: x\njobs: []\n") << "churn.yaml:1:1"
                                     << "missing required key 'project'";
    QTest::newRow("missing command") << QByteArray(
        "project: churn\njobs:\n  - {name: a, command: x}\n  - {name: b, command: y}\n"
        "  - name: c\n    technology: bash\n")
                                     << "churn.yaml:5:5"
                                     << "job at index 2 has no 'command'";
    QTest::newRow("empty command")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: ''}\n") << "churn.yaml:3:24"
        << "command: must not be empty";
    QTest::newRow("missing job name")
        << QByteArray("project: churn\njobs:\n  - {command: x}\n") << "churn.yaml:3:5"
        << "job at index 0 has no 'name'";
    QTest::newRow("missing task job")
        << pipeline("      - {job: a}\n      - {name: t}\n") << "churn.yaml:8:9"
        << "task at index 1 of pipeline 'p' has no 'job'";
    QTest::newRow("missing tasks") << withJobA("pipelines:\n  - name: p\n") << "churn.yaml:5:5"
                                   << "pipeline at index 0 has no 'tasks'";
    QTest::newRow("empty tasks") << withJobA("pipelines:\n  - name: p\n    tasks: []\n")
                                 << "churn.yaml:6:12"
                                 << "pipeline 'p' has no tasks";
    QTest::newRow("variable without value")
        << QByteArray("project: churn\nvariables:\n  - {name: X}\n") << "churn.yaml:3:5"
        << "variable 'X' has no 'value'";
    QTest::newRow("after item without task")
        << pipeline("      - {job: a, after: [{when: failed}]}\n") << "churn.yaml:7:26"
        << "has no 'task'";

    // Duplicates point at the second and name the first
    QTest::newRow("duplicate job")
        << QByteArray("project: churn\njobs:\n  - {name: train, command: x}\n"
                      "  - {name: train, command: y}\n")
        << "churn.yaml:4:12"
        << "duplicate job 'train' (first defined at line 3)";
    QTest::newRow("duplicate pipeline") << withJobA("pipelines:\n  - {name: p, tasks: [{job: a}]}\n"
                                                    "  - {name: p, tasks: [{job: a}]}\n")
                                        << "churn.yaml:6:12"
                                        << "duplicate pipeline 'p' (first defined at line 5)";
    QTest::newRow("duplicate task")
        << pipeline("      - job: a\n      - job: a\n") << "churn.yaml:8:14"
        << "duplicate task 'a' in pipeline 'p' (first defined at line 7";
    QTest::newRow("duplicate variable")
        << QByteArray("project: churn\nvariables:\n  - {name: X, value: 1}\n"
                      "  - {name: X, value: 2}\n")
        << "churn.yaml:4:12"
        << "duplicate variable 'X' (first defined at line 3)";
    QTest::newRow("duplicate variable in an environment")
        << QByteArray("project: churn\nvariables:\n  - {name: X, value: 1, env: prod}\n"
                      "  - {name: X, value: 1}\n  - {name: X, value: 2, env: prod}\n")
        << "churn.yaml:5:12"
        << "duplicate variable 'X' for environment 'prod' (first defined at line 3)";
    QTest::newRow("duplicate environment")
        << QByteArray("project: churn\nenvironments: [dev, prod, {name: dev}]\n")
        << "churn.yaml:2:34"
        << "duplicate environment 'dev' (first defined at line 2)";

    // Tasks and their dependencies
    QTest::newRow("unknown job with suggestion")
        << QByteArray("project: churn\njobs:\n  - {name: train, command: x}\npipelines:\n"
                      "  - {name: p, tasks: [{job: trian}]}\n")
        << "churn.yaml:5:29"
        << "unknown job 'trian' (did you mean 'train'?)";
    QTest::newRow("after unknown task")
        << pipeline("      - {name: extract, job: a}\n      - {job: a, after: [extrct]}\n")
        << "churn.yaml:8:26"
        << "task 'a' runs after unknown task 'extrct' (did you mean 'extract'?)";
    QTest::newRow("self dependency")
        << pipeline("      - {job: a, after: [a]}\n") << "churn.yaml:7:26"
        << "task 'a' depends on itself";
    QTest::newRow("same dependency twice") << pipeline("      - {name: b, job: a}\n"
                                                       "      - {job: a, after: [b, b]}\n")
                                           << "churn.yaml:8:29"
                                           << "lists 'b' twice";
    QTest::newRow("3-node cycle") << QByteArray(
        "project: churn\njobs:\n  - {name: extract, command: x}\n"
        "  - {name: train, command: x}\n  - {name: score, command: x}\n"
        "pipelines:\n  - name: p\n    tasks:\n"
        "      - {job: extract, after: [score]}\n"
        "      - {job: train, after: [extract]}\n"
        "      - {job: score, after: [train]}\n")
                                  << "churn.yaml:9:9"
                                  << "dependency cycle: extract → train → score → extract";
    QTest::newRow("cycle starts at the first task written")
        << pipeline("      - {name: x, job: a}\n      - {name: b, job: a, after: [c]}\n"
                    "      - {name: c, job: a, after: [b]}\n")
        << "churn.yaml:8:9"
        << "dependency cycle: b → c → b";
    QTest::newRow("bad when") << pipeline("      - {name: b, job: a}\n"
                                          "      - {job: a, after: [b], when: failure}\n")
                              << "churn.yaml:8:36"
                              << "when: expected success, failed or always, got 'failure'";
    QTest::newRow("bad when in an after item") << pipeline(
        "      - {name: b, job: a}\n      - {job: a, after: [{task: b, when: sucess}]}\n")
                                               << "churn.yaml:8:42"
                                               << "got 'sucess' (did you mean 'success'?)";

    // Values of the wrong type or form
    QTest::newRow("bad retries type")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, retries: two}\n")
        << "churn.yaml:3:36"
        << "retries: expected a whole number ≥ 0, got 'two'";
    QTest::newRow("negative retries")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, retries: -1}\n")
        << "churn.yaml:3:36"
        << "retries: expected a whole number ≥ 0, got '-1'";
    QTest::newRow("task retries") << pipeline("      - {job: a, retries: [1]}\n")
                                  << "churn.yaml:7:27"
                                  << "retries: expected a whole number ≥ 0, got a list";
    QTest::newRow("bad duration")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, timeout: soon}\n")
        << "churn.yaml:3:36"
        << "timeout: expected a duration such as 90s, 10m, 2h or 1d, got 'soon'";
    QTest::newRow("zero timeout") << QByteArray(
        "project: churn\njobs:\n  - {name: a, command: x, timeout: 0s}\n")
                                  << "churn.yaml:3:36"
                                  << "timeout: must be longer than 0s";
    QTest::newRow("bad task retry_delay")
        << pipeline("      - {job: a, retry_delay: 5x}\n") << "churn.yaml:7:31"
        << "retry_delay: expected a duration";
    QTest::newRow("bad cpus") << QByteArray(
        "project: churn\njobs:\n  - {name: a, command: x, resources: {cpus: 0}}\n")
                              << "churn.yaml:3:45"
                              << "cpus: expected a whole number ≥ 1, got '0'";
    QTest::newRow("bad memory") << QByteArray(
        "project: churn\njobs:\n  - {name: a, command: x, resources: {memory: 4GB}}\n")
                                << "churn.yaml:3:47"
                                << "memory: expected a size such as 512M or 4G, got '4GB'";
    QTest::newRow("command is a list")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: [x]}\n") << "churn.yaml:3:24"
        << "command: expected text, got a list";
    QTest::newRow("jobs is not a list")
        << QByteArray("project: churn\njobs: extract\n") << "churn.yaml:2:7"
        << "jobs: expected a list of jobs";
    QTest::newRow("secret is not a bool")
        << QByteArray("project: churn\nvariables:\n  - {name: X, secret: maybe}\n")
        << "churn.yaml:3:23"
        << "secret: expected true or false, got 'maybe'";
    QTest::newRow("value is a map")
        << QByteArray("project: churn\nvariables:\n  - {name: X, value: {a: 1}}\n")
        << "churn.yaml:3:22"
        << "value: expected text, a number or true/false, got a map";
    QTest::newRow("unknown environment for a variable")
        << QByteArray("project: churn\nvariables:\n  - {name: X, value: 1, env: prd}\n")
        << "churn.yaml:3:30"
        << "unknown environment 'prd' (did you mean 'prod'?)";
    QTest::newRow("empty environments")
        << QByteArray("project: churn\nenvironments: []\n") << "churn.yaml:2:15"
        << "environments: the list is empty";
    QTest::newRow("bad misfire") << withJobA("pipelines:\n  - {name: p, misfire: run_one, "
                                             "tasks: [{job: a}]}\n")
                                 << "churn.yaml:5:24"
                                 << "got 'run_one' (did you mean 'run_once'?)";
    QTest::newRow("bad max_parallel")
        << withJobA("pipelines:\n  - {name: p, max_parallel: 0, tasks: [{job: a}]}\n")
        << "churn.yaml:5:29"
        << "max_parallel: expected a whole number ≥ 1, got '0'";

    // Schedules and time zones
    QTest::newRow("bad time zone")
        << withJobA("pipelines:\n  - {name: p, timezone: Europe/Pariss, tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "unknown time zone 'Europe/Pariss' (did you mean 'Europe/Paris'?)";
    QTest::newRow("schedule with 4 fields")
        << withJobA("pipelines:\n  - {name: p, schedule: '0 2 * *', tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "schedule: expected 5 fields (minute hour day-of-month month day-of-week), got 4";
    QTest::newRow("schedule with a malformed field")
        << withJobA("pipelines:\n  - {name: p, schedule: '0 2? * * *', tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "schedule: hour field: '2?' is not a number";
    // Validated as the engine reads it, not only by shape (#17): each names the field.
    QTest::newRow("schedule hour out of range")
        << withJobA("pipelines:\n  - {name: p, schedule: '0 25 * * *', tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "schedule: hour field: '25' is out of range 0-23 in '0 25 * * *'";
    QTest::newRow("schedule minute out of range")
        << withJobA("pipelines:\n  - {name: p, schedule: '61 * * * *', tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "schedule: minute field: '61' is out of range 0-59";
    QTest::newRow("schedule step of zero")
        << withJobA("pipelines:\n  - {name: p, schedule: '*/0 * * * *', tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "schedule: minute field: step '0' in '*/0' is out of range 1-59";
    QTest::newRow("unknown schedule shortcut")
        << withJobA("pipelines:\n  - {name: p, schedule: '@dialy', tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "unknown shortcut '@dialy' (did you mean '@daily'?)";

    // Names
    QTest::newRow("invalid project name")
        << QByteArray("project: my project\n") << "churn.yaml:1:10"
        << "invalid project name 'my project'";
    QTest::newRow("invalid job name")
        << QByteArray("project: churn\njobs:\n  - {name: .hidden, command: x}\n")
        << "churn.yaml:3:12"
        << "invalid job name '.hidden'";
    QTest::newRow("invalid pipeline name")
        << withJobA("pipelines:\n  - {name: 'a/b', tasks: [{job: a}]}\n") << "churn.yaml:5:12"
        << "invalid pipeline name 'a/b'";
    QTest::newRow("invalid task name")
        << pipeline("      - {name: 'x y', job: a}\n") << "churn.yaml:7:16"
        << "invalid task name 'x y'";
    QTest::newRow("invalid environment name")
        << QByteArray("project: churn\nenvironments: [dev, 'pre prod']\n") << "churn.yaml:2:21"
        << "invalid environment name 'pre prod'";
    QTest::newRow("invalid variable name")
        << QByteArray("project: churn\nvariables:\n  - {name: 1X, value: a}\n") << "churn.yaml:3:12"
        << "invalid variable name '1X'";

    // A NUL cannot reach a process: refused at import, not at run time.
    QTest::newRow("NUL in command")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: \"echo a\\0b\"}\n")
        << "churn.yaml:3:24"
        << "command: contains a NUL character";
    QTest::newRow("NUL in a variable")
        << QByteArray("project: churn\nvariables:\n  - {name: X, value: \"a\\x00\"}\n")
        << "churn.yaml:3:22"
        << "value: contains a NUL character";

    // Job files
    QTest::newRow("missing file") << QByteArray(
        "project: churn\njobs:\n  - {name: a, command: x, files: [missing.sh]}\n")
                                  << "churn.yaml:3:35"
                                  << "file 'missing.sh' not found";
    QTest::newRow("file escaping with ..")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, files: [lib/../../x.sh]}\n")
        << "churn.yaml:3:35"
        << "file 'lib/../../x.sh' escapes the project file's directory";
    QTest::newRow("absolute file path")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, files: [/etc/hostname]}\n")
        << "churn.yaml:3:35"
        << "file '/etc/hostname' is an absolute path";
    QTest::newRow("symbolic link to an absolute path")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, files: [abs-link.txt]}\n")
        << "churn.yaml:3:35"
        << "file 'abs-link.txt' is a symbolic link to /";
    QTest::newRow("symbolic link up with ../..")
        << QByteArray(
               "project: churn\njobs:\n  - {name: a, command: x, files: [lib/rel-link.txt]}\n")
        << "churn.yaml:3:35"
        << "file 'lib/rel-link.txt' is a symbolic link to /";
    QTest::newRow("through a linked directory") << QByteArray(
        "project: churn\njobs:\n  - {name: a, command: x, files: [linked/secret.txt]}\n")
                                                << "churn.yaml:3:35"
                                                << "outside the project file's directory";
    QTest::newRow("directory as a file")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, files: [lib]}\n")
        << "churn.yaml:3:35"
        << "file 'lib' is a directory";
    QTest::newRow("file listed twice")
        << QByteArray("project: churn\njobs:\n  - {name: a, command: x, files: [train.py, "
                      "./train.py]}\n")
        << "churn.yaml:3:45"
        << "file 'train.py' is listed twice";

    // Lists of named maps (jobs, pipelines, tasks, variables, environments, alerts) read
    // through one helper: each kind keeps its own words and positions.
    QTest::newRow("named list: pipeline not a map")
        << withJobA("pipelines:\n  - p\n") << "churn.yaml:5:5"
        << "pipelines: expected a map describing a pipeline, got 'p'";
    QTest::newRow("named list: task not a map")
        << pipeline("      - a\n") << "churn.yaml:7:9"
        << "tasks: expected a map such as {job: ...}, got 'a'";
    QTest::newRow("named list: variable not a map")
        << QByteArray("project: churn\nvariables:\n  - X\n") << "churn.yaml:3:5"
        << "variables: expected {name: ..., value: ...}, got 'X'";
    QTest::newRow("named list: alert not a map")
        << withJobA("alerts:\n  - big\n") << "churn.yaml:5:5"
        << "alerts: expected {name: ..., metric: ..., above: ...}, got 'big'";
    QTest::newRow("named list: variable without name")
        << QByteArray("project: churn\nvariables:\n  - {value: x}\n") << "churn.yaml:3:5"
        << "variable at index 0 has no 'name'";
    QTest::newRow("named list: environment without name")
        << QByteArray("project: churn\nenvironments:\n  - dev\n  - {approval: true}\n")
        << "churn.yaml:4:5"
        << "environment at index 1 has no 'name'";
    QTest::newRow("named list: alert without name")
        << withJobA("alerts:\n  - {metric: rows, above: 5}\n") << "churn.yaml:5:5"
        << "alert at index 0 has no 'name'";
    QTest::newRow("named list: duplicate alert")
        << withJobA("alerts:\n  - {name: big, metric: rows, above: 5}\n"
                    "  - {name: big, metric: rows, below: 1}\n")
        << "churn.yaml:6:12"
        << "duplicate alert 'big' (first defined at line 5)";
    QTest::newRow("named list: unknown key in alert")
        << withJobA("alerts:\n  - {name: big, metric: rows, above: 5, colour: red}\n")
        << "churn.yaml:5:41"
        << "unknown key 'colour' in alert 'big'";
    QTest::newRow("named list: unknown key in environment")
        << QByteArray("project: churn\nenvironments:\n  - {name: dev, colour: red}\n")
        << "churn.yaml:3:17"
        << "unknown key 'colour' in environment 'dev'";
    QTest::newRow("named list: unknown key in task named by its job")
        << pipeline("      - {job: a, colour: red}\n") << "churn.yaml:7:18"
        << "unknown key 'colour' in task 'a' of pipeline 'p'";

    // Positions count characters, not bytes.
    QTest::newRow("column after non-ASCII text")
        << QByteArray("project: churn\ndescription: \"é\"\njobs: [{name: é, command: x}]\n")
        << "churn.yaml:3:15"
        << "invalid job name 'é'";
}

void TestProjectParser::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, where);
    QFETCH(QString, message);
    const ParseResult r
        = ProjectParser::parseText(yaml, QStringLiteral("churn.yaml"), m_dir.path());
    QVERIFY(!r.ok());
    QVERIFY(r.projects.isEmpty());
    const bool found = std::any_of(r.errors.begin(), r.errors.end(), [&](const Diagnostic &d) {
        return d.where.toString() == where && d.message.contains(message);
    });
    QVERIFY2(found,
             qPrintable(QStringLiteral("expected %1: ...%2...\ngot:\n%3")
                            .arg(where, message, render(r.errors))));
    // One mistake, one error: no cascade (a misspelt key is not also reported missing).
    QCOMPARE(r.errors.size(), 1);
    // Errors come in line order.
    for (int i = 1; i < r.errors.size(); ++i)
        QVERIFY(r.errors.at(i - 1).where.line <= r.errors.at(i).where.line);
}

void TestProjectParser::warnings_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("message");
    QTest::newRow("secret value in the file")
        << QByteArray("project: churn\nvariables:\n  - {name: T, value: abc, secret: true}\n")
        << "churn.yaml:3:22"
        << "secret 'T' has its value written in the file";
    QTest::newRow("when without after")
        << withJobA("pipelines:\n  - {name: p, tasks: [{job: a, when: failed}]}\n")
        << "churn.yaml:5:38"
        << "when: has no effect without 'after'";
    QTest::newRow("schedule that never fires")
        << withJobA("pipelines:\n  - {name: p, schedule: '0 0 30 2 *', tasks: [{job: a}]}\n")
        << "churn.yaml:5:25"
        << "schedule '0 0 30 2 *' never fires";
}

void TestProjectParser::warnings()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, where);
    QFETCH(QString, message);
    const ParseResult r
        = ProjectParser::parseText(yaml, QStringLiteral("churn.yaml"), m_dir.path());
    // Warnings never stop an import.
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.size(), 1);
    QCOMPARE(r.warnings.size(), 1);
    QCOMPARE(r.warnings.first().where.toString(), where);
    QVERIFY2(r.warnings.first().message.contains(message), qPrintable(render(r.warnings)));
}

void TestProjectParser::everyErrorInAFileIsReported()
{
    const QByteArray yaml = "project: churn\n"
                            "jobs:\n"
                            "  - name: a\n"
                            "    command: x\n"
                            "    retries: two\n"
                            "pipelines:\n"
                            "  - name: p\n"
                            "    tasks:\n"
                            "      - job: b\n"
                            "        after: [a, c]\n"
                            "extra: 1\n";
    const ParseResult r
        = ProjectParser::parseText(yaml, QStringLiteral("churn.yaml"), m_dir.path());
    QVERIFY(r.projects.isEmpty());
    // Found in the order top level, jobs, pipelines; reported in line order.
    QCOMPARE(render(r.errors),
             QStringLiteral("churn.yaml:5:14: retries: expected a whole number ≥ 0, got 'two'\n"
                            "churn.yaml:9:14: unknown job 'b'\n"
                            "churn.yaml:10:17: task 'b' runs after unknown task 'a' in pipeline "
                            "'p'\n"
                            "churn.yaml:10:20: task 'b' runs after unknown task 'c' in pipeline "
                            "'p'\n"
                            "churn.yaml:11:1: unknown key 'extra'"));
}

void TestProjectParser::directoryScan()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // b/ sorts after a/ even though it is written first.
    writeFile(dir.filePath(QStringLiteral("b/beta.yaml")), "project: beta\n");
    writeFile(dir.filePath(QStringLiteral("a/deep/alpha.yml")),
              "project: alpha\njobs:\n  - {name: j, command: x, files: [conf/settings.yaml]}\n");
    // A job's own YAML file is content, not a project: not even a warning.
    writeFile(dir.filePath(QStringLiteral("a/deep/conf/settings.yaml")), "threshold: 3\n");
    writeFile(dir.filePath(QStringLiteral("c/notes.yaml")), "title: not a project\n");
    writeFile(dir.filePath(QStringLiteral("c/readme.txt")), "project: ignored\n");
    // Hidden directories (.git, .venv, ...) are not searched.
    writeFile(dir.filePath(QStringLiteral(".git/broken.yaml")), "project: [\n");

    const ParseResult r = ProjectParser::parsePath(dir.path());
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.size(), 2);
    QCOMPARE(r.projects.at(0).name, QStringLiteral("alpha"));
    QCOMPARE(r.projects.at(0).sourceFile, dir.filePath(QStringLiteral("a/deep/alpha.yml")));
    QCOMPARE(r.projects.at(0).jobs.first().files.first().content, QByteArray("threshold: 3\n"));
    QCOMPARE(r.projects.at(1).name, QStringLiteral("beta"));
    QCOMPARE(r.warnings.size(), 1);
    QCOMPARE(r.warnings.first().where.file, dir.filePath(QStringLiteral("c/notes.yaml")));
    QVERIFY(r.warnings.first().message.contains(QLatin1String("not a project file")));

    // A file that means to be a project (it has jobs) but lacks its name is an error.
    writeFile(dir.filePath(QStringLiteral("c/broken.yaml")), "jobs: []\n");
    const ParseResult bad = ProjectParser::parsePath(dir.path());
    QVERIFY(bad.projects.isEmpty());
    QCOMPARE(bad.errors.size(), 1);
    QCOMPARE(bad.errors.first().where.toString(),
             dir.filePath(QStringLiteral("c/broken.yaml")) + QStringLiteral(":1:1"));
}

void TestProjectParser::duplicateProjectsAcrossFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString first = dir.filePath(QStringLiteral("one.yaml"));
    const QString second = dir.filePath(QStringLiteral("two/churn.yml"));
    writeFile(first, "project: churn\n");
    writeFile(second, "# the same again\nproject: churn\njobs: [{name: a}]\n");
    const ParseResult r = ProjectParser::parsePath(dir.path());
    QVERIFY(r.projects.isEmpty());
    // Every error of every file, file by file.
    QCOMPARE(r.errors.size(), 2);
    QCOMPARE(r.errors.at(0).where.toString(), second + QStringLiteral(":2:1"));
    QCOMPARE(r.errors.at(0).message,
             QStringLiteral("duplicate project 'churn' (first defined in %1:1:1)").arg(first));
    QCOMPARE(r.errors.at(1).where.toString(), second + QStringLiteral(":3:8"));
    QVERIFY(r.errors.at(1).message.contains(QLatin1String("has no 'command'")));
}

void TestProjectParser::nonexistentPath()
{
    const QString path = m_dir.filePath(QStringLiteral("no/such/place"));
    const ParseResult r = ProjectParser::parsePath(path);
    QVERIFY(r.projects.isEmpty());
    QCOMPARE(r.errors.size(), 1);
    QCOMPARE(r.errors.first().where.file, path);
    QCOMPARE(r.errors.first().toString(), path + QStringLiteral(": no such file or directory"));
}

void TestProjectParser::emptyDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("sub/readme.md")), "# no YAML here\n");
    const ParseResult r = ProjectParser::parsePath(dir.path());
    QVERIFY(r.projects.isEmpty());
    QCOMPARE(r.errors.size(), 1);
    QCOMPARE(r.errors.first().where.file, dir.path());
    QVERIFY(r.errors.first().message.contains(QLatin1String("no .yaml or .yml files")));
}

void TestProjectParser::resourcePaths()
{
    const QString rcc
        = QLibraryInfo::path(QLibraryInfo::LibraryExecutablesPath) + QStringLiteral("/rcc");
    if (!QFileInfo::exists(rcc))
        QSKIP("rcc is not installed");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // On disk nothing is executable: inside resources it is the name or the shebang that counts.
    writeFile(dir.filePath(QStringLiteral("demo/project.yaml")),
              "project: demo\njobs:\n  - {name: a, command: ./run.sh, files: [run.sh, tool, "
              "data.txt]}\n");
    writeFile(dir.filePath(QStringLiteral("demo/run.sh")), "echo run\n");
    writeFile(dir.filePath(QStringLiteral("demo/tool")), "#!/usr/bin/env python3\n");
    writeFile(dir.filePath(QStringLiteral("demo/data.txt")), "1,2,3\n");
    writeFile(dir.filePath(QStringLiteral("demo.qrc")),
              "<RCC><qresource prefix=\"/tst_projectparser\">"
              "<file>demo/project.yaml</file><file>demo/run.sh</file><file>demo/tool</file>"
              "<file>demo/data.txt</file></qresource></RCC>\n");
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.start(rcc,
                  { QStringLiteral("--binary"), QStringLiteral("-o"), QStringLiteral("demo.rcc"),
                    QStringLiteral("demo.qrc") });
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QString rccFile = dir.filePath(QStringLiteral("demo.rcc"));
    QVERIFY(QResource::registerResource(rccFile));

    const ParseResult r = ProjectParser::parsePath(QStringLiteral(":/tst_projectparser"));
    QVERIFY(QResource::unregisterResource(rccFile));
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.size(), 1);
    QCOMPARE(r.projects.first().sourceFile,
             QStringLiteral(":/tst_projectparser/demo/project.yaml"));
    const auto &files = r.projects.first().jobs.first().files;
    QCOMPARE(files.size(), 3);
    QCOMPARE(files.at(0).content, QByteArray("echo run\n"));
    QVERIFY(files.at(0).executable);
    QVERIFY(files.at(1).executable);
    QVERIFY(!files.at(2).executable);
}

QTEST_GUILESS_MAIN(TestProjectParser)
#include "tst_projectparser.moc"
