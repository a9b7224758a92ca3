#include "projectspec.h"

#include <QRegularExpression>

namespace Baton {

QString SourceLocation::toString() const
{
    QString text = file.isEmpty() ? QStringLiteral("<input>") : file;
    if (line > 0) {
        text += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            text += QLatin1Char(':') + QString::number(column);
    }
    return text;
}

QString Diagnostic::toString() const
{
    return where.toString() + QStringLiteral(": ") + message;
}

const JobSpec *ProjectSpec::job(const QString &jobName) const
{
    for (const auto &j : jobs) {
        if (j.name == jobName)
            return &j;
    }
    return nullptr;
}

const PipelineSpec *ProjectSpec::pipeline(const QString &pipelineName) const
{
    for (const auto &p : pipelines) {
        if (p.name == pipelineName)
            return &p;
    }
    return nullptr;
}

QList<EnvironmentSpec> defaultEnvironments()
{
    // Production changes need a second person by default (release policy).
    return { { QStringLiteral("dev"), false, {}, {} },
             { QStringLiteral("staging"), false, {}, {} },
             { QStringLiteral("preprod"), false, {}, {} },
             { QStringLiteral("prod"), true, {}, {} } };
}

QString formatDuration(int seconds)
{
    if (seconds > 0 && seconds % 3600 == 0)
        return QString::number(seconds / 3600) + QLatin1Char('h');
    if (seconds > 0 && seconds % 60 == 0)
        return QString::number(seconds / 60) + QLatin1Char('m');
    return QString::number(seconds) + QLatin1Char('s');
}

std::optional<int> parseDuration(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d{1,9})\\s*([smhd]?)\\s*$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    qint64 factor = 1;
    if (unit == QLatin1String("m"))
        factor = 60;
    else if (unit == QLatin1String("h"))
        factor = 3600;
    else if (unit == QLatin1String("d"))
        factor = 86400;
    const qint64 total = n * factor;
    if (total > std::numeric_limits<int>::max())
        return std::nullopt;
    return int(total);
}

bool isValidName(const QString &name)
{
    // \z, not $: a $ also matches before a final newline ("churn\n" would pass).
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\\z"));
    return re.match(name).hasMatch();
}

bool isValidVariableName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,127}\\z"));
    return re.match(name).hasMatch();
}

} // namespace Baton
