#include "io/projectemitter.h"
#include "io/projectparser.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;

namespace {

// The documented minimal form (comments and all).
const QByteArray kMinimal
    = "project: churn\n"
      "description: Customer churn scoring\n"
      "environments: [dev, staging, preprod, prod]    # ordered promotion path (optional)\n"
      "variables:\n"
      "  - {name: DB_URL, value: \"postgresql://dev-db/churn\"}\n"
      "  - {name: API_TOKEN, value: \"s3cr3t\", secret: true, env: prod}\n"
      "jobs:\n"
      "  - name: extract\n"
      "    command: \"./extract.sh\"                    # run by /bin/sh -c in the job's dir\n"
      "    files: [extract.sh]\n"
      "    technology: bash\n"
      "  - {name: train, command: \"python3 train.py\", files: [train.py], technology: python}\n"
      "  - {name: notify, command: \"echo churn pipeline failed >&2\"}\n"
      "pipelines:\n"
      "  - name: nightly\n"
      "    schedule: \"0 2 * * *\"\n"
      "    timezone: Europe/Paris\n"
      "    tasks:\n"
      "      - job: extract\n"
      "      - job: train\n"
      "        after: [extract]\n"
      "      - {name: alert, job: notify, after: [train], when: failed}\n";

// What the minimal form exports to: the canonical form, byte for byte.
const QByteArray kMinimalCanonical = "# Exported by Baton — jobs-as-code\n"
                                     "project: churn\n"
                                     "description: Customer churn scoring\n"
                                     "environments: [dev, staging, preprod, prod]\n"
                                     "variables:\n"
                                     "  - {name: DB_URL, value: \"postgresql://dev-db/churn\"}\n"
                                     "  - {name: API_TOKEN, secret: true, env: prod}\n"
                                     "jobs:\n"
                                     "  - name: extract\n"
                                     "    command: ./extract.sh\n"
                                     "    files: [extract.sh]\n"
                                     "    technology: bash\n"
                                     "  - name: train\n"
                                     "    command: python3 train.py\n"
                                     "    files: [train.py]\n"
                                     "    technology: python\n"
                                     "  - name: notify\n"
                                     "    command: echo churn pipeline failed >&2\n"
                                     "pipelines:\n"
                                     "  - name: nightly\n"
                                     "    schedule: 0 2 * * *\n"
                                     "    timezone: Europe/Paris\n"
                                     "    tasks:\n"
                                     "      - job: extract\n"
                                     "      - job: train\n"
                                     "        after: [extract]\n"
                                     "      - name: alert\n"
                                     "        job: notify\n"
                                     "        after: [train]\n"
                                     "        when: failed\n";

const QString kSecret = QStringLiteral("s3cr3t-DO-NOT-LEAK");

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

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

QString render(const QList<Diagnostic> &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

JobSpec job(const QString &name, const QString &command)
{
    JobSpec j;
    j.name = name;
    j.command = command;
    return j;
}

TaskSpec task(const QString &job, const QList<DependencySpec> &after = {}, const QString &name = {})
{
    TaskSpec t;
    t.job = job;
    t.name = name.isEmpty() ? job : name;
    t.after = after;
    return t;
}

DependencySpec dep(const QString &task, EdgeCondition when = EdgeCondition::Success)
{
    return { task, when, {} };
}

/// Everything the format can say, in one project.
ProjectSpec richProject()
{
    ProjectSpec p;
    p.name = QStringLiteral("warehouse");
    p.description = QStringLiteral("Loads: nightly # and on demand");
    p.environments = { { QStringLiteral("dev"), false, {}, {} },
                       { QStringLiteral("qa"), true, {}, {} },
                       { QStringLiteral("prod"), false, {}, {} } };
    p.variables << VariableSpec { QStringLiteral("DB_URL"),
                                  QStringLiteral("postgresql://qa/wh"),
                                  false,
                                  QStringLiteral("qa"),
                                  {} };
    p.variables << VariableSpec {
        QStringLiteral("API_TOKEN"), kSecret, true, QStringLiteral("prod"), {}
    };
    p.variables << VariableSpec { QStringLiteral("KEEP"), std::nullopt, true, {}, {} };
    p.variables << VariableSpec { QStringLiteral("FLAG"), QStringLiteral("true"), false, {}, {} };
    p.variables << VariableSpec { QStringLiteral("EMPTY"), QString(), false, {}, {} };

    JobSpec load = job(QStringLiteral("load"), QStringLiteral("set -e\n./load.sh \"$DB_URL\"\n"));
    load.description = QStringLiteral("Loads the warehouse");
    load.releaseNote = QStringLiteral("not exported");
    load.technology = QStringLiteral("bash");
    load.runtime = QStringLiteral("5.2");
    load.files << JobFile { QStringLiteral("load.sh"), "#!/bin/sh\necho load\n", true };
    load.files << JobFile { QStringLiteral("lib/common.sh"), "common() { :; }\n", false };
    load.resources.cpus = 4;
    load.resources.memory = QStringLiteral("512M");
    load.settings.retries = 3;
    load.settings.retryDelaySeconds = 90;
    load.settings.timeoutSeconds = 7200;
    p.jobs << load;
    JobSpec check = job(QStringLiteral("check"), QStringLiteral("psql -c 'select 1' # probe"));
    check.files << JobFile { QStringLiteral("lib/common.sh"), "common() { :; }\n", false };
    check.resources.memory = QStringLiteral("4G");
    p.jobs << check;
    p.jobs << job(QStringLiteral("notify"), QStringLiteral("echo failed >&2"));

    PipelineSpec daily;
    daily.name = QStringLiteral("daily");
    daily.description = QStringLiteral("Every day");
    daily.releaseNote = QStringLiteral("not exported either");
    daily.schedule = QStringLiteral("*/15 8-18 * * mon-fri");
    daily.timezone = QStringLiteral("Europe/Paris");
    daily.misfire = QStringLiteral("run_all");
    daily.maxParallel = 2;
    daily.variables << VariableSpec {
        QStringLiteral("MODE"), QStringLiteral("full"), false, QStringLiteral("prod"), {}
    };
    TaskSpec first = task(QStringLiteral("load"), {}, QStringLiteral("load-a"));
    first.settings.retries = 0;
    first.settings.timeoutSeconds = 600;
    daily.tasks << first;
    daily.tasks << task(QStringLiteral("load"), {}, QStringLiteral("load-b"));
    // Conditions differ per edge: each is written with its own.
    daily.tasks << task(
        QStringLiteral("check"),
        { dep(QStringLiteral("load-a")), dep(QStringLiteral("load-b"), EdgeCondition::Always) });
    daily.tasks << task(QStringLiteral("notify"),
                        { dep(QStringLiteral("check"), EdgeCondition::Failed),
                          dep(QStringLiteral("load-b"), EdgeCondition::Failed) });
    p.pipelines << daily;

    PipelineSpec adhoc;
    adhoc.name = QStringLiteral("adhoc");
    adhoc.schedule = QStringLiteral("@hourly");
    adhoc.tasks << task(QStringLiteral("check"));
    p.pipelines << adhoc;
    return p;
}

/// Parses @p yaml with job files resolved in @p baseDir; fails the test on any error.
ProjectSpec parse(const QByteArray &yaml, const QString &baseDir)
{
    const ParseResult r = ProjectParser::parseText(yaml, QStringLiteral("project.yaml"), baseDir);
    [&] {
        QVERIFY2(r.ok(), qPrintable(render(r.errors) + QStringLiteral("\n") + yaml));
    }();
    return r.projects.value(0);
}

} // namespace

class TestProjectEmitter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void minimalFormIsCanonical();
    void roundTrip_data();
    void roundTrip();
    void richProjectThroughFiles();
    void environments_data();
    void environments();
    void edgeConditions_data();
    void edgeConditions();
    void stringsSurvive_data();
    void stringsSurvive();
    void secretsNeverWritten();
    void writeProjectWritesFiles();
    void conflictingSharedFileThrows();
    void unwritableDirectoryThrows();

private:
    QTemporaryDir m_dir;
};

void TestProjectEmitter::initTestCase()
{
    QVERIFY(m_dir.isValid());
    writeFile(m_dir.filePath(QStringLiteral("extract.sh")), "#!/bin/sh\necho extract\n", true);
    writeFile(m_dir.filePath(QStringLiteral("train.py")), "print('train')\n");
}

void TestProjectEmitter::minimalFormIsCanonical()
{
    const ProjectSpec p = parse(kMinimal, m_dir.path());
    QCOMPARE(ProjectEmitter::toYaml(p), kMinimalCanonical);
}

void TestProjectEmitter::roundTrip_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("minimal") << kMinimal;
    QTest::newRow("rich, from YAML")
        << QByteArray("project: wh\n"
                      "environments: [dev, {name: qa, approval: true}, {name: prod, approval: "
                      "false}]\n"
                      "variables:\n"
                      "  - {name: T, secret: true}\n"
                      "  - {name: N, value: 3, env: qa}\n"
                      "jobs:\n"
                      "  - name: a\n"
                      "    command: |\n"
                      "      echo one\n"
                      "      echo two # not a comment\n"
                      "    files: [./extract.sh]\n"
                      "    resources: {memory: 1G, cpus: 2}\n"
                      "    timeout: 3600\n"
                      "    retry_delay: 120s\n"
                      "    retries: 1\n"
                      "  - {name: b, command: 'x: y', release_note: dropped}\n"
                      "pipelines:\n"
                      "  - name: p\n"
                      "    max_parallel: 3\n"
                      "    misfire: skip\n"
                      "    tasks:\n"
                      "      - {job: a, timeout: 1d}\n"
                      "      - {name: b1, job: b, after: [{task: a, when: always}]}\n"
                      "      - {name: b2, job: b, after: [a, b1], when: always}\n"
                      "      - {name: b3, job: b, after: [{task: a}, {task: b1, when: failed}]}\n");
}

void TestProjectEmitter::roundTrip()
{
    QFETCH(QByteArray, yaml);
    const ProjectSpec first = parse(yaml, m_dir.path());
    const QByteArray exported = ProjectEmitter::toYaml(first);
    const ProjectSpec second = parse(exported, m_dir.path());
    const QByteArray again = ProjectEmitter::toYaml(second);
    QCOMPARE(again, exported);
    // And the export means what the original said.
    QCOMPARE(second.name, first.name);
    QCOMPARE(second.environments, first.environments);
    QCOMPARE(second.jobs.size(), first.jobs.size());
    for (int i = 0; i < first.jobs.size(); ++i)
        QVERIFY2(second.jobs.at(i).sameContent(first.jobs.at(i)),
                 qPrintable(first.jobs.at(i).name));
    QCOMPARE(second.pipelines.size(), first.pipelines.size());
    for (int i = 0; i < first.pipelines.size(); ++i) {
        QVERIFY(second.pipelines.at(i).sameContent(first.pipelines.at(i)));
        QCOMPARE(second.pipelines.at(i).schedule, first.pipelines.at(i).schedule);
        QCOMPARE(second.pipelines.at(i).timezone, first.pipelines.at(i).timezone);
        QCOMPARE(second.pipelines.at(i).misfire, first.pipelines.at(i).misfire);
    }
}

void TestProjectEmitter::richProjectThroughFiles()
{
    const ProjectSpec rich = richProject();
    QTemporaryDir out;
    QVERIFY(out.isValid());
    ProjectEmitter::writeProject(rich, out.path());
    const QString projectFile = out.filePath(QStringLiteral("warehouse/project.yaml"));
    const QByteArray exported = readFile(projectFile);
    QCOMPARE(exported, ProjectEmitter::toYaml(rich));

    // Import what was written, from disk: same definitions, same bytes on export.
    const ParseResult r = ProjectParser::parsePath(out.path());
    QVERIFY2(r.ok(), qPrintable(render(r.errors)));
    QCOMPARE(r.projects.size(), 1);
    const ProjectSpec &back = r.projects.first();
    QCOMPARE(ProjectEmitter::toYaml(back), exported);
    QCOMPARE(back.environments, rich.environments);
    QCOMPARE(back.jobs.size(), rich.jobs.size());
    for (int i = 0; i < rich.jobs.size(); ++i)
        QVERIFY2(back.jobs.at(i).sameContent(rich.jobs.at(i)), qPrintable(rich.jobs.at(i).name));
    QVERIFY(back.jobs.first().releaseNote.isEmpty()); // release notes belong to versions
    QCOMPARE(back.pipelines.size(), 2);
    QVERIFY(back.pipelines.first().sameContent(rich.pipelines.first()));
    QVERIFY(back.pipelines.first().releaseNote.isEmpty());
    QCOMPARE(back.pipelines.first().variables, rich.pipelines.first().variables);
    QCOMPARE(back.pipelines.last().schedule, QStringLiteral("@hourly"));
    // Every variable comes back, except that secrets lose their value.
    QCOMPARE(back.variables.size(), rich.variables.size());
    for (int i = 0; i < rich.variables.size(); ++i) {
        VariableSpec expected = rich.variables.at(i);
        if (expected.secret)
            expected.value.reset();
        QCOMPARE(back.variables.at(i), expected);
    }
}

void TestProjectEmitter::environments_data()
{
    QTest::addColumn<QList<EnvironmentSpec>>("environments");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("defaults") << defaultEnvironments()
                              << QByteArray("environments: [dev, staging, preprod, prod]\n");
    QTest::newRow("names, prod approves")
        << QList<EnvironmentSpec> { { "test", false, {}, {} }, { "prod", true, {}, {} } }
        << QByteArray("environments: [test, prod]\n");
    QTest::newRow("custom approvals")
        << QList<EnvironmentSpec> { { "dev", false, {}, {} }, { "prod", false, {}, {} } }
        << QByteArray("environments:\n  - {name: dev, approval: false}\n"
                      "  - {name: prod, approval: false}\n");
    QTest::newRow("approval outside prod")
        << QList<EnvironmentSpec> { { "dev", true, {}, {} } }
        << QByteArray("environments:\n  - {name: dev, approval: true}\n");
}

void TestProjectEmitter::environments()
{
    QFETCH(QList<EnvironmentSpec>, environments);
    QFETCH(QByteArray, expected);
    ProjectSpec p;
    p.name = QStringLiteral("p");
    p.environments = environments;
    const QByteArray yaml = ProjectEmitter::toYaml(p);
    QCOMPARE(yaml, QByteArray("# Exported by Baton — jobs-as-code\nproject: p\n") + expected);
    QCOMPARE(parse(yaml, m_dir.path()).environments, environments);
}

void TestProjectEmitter::edgeConditions_data()
{
    QTest::addColumn<QList<DependencySpec>>("after");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("all success") << QList<DependencySpec> { dep("a"), dep("b") }
                                 << QByteArray("        after: [a, b]\n");
    QTest::newRow("all failed") << QList<DependencySpec> { dep("a", EdgeCondition::Failed),
                                                           dep("b", EdgeCondition::Failed) }
                                << QByteArray("        after: [a, b]\n        when: failed\n");
    QTest::newRow("all always") << QList<DependencySpec> { dep("a", EdgeCondition::Always) }
                                << QByteArray("        after: [a]\n        when: always\n");
    QTest::newRow("mixed") << QList<DependencySpec> { dep("a"), dep("b", EdgeCondition::Failed) }
                           << QByteArray("        after:\n          - {task: a, when: success}\n"
                                         "          - {task: b, when: failed}\n");
}

void TestProjectEmitter::edgeConditions()
{
    QFETCH(QList<DependencySpec>, after);
    QFETCH(QByteArray, expected);
    ProjectSpec p;
    p.name = QStringLiteral("p");
    p.jobs << job(QStringLiteral("j"), QStringLiteral("true"));
    PipelineSpec pipeline;
    pipeline.name = QStringLiteral("q");
    pipeline.tasks << task(QStringLiteral("j"), {}, QStringLiteral("a"))
                   << task(QStringLiteral("j"), {}, QStringLiteral("b"))
                   << task(QStringLiteral("j"), after, QStringLiteral("c"));
    p.pipelines << pipeline;
    const QByteArray yaml = ProjectEmitter::toYaml(p);
    QVERIFY2(yaml.endsWith("      - name: c\n        job: j\n" + expected), yaml.constData());
    const ProjectSpec back = parse(yaml, m_dir.path());
    QCOMPARE(back.pipelines.first().tasks.last().after, after);
}

void TestProjectEmitter::stringsSurvive_data()
{
    QTest::addColumn<QString>("text");
    const QStringList samples = {
        QStringLiteral("echo churn pipeline failed >&2"),
        QStringLiteral("a: b"),
        QStringLiteral("x # not a comment"),
        QStringLiteral("#!/bin/sh"),
        QStringLiteral("*"),
        QStringLiteral("@daily"),
        QStringLiteral("- dash"),
        QStringLiteral("true"),
        QStringLiteral("No"),
        QStringLiteral("null"),
        QStringLiteral("~"),
        QStringLiteral("123"),
        QStringLiteral("3.10"),
        QStringLiteral("0x1F"),
        QStringLiteral("1e3"),
        QStringLiteral("it's"),
        QStringLiteral("say \"hi\""),
        QStringLiteral("{braces}"),
        QStringLiteral("[brackets]"),
        QStringLiteral("%percent"),
        QStringLiteral("`backtick`"),
        QStringLiteral("&anchor *alias !tag |pipe >fold"),
        QStringLiteral("  leading and trailing spaces  "),
        QStringLiteral("ends with colon:"),
        QStringLiteral("tab\there"),
        QStringLiteral("unicode é ✓ 日本"),
        QStringLiteral("back\\slash"),
        QStringLiteral("one\ntwo\n"),
        QStringLiteral("no final newline\nhere"),
        QStringLiteral("two final newlines\n\n"),
        QStringLiteral("blank\n\nline inside\n"),
        QStringLiteral("  indented first line\nsecond\n"),
        QStringLiteral("whitespace-only line\n   \nend\n"),
        QStringLiteral("carriage\r\nreturn\r\n"),
    };
    for (const QString &s : samples)
        QTest::newRow(qPrintable(QString(s).replace(QLatin1Char('\n'), QLatin1String("\\n")))) << s;
}

void TestProjectEmitter::stringsSurvive()
{
    QFETCH(QString, text);
    // As a command (block context), a description, and a variable value (flow context).
    ProjectSpec p;
    p.name = QStringLiteral("p");
    p.environments = defaultEnvironments();
    p.description = text;
    p.variables << VariableSpec { QStringLiteral("V"), text, false, {}, {} };
    p.jobs << job(QStringLiteral("j"), text);
    const QByteArray yaml = ProjectEmitter::toYaml(p);
    const ProjectSpec back = parse(yaml, m_dir.path());
    QCOMPARE(back.description, text);
    QCOMPARE(back.variables.value(0).value, std::optional<QString>(text));
    QCOMPARE(back.jobs.value(0).command, text);
    QCOMPARE(ProjectEmitter::toYaml(back), yaml);
}

void TestProjectEmitter::secretsNeverWritten()
{
    ProjectSpec p = richProject();
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QStringList written = ProjectEmitter::writeProject(p, out.path());
    QVERIFY(!written.isEmpty());
    for (const QString &path : written)
        QVERIFY2(!readFile(path).contains(kSecret.toUtf8()), qPrintable(path));
    const QByteArray yaml = ProjectEmitter::toYaml(p);
    QVERIFY(!yaml.contains(kSecret.toUtf8()));
    QVERIFY(yaml.contains("  - {name: API_TOKEN, secret: true, env: prod}\n"));
    QVERIFY(yaml.contains("  - {name: KEEP, secret: true}\n"));
    // A value that is not secret is written.
    QVERIFY(yaml.contains("  - {name: DB_URL, value: \"postgresql://qa/wh\", env: qa}\n"));
}

void TestProjectEmitter::writeProjectWritesFiles()
{
    const ProjectSpec p = richProject();
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString root = out.filePath(QStringLiteral("warehouse"));
    // An earlier export's executable bit must not survive a file that is no longer executable.
    writeFile(root + QStringLiteral("/lib/common.sh"), "old\n", true);

    const QStringList written = ProjectEmitter::writeProject(p, out.path());
    QCOMPARE(written,
             (QStringList { root + QStringLiteral("/project.yaml"),
                            root + QStringLiteral("/lib/common.sh"),
                            root + QStringLiteral("/load.sh") }));
    QCOMPARE(readFile(written.at(0)), ProjectEmitter::toYaml(p));
    QCOMPARE(readFile(written.at(1)), QByteArray("common() { :; }\n"));
    QCOMPARE(readFile(written.at(2)), QByteArray("#!/bin/sh\necho load\n"));
    QVERIFY(QFileInfo(written.at(2)).permissions().testFlag(QFile::ExeOwner));
    QVERIFY(!QFileInfo(written.at(1)).permissions().testFlag(QFile::ExeOwner));
    QVERIFY(!QFileInfo(written.at(0)).permissions().testFlag(QFile::ExeOwner));

    // Writing again is idempotent.
    QCOMPARE(ProjectEmitter::writeProject(p, out.path()), written);
    QCOMPARE(readFile(written.at(0)), ProjectEmitter::toYaml(p));
}

void TestProjectEmitter::conflictingSharedFileThrows()
{
    ProjectSpec p = richProject();
    p.jobs[1].files[0].content = "something else\n";
    QTemporaryDir out;
    QVERIFY(out.isValid());
    try {
        ProjectEmitter::writeProject(p, out.path());
        QFAIL("expected Baton::Error");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(QLatin1String("lib/common.sh")), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QLatin1String("'load' and 'check'")),
                 qPrintable(e.message()));
    }
    // Nothing was half-written.
    QVERIFY(!QFileInfo::exists(out.filePath(QStringLiteral("warehouse"))));

    // A file path that leaves the project directory is refused as well.
    ProjectSpec escaping = richProject();
    escaping.jobs[0].files[0].path = QStringLiteral("../outside.sh");
    QVERIFY_THROWS_EXCEPTION(Error, ProjectEmitter::writeProject(escaping, out.path()));
    QVERIFY(!QFileInfo::exists(out.filePath(QStringLiteral("outside.sh"))));
}

void TestProjectEmitter::unwritableDirectoryThrows()
{
    QTemporaryDir out;
    QVERIFY(out.isValid());
    // A file where the project directory should go.
    const QString blocker = out.filePath(QStringLiteral("warehouse"));
    writeFile(blocker, "in the way\n");
    try {
        ProjectEmitter::writeProject(richProject(), out.path());
        QFAIL("expected Baton::Error");
    } catch (const Error &e) {
        QVERIFY2(e.message().contains(blocker), qPrintable(e.message()));
    }
}

QTEST_GUILESS_MAIN(TestProjectEmitter)
#include "tst_projectemitter.moc"
