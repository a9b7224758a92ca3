#pragma once

#include "cli.h"

#include <QCommandLineParser>

namespace Baton::Cli {

// audit: read the audit trail.
void setupAudit(QCommandLineParser &parser);
int cmdAudit(QCommandLineParser &parser, const GlobalOptions &options);

} // namespace Baton::Cli
