-- Schema 12: attempt logs in the database, for team workspaces (issue #19).
--
-- An attempt's log is a file ATTEMPT_DIR.log on the engine's host. On a team workspace the
-- engine ships it into the database while the attempt runs, so that a console on any machine
-- reads it without the engine's file system:
--   attempt_log_chunks  the log's bytes, in order: a chunk starts where the one before ended
--                       (byte_offset), so "everything after byte N" is one range scan of the
--                       primary key, and a chunk shipped twice is refused by it.
--   attempt_logs        per attempt: how many bytes the chunks hold, and whether that is the
--                       whole log (the attempt ended and everything was shipped); its log_path
--                       (as task_attempts has it) is how a console finds the log it shows.
-- An SQLite workspace keeps reading its files (one machine): its tables stay empty, and its
-- engine's attempt inserts pay for no index of theirs.
CREATE TABLE attempt_logs (
    attempt_id INTEGER PRIMARY KEY REFERENCES task_attempts(id) ON DELETE CASCADE,
    log_path   TEXT NOT NULL DEFAULT '',
    bytes      INTEGER NOT NULL DEFAULT 0,
    complete   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attempt_logs_log_path ON attempt_logs (log_path);
CREATE TABLE attempt_log_chunks (
    attempt_id  INTEGER NOT NULL REFERENCES task_attempts(id) ON DELETE CASCADE,
    byte_offset INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    PRIMARY KEY (attempt_id, byte_offset)
) WITHOUT ROWID;
