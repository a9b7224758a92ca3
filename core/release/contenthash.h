#pragma once

#include "model/projectspec.h"

#include <QHash>
#include <QString>

namespace Baton {

/// SHA-256 (hex) of a job's content: command, technology, runtime, description, resources,
/// settings and every file (path, bytes, executable bit). Locations and release notes are not
/// content: the same definition always hashes the same.
QString jobContentHash(const JobSpec &job);

/// SHA-256 (hex) of a pipeline version: its description, limits, and tasks with their edges
/// and the content hash of each task's job (@p jobHashes by job name), so a changed job makes a
/// new pipeline version too.
QString pipelineContentHash(const PipelineSpec &pipeline, const QHash<QString, QString> &jobHashes);

QString sha256Hex(const QByteArray &bytes);

} // namespace Baton
