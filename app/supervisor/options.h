#pragma once

// baton-supervisor's command line (see main.cpp), parsed without side effects: nothing is
// printed or created here, the caller says what was wrong.

#include <cstdint>
#include <string>

namespace Baton {

extern const char SupervisorUsage[];

struct SupervisorOptions
{
    const char *state = nullptr;
    const char *log = nullptr;
    const char *workdir = nullptr;
    double timeout = 0; ///< seconds, 0 = none
    double grace = 10; ///< seconds between SIGTERM and SIGKILL
    std::uint64_t logCap = 0; ///< bytes, 0 = no cap
    bool durable = false; ///< sync the log and the state file
    bool makeWorkdir = false; ///< create WORKDIR (not its parents) if it does not exist
    char **program = nullptr; ///< PROGRAM [ARGS...], null-terminated (points into argv)
};

/// What parseOptions() found.
struct ParsedOptions
{
    enum class Outcome { Run, Help, Bad };
    Outcome outcome = Outcome::Bad;
    SupervisorOptions options; ///< for Run
    std::string error; ///< for Bad: a sentence naming the argument, e.g. "unknown argument '--x'"
    bool showUsage = false; ///< for Bad: the usage text helps (a missing or unknown option)
};

/// Parses `--state FILE --log FILE --workdir DIR [--timeout S] [--grace S] [--log-cap BYTES]
/// [--durable] [--make-workdir] -- PROGRAM [ARGS...]` (each `--name value` or `--name=value`).
ParsedOptions parseOptions(int argc, char **argv);

} // namespace Baton
