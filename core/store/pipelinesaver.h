#pragma once

#include "graph/pipelinediff.h"
#include "model/projectspec.h"

#include <QString>

namespace Baton {

class Store;

/// A pipeline definition edited outside jobs-as-code (the DAG editor), to store as a version.
struct PipelineSaveRequest
{
    QString project;
    /// The edited definition: its tasks, description and limits are saved; schedule and
    /// variables stay as they are in the workspace.
    PipelineSpec pipeline;
    /// The version the edits started from: the save is refused when another one has been
    /// stored since (nobody's work is silently overwritten).
    int baseVersion = 0;
    QString message; ///< required: the new version's release note
    QString actor; ///< empty: the current user
};

struct PipelineSaveResult
{
    int version = 0; ///< the new version's number
    QString contentHash;
    PipelineDiff diff; ///< against the version it replaced
};

/// Saves an edited pipeline as a new immutable version: the same rules as import
/// (PipelineRules, the project's current jobs), one transaction, author and audit event,
/// tasks pinned to the latest version of their jobs. Any problem throws Baton::Error and
/// leaves the workspace exactly as it was.
class PipelineSaver
{
public:
    static PipelineSaveResult save(const Store &store, const PipelineSaveRequest &request);
};

} // namespace Baton
