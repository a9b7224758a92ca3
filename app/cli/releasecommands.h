#pragma once

#include "cli.h"

#include <QCommandLineParser>

namespace Baton::Cli {

// Releases: versions, diffs, promotion, approvals, rollback, deployments, roles, runtimes.
void setupVersions(QCommandLineParser &parser);
int cmdVersions(QCommandLineParser &parser, const GlobalOptions &options);
void setupDiff(QCommandLineParser &parser);
int cmdDiff(QCommandLineParser &parser, const GlobalOptions &options);
void setupPromote(QCommandLineParser &parser);
int cmdPromote(QCommandLineParser &parser, const GlobalOptions &options);
void setupApprove(QCommandLineParser &parser);
int cmdApprove(QCommandLineParser &parser, const GlobalOptions &options);
void setupReject(QCommandLineParser &parser);
int cmdReject(QCommandLineParser &parser, const GlobalOptions &options);
void setupRollback(QCommandLineParser &parser);
int cmdRollback(QCommandLineParser &parser, const GlobalOptions &options);
void setupDeployments(QCommandLineParser &parser);
int cmdDeployments(QCommandLineParser &parser, const GlobalOptions &options);
void setupRequests(QCommandLineParser &parser);
int cmdRequests(QCommandLineParser &parser, const GlobalOptions &options);
void setupRoles(QCommandLineParser &parser);
int cmdRoles(QCommandLineParser &parser, const GlobalOptions &options);
void setupRuntimes(QCommandLineParser &parser);
int cmdRuntimes(QCommandLineParser &parser, const GlobalOptions &options);

} // namespace Baton::Cli
