#include "attemptrecord.h"

#include "numbers.h"

#include <algorithm>
#include <array>
#include <utility>

namespace Baton::Protocol {

namespace {

constexpr std::array<std::pair<EndReason, const char *>, 4> Reasons { {
    { EndReason::Completed, "completed" },
    { EndReason::TimedOut, "timed_out" },
    { EndReason::Cancelled, "cancelled" },
    { EndReason::SpawnFailed, "spawn_failed" },
} };

std::string line(std::string_view key, std::int64_t value)
{
    std::string text(key);
    text += '=';
    text += std::to_string(value);
    text += '\n';
    return text;
}

std::string quoted(std::string_view text)
{
    constexpr std::size_t Shown = 40;
    std::string shown(text.substr(0, Shown));
    if (text.size() > Shown)
        shown += "...";
    return "'" + shown + "'";
}

} // namespace

const char *reasonName(EndReason reason)
{
    for (const auto &[value, name] : Reasons) {
        if (value == reason)
            return name;
    }
    return "completed";
}

bool parseReason(std::string_view name, EndReason *reason)
{
    for (const auto &[value, text] : Reasons) {
        if (name == text) {
            *reason = value;
            return true;
        }
    }
    return false;
}

std::string startedRecord(std::int64_t supervisorPid, std::int64_t startedAtMs)
{
    return line("supervisor_pid", supervisorPid) + line("started_at", startedAtMs);
}

std::string pgidRecord(std::int64_t pgid)
{
    return line("pgid", pgid);
}

std::string logErrorText(std::string_view message)
{
    std::string text(message.substr(0, MaxLogErrorSize));
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

std::string logErrorRecord(std::string_view message)
{
    return "log_error=" + logErrorText(message) + "\n";
}

std::string exitRecord(const ExitRecord &exit)
{
    // "end=1" last: a reader that sees it sees the whole record (the supervisor writes it with
    // one write()).
    return line("exit_code", exit.exitCode) + line("signal", exit.signal)
        + "reason=" + reasonName(exit.reason) + "\n" + line("finished_at", exit.finishedAt)
        + line("finished_at_us", exit.finishedAtUs) + line("log_bytes", exit.logBytes)
        + "truncated=" + (exit.truncated ? "1" : "0") + "\nend=1\n";
}

std::string abandonedRecord(std::int64_t atMs)
{
    return line("abandoned", atMs);
}

bool parseAttemptRecord(std::string_view text, AttemptRecord *record, std::string *error)
{
    *record = AttemptRecord {};
    AttemptRecord read;
    int number = 0;
    const auto refuse = [&](const std::string &why) {
        *error = "line " + std::to_string(number) + ": " + why;
        read.ended = false; // a record with a bad line is no complete record
        *record = std::move(read);
        return false;
    };
    while (!text.empty()) {
        ++number;
        const std::size_t nl = text.find('\n');
        const std::string_view full = text.substr(0, nl);
        if (full.size() > MaxFieldSize)
            return refuse("longer than " + std::to_string(MaxFieldSize) + " bytes");
        if (nl == std::string_view::npos)
            return refuse("truncated (no end of line) after " + quoted(full));
        text.remove_prefix(nl + 1);
        const std::size_t eq = full.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return refuse("expected KEY=VALUE, got " + quoted(full));
        const std::string_view key = full.substr(0, eq);
        const std::string_view value = full.substr(eq + 1);
        if (key == "log_error") {
            read.exit.logError = std::string(value);
            continue;
        }
        if (key == "reason") {
            if (!parseReason(value, &read.exit.reason))
                return refuse("unknown reason " + quoted(value));
            continue;
        }
        struct Field
        {
            std::string_view key;
            std::int64_t *into;
        };
        std::int64_t exitCode = 0, signal = 0, flag = 0;
        const Field fields[] = {
            { "supervisor_pid", &read.supervisorPid },
            { "started_at", &read.exit.startedAt },
            { "pgid", &read.pgid },
            { "exit_code", &exitCode },
            { "signal", &signal },
            { "finished_at", &read.exit.finishedAt },
            { "finished_at_us", &read.exit.finishedAtUs },
            { "log_bytes", &read.exit.logBytes },
            { "truncated", &flag },
            { "end", &flag },
            { "abandoned", &read.abandonedAt },
        };
        const auto field = std::find_if(std::begin(fields), std::end(fields),
                                        [key](const Field &f) { return f.key == key; });
        if (field == std::end(fields))
            return refuse("unknown key " + quoted(key));
        if (!Detail::parseInteger(value, field->into))
            return refuse(std::string(key) + " expects a number >= 0, got " + quoted(value));
        if (key == "exit_code" || key == "signal") {
            if (*field->into > 255)
                return refuse(std::string(key) + " out of range (0-255): " + quoted(value));
            (key == "exit_code" ? read.exit.exitCode : read.exit.signal) = int(*field->into);
            read.hasExitCode = read.hasExitCode || key == "exit_code";
        } else if (key == "truncated" || key == "end") {
            if (flag > 1 || (key == "end" && flag != 1))
                return refuse(std::string(key) + (key == "end" ? " must be 1" : " must be 0 or 1")
                              + ", got " + quoted(value));
            (key == "end" ? read.ended : read.exit.truncated) = flag == 1;
        }
    }
    *record = std::move(read);
    return true;
}

} // namespace Baton::Protocol
