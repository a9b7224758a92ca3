#include "reviewpolicy.h"

#include "util/error.h"

namespace Baton {

namespace {
void checkActor(const QString &actor)
{
    if (actor.trimmed().isEmpty())
        throw Error(QStringLiteral("a review needs a reviewer: no user name is known "
                                   "(set $BATON_USER)"));
}
} // namespace

void ReviewPolicy::checkAnnotate(const QString &actor, qint64)
{
    checkActor(actor);
}

void ReviewPolicy::checkSignOff(const QString &actor, qint64 runId, RunState runState)
{
    checkActor(actor);
    if (!isTerminal(runState))
        throw Error(QStringLiteral("run %1 is still %2: sign it off once it has finished")
                        .arg(runId)
                        .arg(toString(runState)));
}

} // namespace Baton
