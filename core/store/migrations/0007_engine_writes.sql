-- Schema version 7: fewer pages written per task transition (issue #3).
--
-- Each index a transition changes is another page in the write-ahead log of that transaction.
-- task_runs_state and task_attempts_state were never read (every query on task runs and attempts
-- goes by run, task run or id) yet cost two or three pages per task: dropped. Dashboard queries
-- only read task runs that ended (a finished_at range or finished_at IS NOT NULL), so the index
-- by end time keeps only those: a task that ends is inserted once instead of moved from the
-- unfinished ones. Per task (end of one + start of the next), 12 pages become 6.
DROP INDEX IF EXISTS task_runs_state;
DROP INDEX IF EXISTS task_attempts_state;
DROP INDEX IF EXISTS task_runs_finished;
CREATE INDEX task_runs_finished ON task_runs (finished_at, state, job_version_id, run_id,
    started_at) WHERE finished_at IS NOT NULL;
