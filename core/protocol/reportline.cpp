#include "reportline.h"

#include "numbers.h"

#include <vector>

namespace Baton::Protocol {

namespace {

std::vector<std::string_view> words(std::string_view text)
{
    std::vector<std::string_view> list;
    for (;;) {
        const std::size_t space = text.find(' ');
        list.push_back(text.substr(0, space));
        if (space == std::string_view::npos)
            return list;
        text.remove_prefix(space + 1);
    }
}

} // namespace

std::string supervisorLine(std::int64_t pid)
{
    return "supervisor " + std::to_string(pid) + "\n";
}

std::string startedLine(std::int64_t pgid, std::int64_t startedUs)
{
    return "started " + std::to_string(pgid) + " " + std::to_string(startedUs) + "\n";
}

std::string exitLine(const ExitRecord &exit)
{
    return "exit " + std::to_string(exit.exitCode) + " " + reasonName(exit.reason) + " "
        + std::to_string(exit.signal) + " " + std::to_string(exit.startedAt) + " "
        + std::to_string(exit.finishedAt) + " " + std::to_string(exit.logBytes) + " "
        + (exit.truncated ? "1" : "0") + " " + std::to_string(exit.finishedAtUs)
        + (exit.logError.empty() ? "" : " log_error " + exit.logError) + "\n";
}

bool parseReportLine(std::string_view line, ReportLine *report, std::string *error)
{
    *report = ReportLine {};
    const auto refuse = [&](const std::string &why) {
        *error = why;
        return false;
    };
    if (line.size() > MaxFieldSize)
        return refuse("report line longer than " + std::to_string(MaxFieldSize) + " bytes");
    if (line == DoneLine.substr(0, DoneLine.size() - 1)) {
        report->kind = ReportLine::Kind::Done;
        return true;
    }
    // The text after " log_error " is free (it may hold spaces): split off before the fields.
    constexpr std::string_view LogErrorTag = " log_error ";
    std::string_view fieldsText = line;
    if (line.starts_with("exit ")) {
        if (const std::size_t tag = line.find(LogErrorTag); tag != std::string_view::npos) {
            report->exit.logError = std::string(line.substr(tag + LogErrorTag.size()));
            fieldsText = line.substr(0, tag);
        }
    }
    const std::vector<std::string_view> f = words(fieldsText);
    const auto number = [&](std::size_t i, std::int64_t *value) {
        return Detail::parseInteger(f[i], value);
    };
    const auto badNumber = [&](const char *what, std::size_t i) {
        return refuse(std::string(f[0]) + " line: " + what + " expects a number >= 0, got '"
                      + std::string(f[i].substr(0, 40)) + "'");
    };
    if (f[0] == "supervisor") {
        report->kind = ReportLine::Kind::Supervisor;
        if (f.size() != 2)
            return refuse("supervisor line: expected 'supervisor PID'");
        return number(1, &report->pid) || badNumber("PID", 1);
    }
    if (f[0] == "started") {
        report->kind = ReportLine::Kind::Started;
        if (f.size() != 3)
            return refuse("started line: expected 'started PGID STARTED_US'");
        return (number(1, &report->pid) || badNumber("PGID", 1))
            && (number(2, &report->startedUs) || badNumber("STARTED_US", 2));
    }
    if (f[0] != "exit")
        return refuse("unknown report line '" + std::string(line.substr(0, 40)) + "'");
    report->kind = ReportLine::Kind::Exit;
    // FINISHED_US, the ninth, came later: a supervisor without it still reports.
    if (f.size() != 8 && f.size() != 9)
        return refuse("exit line: expected 8 or 9 fields, got " + std::to_string(f.size()));
    ExitRecord &exit = report->exit;
    std::int64_t code = 0, signal = 0, truncated = 0;
    if (!number(1, &code) || code > 255)
        return badNumber("CODE (0-255)", 1);
    if (!parseReason(f[2], &exit.reason))
        return refuse("exit line: unknown reason '" + std::string(f[2].substr(0, 40)) + "'");
    if (!number(3, &signal) || signal > 255)
        return badNumber("SIGNAL (0-255)", 3);
    if (!number(4, &exit.startedAt))
        return badNumber("STARTED_AT", 4);
    if (!number(5, &exit.finishedAt))
        return badNumber("FINISHED_AT", 5);
    if (!number(6, &exit.logBytes))
        return badNumber("LOG_BYTES", 6);
    if (!number(7, &truncated) || truncated > 1)
        return badNumber("TRUNCATED (0 or 1)", 7);
    if (f.size() == 9 && !number(8, &exit.finishedAtUs))
        return badNumber("FINISHED_US", 8);
    exit.exitCode = int(code);
    exit.signal = int(signal);
    exit.truncated = truncated == 1;
    return true;
}

} // namespace Baton::Protocol
