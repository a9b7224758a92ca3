#pragma once

#include <QList>
#include <QString>

namespace Baton {

/// A variable a job's command sets for itself, as in `MODEL_VERSION=v7 python3 train.py`.
struct InlineAssignment
{
    QString name;
    QString value; ///< unquoted; as written when it expands something (`$X`, `$(…)`)
    bool literal = true; ///< false: the shell expands it, so the value shown is the text
    bool operator==(const InlineAssignment &) const = default;
};

/// The assignments at the start of @p command (POSIX `NAME=word …` before the command word,
/// also after `env`), which /bin/sh -c hands to the job on top of the run's variables: so a
/// run's screens can show what the job really got. Stops at the first word that is not one.
QList<InlineAssignment> inlineAssignments(const QString &command);

} // namespace Baton
