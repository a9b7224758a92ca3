-- Schema version 2: what the engine needs to run, retry, recover and measure.

-- Workspace-wide settings (max_parallel, log_cap_bytes, ...).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Earliest time a queued task may start (retry backoff), in ms UTC.
ALTER TABLE task_runs ADD COLUMN not_before INTEGER;
-- When the task's dependencies were met, in µs: the start of Baton's own overhead.
ALTER TABLE task_runs ADD COLUMN ready_at_us INTEGER;

-- Where the attempt lives on disk (log, exit file, lock) and when its process was seen running (µs).
ALTER TABLE task_attempts ADD COLUMN attempt_dir TEXT NOT NULL DEFAULT '';
ALTER TABLE task_attempts ADD COLUMN running_at_us INTEGER;

CREATE INDEX task_attempts_state ON task_attempts (state);
CREATE INDEX task_runs_run ON task_runs (run_id);
