#pragma once

#include "executor.h"
#include "protocol/attemptrecord.h"
#include "protocol/reportline.h"

#include <QByteArray>
#include <QString>
#include <sys/types.h>

namespace Baton {

/// The engine's side of what a supervisor leaves and says (core/protocol): reading an attempt's
/// record, turning it and the report lines into an AttemptExit, and the engine's own marks and
/// signals on an attempt. Every function takes the record's path, ATTEMPT_DIR.state.
namespace AttemptFiles {

/// What the record at @p statePath says (nothing when it does not exist). A record with a line
/// that is not the protocol's holds what came before that line and is never complete();
/// @p error (if given) says what was wrong with it, empty when nothing was.
Protocol::AttemptRecord read(const QString &statePath, QString *error = nullptr);
/// The exit record of @p record, as the engine keeps it.
AttemptExit toExit(const Protocol::ExitRecord &record);
/// Whether a supervisor holds the record's lock: it runs the attempt.
bool supervisorAlive(const QString &statePath);

/// Parses a report line (without '\n'). False when it is not one (the error goes to the log).
bool parseReport(const QByteArray &line, Protocol::ReportLine *report);

/// Appends the engine's "abandoned=MS" to the record whose lock @p fd holds: no supervisor may run
/// the attempt after that.
bool markAbandoned(int fd);
/// Claims the record of an attempt that no supervisor has claimed yet, so that none ever will: it
/// is created (or found empty) and marked abandoned under its lock. False when a supervisor has it.
bool abandonUnclaimed(const QString &statePath);
/// Kills whatever is left of an attempt whose supervisor is gone: its job's process group and
/// every process still in the supervisor's session.
void killLeftovers(const QString &statePath);
/// Asks the supervisor @p pid to cancel the attempt of @p statePath (SIGTERM carrying the
/// attempt's cancel token: a worker that moved on to another attempt ignores it).
void cancelSupervisor(pid_t pid, const QString &statePath);

} // namespace AttemptFiles

} // namespace Baton
