#pragma once

#include "cli.h"

class QCommandLineParser;

namespace Baton {
class Workspace;
}

namespace Baton::Cli {

/// `baton alerts [--all] [--json]`, `baton alerts check`, `baton alerts ack ID`.
void setupAlerts(QCommandLineParser &parser);
int cmdAlerts(QCommandLineParser &parser, const GlobalOptions &options);

/// `baton init --demo --history`: real run history for the dashboards, after the demo's release
/// history. Runs churn/nightly (model v6) in prod for six logical days, once in preprod (model
/// v7, for the promotion's gates), approves the pending promotion of v7 to prod and runs six
/// more days, so the false-positive-rate regression rule fires. Takes about 30 s.
int demoHistory(Workspace &ws);

} // namespace Baton::Cli
