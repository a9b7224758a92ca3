#include "options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace Baton {

const char SupervisorUsage[]
    = "usage: baton-supervisor --state STATE_FILE --log LOG_FILE --workdir WORKDIR\n"
      "         [--timeout SECONDS] [--grace SECONDS (default 10)]\n"
      "         [--log-cap BYTES (default 0: no cap)] [--durable]\n"
      "         [--make-workdir (create WORKDIR if missing)]\n"
      "         -- PROGRAM [ARGS...]\n";

namespace {

bool parseSeconds(const char *text, double *value)
{
    char *end = nullptr;
    errno = 0;
    *value = strtod(text, &end);
    return errno == 0 && end != text && *end == '\0' && std::isfinite(*value) && *value >= 0
        && *value <= 1e9;
}

bool parseBytes(const char *text, std::uint64_t *value)
{
    char *end = nullptr;
    errno = 0;
    *value = strtoull(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && text[0] != '-';
}

ParsedOptions bad(std::string error, bool showUsage)
{
    ParsedOptions parsed;
    parsed.outcome = ParsedOptions::Outcome::Bad;
    parsed.error = std::move(error);
    parsed.showUsage = showUsage;
    return parsed;
}

} // namespace

ParsedOptions parseOptions(int argc, char **argv)
{
    ParsedOptions parsed;
    SupervisorOptions &options = parsed.options;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            options.program = argv + i + 1;
            break;
        }
        if (arg == "--help" || arg == "-h") {
            parsed.outcome = ParsedOptions::Outcome::Help;
            return parsed;
        }
        if (arg == "--durable") {
            options.durable = true;
            continue;
        }
        if (arg == "--make-workdir") {
            options.makeWorkdir = true;
            continue;
        }
        // Both "--name value" and "--name=value".
        const char *value = nullptr;
        if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != arg.npos) {
            value = argv[i] + eq + 1;
            arg = arg.substr(0, eq);
        }
        const bool known = arg == "--state" || arg == "--log" || arg == "--workdir"
            || arg == "--timeout" || arg == "--grace" || arg == "--log-cap";
        if (!known)
            return bad("unknown argument '" + std::string(argv[i]) + "'", true);
        if (!value) {
            if (i + 1 >= argc)
                return bad(std::string(argv[i]) + " expects a value", true);
            value = argv[++i];
        }
        const std::string name(arg);
        if (arg == "--state") {
            options.state = value;
        } else if (arg == "--log") {
            options.log = value;
        } else if (arg == "--workdir") {
            options.workdir = value;
        } else if (arg == "--timeout" || arg == "--grace") {
            if (!parseSeconds(value, arg == "--timeout" ? &options.timeout : &options.grace))
                return bad(name + " expects a number of seconds >= 0, got '" + value + "'", false);
        } else if (!parseBytes(value, &options.logCap)) {
            return bad(name + " expects a number of bytes, got '" + value + "'", false);
        }
    }
    if (!options.state || !*options.state)
        return bad("--state is required", true);
    if (!options.log || !*options.log)
        return bad("--log is required", true);
    if (!options.workdir || !*options.workdir)
        return bad("--workdir is required", true);
    if (!options.program || !options.program[0])
        return bad("the command to run is missing after '--'", true);
    parsed.outcome = ParsedOptions::Outcome::Run;
    return parsed;
}

} // namespace Baton
