-- Schema 12: attempt logs in the database (issue #19); see ../0012_attempt_logs.sql.
--
-- The engine's host ships each attempt's log file here while the attempt runs; consoles on
-- other machines fetch "everything after byte N" (a range scan of the primary key).
CREATE TABLE attempt_logs (
    attempt_id BIGINT PRIMARY KEY REFERENCES task_attempts(id) ON DELETE CASCADE,
    log_path   TEXT NOT NULL DEFAULT '',
    bytes      BIGINT NOT NULL DEFAULT 0,
    complete   INTEGER NOT NULL DEFAULT 0
);
-- A console knows a log by its path (the run detail's rows carry it).
CREATE INDEX attempt_logs_log_path ON attempt_logs (log_path);
CREATE TABLE attempt_log_chunks (
    attempt_id  BIGINT NOT NULL REFERENCES task_attempts(id) ON DELETE CASCADE,
    byte_offset BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    PRIMARY KEY (attempt_id, byte_offset)
);
