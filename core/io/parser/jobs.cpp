// jobs: command, files (read from beside the project file), settings and resources.
#include "io/parser/documentparser.h"
#include "util/suggest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace Baton::Parser {

namespace {

const QStringList kJobKeys
    = { QStringLiteral("name"),         QStringLiteral("command"),  QStringLiteral("files"),
        QStringLiteral("technology"),   QStringLiteral("runtime"),  QStringLiteral("description"),
        QStringLiteral("release_note"), QStringLiteral("retries"),  QStringLiteral("retry_delay"),
        QStringLiteral("timeout"),      QStringLiteral("resources") };
const QStringList kResourceKeys = { QStringLiteral("cpus"), QStringLiteral("memory") };

} // namespace

QList<JobSpec> DocumentParser::jobs(const Entry &e)
{
    QList<JobSpec> result;
    QHash<QString, int> firstLine;
    const NamedList list { QStringLiteral("job"), QStringLiteral("a list of jobs"),
                           QStringLiteral("a map describing a job"), kJobKeys };
    forEachNamedMap(e, list, [&](const NamedMap &m) {
        const Fields &f = m.fields;
        JobSpec job;
        job.where = at(m.node);
        SourceLocation nameAt = job.where;
        const std::optional<QString> jobName = mapName(m, QStringLiteral("job"), &nameAt);
        if (const Entry *c = f.get(QStringLiteral("command"))) {
            const auto s = string(*c);
            if (s && s->trimmed().isEmpty())
                error(at(*c), QStringLiteral("command: must not be empty"));
            else if (s)
                job.command = *s;
        } else if (!f.misspelt(QStringLiteral("command"))) {
            error(job.where, QStringLiteral("job at index %1 has no 'command'").arg(m.index));
        }
        if (const Entry *files = f.get(QStringLiteral("files"))) {
            if (const auto list = items(*files, QStringLiteral("a list of file paths"), true)) {
                QHash<QString, int> firstFile;
                for (const YAML::Node &node : *list) {
                    if (!node.IsScalar()) {
                        error(at(node),
                              QStringLiteral("files: expected a file path, got %1")
                                  .arg(describe(node)));
                        continue;
                    }
                    const auto file = jobFile(node);
                    if (!file)
                        continue;
                    const auto first = firstFile.constFind(file->path);
                    if (first != firstFile.constEnd()) {
                        error(at(node),
                              QStringLiteral("file '%1' is listed twice (first at "
                                             "line %2)")
                                  .arg(file->path, QString::number(*first)));
                        continue;
                    }
                    firstFile.insert(file->path, at(node).line);
                    job.files << *file;
                }
            }
        }
        if (const Entry *t = f.get(QStringLiteral("technology")))
            job.technology = string(*t).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("runtime")))
            job.runtime = string(*r).value_or(QString());
        if (const Entry *d = f.get(QStringLiteral("description")))
            job.description = string(*d).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("release_note")))
            job.releaseNote = string(*r).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("resources")))
            job.resources = resources(*r, m.label);
        runSettings(f, &job.settings);

        if (!jobName)
            return;
        job.name = *jobName;
        if (firstDefinition(firstLine, job.name, job.where.line, nameAt,
                            QStringLiteral("job '%1'").arg(job.name)))
            result << job;
    });
    return result;
}

std::optional<JobFile> DocumentParser::jobFile(const YAML::Node &node)
{
    const QString raw = text(node);
    if (raw.trimmed().isEmpty()) {
        error(at(node), QStringLiteral("files: empty file path"));
        return std::nullopt;
    }
    if (raw.contains(QChar(0))) {
        error(at(node), QStringLiteral("files: a path cannot contain a NUL character (\\0)"));
        return std::nullopt;
    }
    if (QDir::isAbsolutePath(raw) || raw.startsWith(QLatin1Char('/'))
        || raw.startsWith(QLatin1Char(':')) || raw.startsWith(QLatin1Char('~'))) {
        error(at(node),
              QStringLiteral("file '%1' is an absolute path; list job files relative "
                             "to the project file")
                  .arg(raw));
        return std::nullopt;
    }
    const QString clean = QDir::cleanPath(raw);
    if (clean == QLatin1String("..") || clean.startsWith(QLatin1String("../"))) {
        error(at(node), QStringLiteral("file '%1' escapes the project file's directory").arg(raw));
        return std::nullopt;
    }
    const QString full = m_baseDir.isEmpty() ? clean : QDir(m_baseDir).filePath(clean);
    const QFileInfo info(full);
    if (clean == QLatin1String(".") || info.isDir()) {
        error(at(node),
              QStringLiteral("file '%1' is a directory (%2); list the files inside it")
                  .arg(raw, full));
        return std::nullopt;
    }
    if (!info.exists()) {
        error(at(node), QStringLiteral("file '%1' not found (looked for %2)").arg(raw, full));
        return std::nullopt;
    }
    QString readPath = full;
    if (!full.startsWith(QLatin1Char(':'))) {
        // A symbolic link (the file's or a directory's on the way) must not carry content from
        // outside the project into the store, diffs and exports.
        const QString real = info.canonicalFilePath();
        const QString base
            = QFileInfo(m_baseDir.isEmpty() ? QDir::currentPath() : m_baseDir).canonicalFilePath();
        if (real.isEmpty() || base.isEmpty()
            || !(real.startsWith(base + QLatin1Char('/')) || base == QLatin1String("/"))) {
            error(at(node),
                  QStringLiteral("file '%1' is a symbolic link to %2, outside the project file's "
                                 "directory; copy the file into the project instead")
                      .arg(raw, real.isEmpty() ? full : real));
            return std::nullopt;
        }
        readPath = real; // what was checked is what is read
    }
    QFile file(readPath);
    if (!file.open(QIODevice::ReadOnly)) {
        error(at(node),
              QStringLiteral("cannot read file '%1' (%2): %3").arg(raw, full, file.errorString()));
        return std::nullopt;
    }
    JobFile result;
    result.path = clean;
    result.content = file.readAll();
    if (full.startsWith(QLatin1Char(':'))) {
        // Qt resources carry no permissions: scripts are what would be run directly.
        result.executable = clean.endsWith(QLatin1String(".sh")) || result.content.startsWith("#!");
    } else {
        result.executable = info.permissions().testFlag(QFileDevice::ExeOwner);
    }
    m_referenced << QDir::cleanPath(info.absoluteFilePath());
    return result;
}

Resources DocumentParser::resources(const Entry &e, const QString &jobLabel)
{
    Resources r;
    if (e.value.IsNull())
        return r;
    if (!e.value.IsMap()) {
        error(at(e),
              QStringLiteral("resources: expected a map such as {cpus: 2, memory: 4G}, "
                             "got %1")
                  .arg(describe(e.value)));
        return r;
    }
    const Fields f = fields(e.value, kResourceKeys, QStringLiteral(" in resources of ") + jobLabel);
    if (const Entry *c = f.get(QStringLiteral("cpus")))
        r.cpus = wholeNumber(*c, 1);
    if (const Entry *m = f.get(QStringLiteral("memory"))) {
        static const QRegularExpression re(QStringLiteral("^\\d+[KMGT]?$"));
        if (m->value.IsScalar() && re.match(text(m->value)).hasMatch())
            r.memory = text(m->value);
        else
            error(at(*m),
                  QStringLiteral("memory: expected a size such as 512M or 4G, got %1")
                      .arg(describe(m->value)));
    }
    return r;
}

} // namespace Baton::Parser
