#pragma once

#include "cli.h"

#include <QCommandLineParser>

namespace Baton::Cli {

// schedule next|list|pause|resume, and backfill.
void setupSchedule(QCommandLineParser &parser);
int cmdSchedule(QCommandLineParser &parser, const GlobalOptions &options);
void setupBackfill(QCommandLineParser &parser);
int cmdBackfill(QCommandLineParser &parser, const GlobalOptions &options);

} // namespace Baton::Cli
