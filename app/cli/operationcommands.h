#pragma once

#include "cli.h"

#include <QCommandLineParser>

namespace Baton::Cli {

// Operator actions and review (retry, mark, delete, annotate, review).
void setupRetry(QCommandLineParser &parser);
int cmdRetry(QCommandLineParser &parser, const GlobalOptions &options);
void setupMark(QCommandLineParser &parser);
int cmdMark(QCommandLineParser &parser, const GlobalOptions &options);
void setupDelete(QCommandLineParser &parser);
int cmdDelete(QCommandLineParser &parser, const GlobalOptions &options);
void setupAnnotate(QCommandLineParser &parser);
int cmdAnnotate(QCommandLineParser &parser, const GlobalOptions &options);
void setupReview(QCommandLineParser &parser);
int cmdReview(QCommandLineParser &parser, const GlobalOptions &options);

} // namespace Baton::Cli
