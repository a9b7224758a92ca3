#pragma once

#include "model/projectspec.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Baton {

/// Writes projects back as jobs-as-code, in the one canonical form ProjectParser reads.
class ProjectEmitter
{
public:
    /// Canonical YAML for a project: deterministic, so export → import → export is
    /// byte-identical. Secrets are written without their value; release notes are left out
    /// (they describe versions, not definitions).
    static QByteArray toYaml(const ProjectSpec &project);
    /// Writes DIR/<project>/project.yaml and every job file beside it (executable bit kept).
    /// Throws Baton::Error naming the path on I/O failure, or when two jobs ship different
    /// content at the same path. Returns the written file paths, project.yaml first.
    static QStringList writeProject(const ProjectSpec &project, const QString &dir);
};

} // namespace Baton
