#pragma once

#include "model/runstate.h"

#include <QString>

namespace Baton {

/// Who may review what: the seam where roles (a later issue) plug in. Today any identified
/// user may annotate any run and sign off a finished one; a run still moving has nothing to
/// sign off yet. Every check throws Baton::Error saying why not.
class ReviewPolicy
{
public:
    /// Whether a run in @p runState can be signed off at all (screens enable by it).
    static bool canSignOff(RunState runState) { return isTerminal(runState); }
    static void checkAnnotate(const QString &actor, qint64 runId);
    static void checkSignOff(const QString &actor, qint64 runId, RunState runState);
};

} // namespace Baton
