#pragma once

#include "cli.h"

#include <QCommandLineParser>

namespace Baton::Cli {

// Commands that run and inspect pipelines (engine, run, runs, show, logs, cancel, rerun).
void setupRun(QCommandLineParser &parser);
int cmdRun(QCommandLineParser &parser, const GlobalOptions &options);
void setupRuns(QCommandLineParser &parser);
int cmdRuns(QCommandLineParser &parser, const GlobalOptions &options);
void setupShow(QCommandLineParser &parser);
int cmdShow(QCommandLineParser &parser, const GlobalOptions &options);
void setupLogs(QCommandLineParser &parser);
int cmdLogs(QCommandLineParser &parser, const GlobalOptions &options);
void setupCancel(QCommandLineParser &parser);
int cmdCancel(QCommandLineParser &parser, const GlobalOptions &options);
void setupRerun(QCommandLineParser &parser);
int cmdRerun(QCommandLineParser &parser, const GlobalOptions &options);
void setupEngine(QCommandLineParser &parser);
int cmdEngine(QCommandLineParser &parser, const GlobalOptions &options);

} // namespace Baton::Cli
