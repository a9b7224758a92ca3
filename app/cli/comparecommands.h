#pragma once

#include "cli.h"

#include <QCommandLineParser>

namespace Baton::Cli {

// baton compare RUN_A RUN_B [--json] [--only-differences]: the console's compare view as text.
void setupCompare(QCommandLineParser &parser);
int cmdCompare(QCommandLineParser &parser, const GlobalOptions &options);

} // namespace Baton::Cli
