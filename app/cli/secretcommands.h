#pragma once

#include "cli.h"

#include <QCommandLineParser>

namespace Baton::Cli {

// secrets: the key that encrypts secrets at rest (init-key, status, encrypt, rotate-key).
void setupSecrets(QCommandLineParser &parser);
int cmdSecrets(QCommandLineParser &parser, const GlobalOptions &options);

} // namespace Baton::Cli
