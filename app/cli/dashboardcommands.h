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

/// `baton init --demo --history`: real run history for the dashboards. Deploys churn/nightly
/// to prod, runs it for six logical days, releases and deploys a "v7" of the model (a changed
/// copy of the demo: class-balanced training, decision threshold 0.35) and runs six more days,
/// so the false-positive-rate regression rule fires. Takes about 15 s.
int demoHistory(Workspace &ws);

} // namespace Baton::Cli
