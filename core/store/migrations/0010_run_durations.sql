-- Schema 10: durations count the time the attempts ran, not idle time (issue #17).
--
-- A task's duration was its first start to its last end, a run's its first start to its last
-- end: a task retried by hand two minutes later "took" two minutes, a run rerun the next day
-- "took" a day. Both are now stored, kept by triggers whoever writes, and every duration
-- statistic and rollup reads them (core/model/durations.h computes the same for live rows):
--   task_runs.run_ms  the sum of its ended attempts' run times, each from when it was seen
--                     running (running_at_us; a follower's attempt is created when it is
--                     queued behind another) or else its launch (started_at), to finished_at;
--                     NULL while none has ended.
--   runs.active_ms    the wall time during which at least one of its attempts ran: the length
--                     of the union of its ended attempts' intervals. Set while the run is
--                     finished, NULL while it is live (and when nothing of it ever ran).
ALTER TABLE task_runs ADD COLUMN run_ms INTEGER;
ALTER TABLE runs ADD COLUMN active_ms INTEGER;

-- A task's run time follows its attempts.
CREATE TRIGGER task_attempts_run_ms_insert AFTER INSERT ON task_attempts
WHEN NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL
BEGIN
    UPDATE task_runs SET run_ms = (SELECT sum(max(0, a.finished_at
                                                  - IFNULL(a.running_at_us / 1000, a.started_at)))
                                   FROM task_attempts a WHERE a.task_run_id = NEW.task_run_id
                                     AND a.started_at IS NOT NULL AND a.finished_at IS NOT NULL)
    WHERE id = NEW.task_run_id;
END;
CREATE TRIGGER task_attempts_run_ms_update AFTER UPDATE OF started_at, running_at_us, finished_at
    ON task_attempts
WHEN (OLD.started_at IS NOT NEW.started_at OR OLD.finished_at IS NOT NEW.finished_at
      OR OLD.running_at_us IS NOT NEW.running_at_us)
     AND (NEW.finished_at IS NOT NULL OR OLD.finished_at IS NOT NULL)
BEGIN
    UPDATE task_runs SET run_ms = (SELECT sum(max(0, a.finished_at
                                                  - IFNULL(a.running_at_us / 1000, a.started_at)))
                                   FROM task_attempts a WHERE a.task_run_id = NEW.task_run_id
                                     AND a.started_at IS NOT NULL AND a.finished_at IS NOT NULL)
    WHERE id = NEW.task_run_id;
END;
CREATE TRIGGER task_attempts_run_ms_delete AFTER DELETE ON task_attempts
WHEN OLD.started_at IS NOT NULL AND OLD.finished_at IS NOT NULL
BEGIN
    UPDATE task_runs SET run_ms = (SELECT sum(max(0, a.finished_at
                                                  - IFNULL(a.running_at_us / 1000, a.started_at)))
                                   FROM task_attempts a WHERE a.task_run_id = OLD.task_run_id
                                     AND a.started_at IS NOT NULL AND a.finished_at IS NOT NULL)
    WHERE id = OLD.task_run_id;
END;

-- A finished run's active time: the union of its attempts' intervals, in one ordered pass
-- (each interval adds what lies beyond the furthest end before it). Computed when the run
-- finishes, and again when an attempt of a finished run changes (a cancelled attempt that
-- ends after its run, history written by hand); a live run's is computed by its readers.
CREATE TRIGGER runs_active_ms_finish AFTER UPDATE OF state, finished_at ON runs
WHEN NEW.finished_at IS NOT NULL
BEGIN
    UPDATE runs SET active_ms = (
        SELECT sum(max(0, e - max(s, IFNULL(pe, s)))) FROM (
            SELECT IFNULL(a.running_at_us / 1000, a.started_at) AS s, a.finished_at AS e,
                   max(a.finished_at) OVER (ORDER BY IFNULL(a.running_at_us / 1000, a.started_at),
                                                     a.finished_at
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pe
            FROM task_runs t JOIN task_attempts a ON a.task_run_id = t.id
            WHERE t.run_id = NEW.id AND a.started_at IS NOT NULL AND a.finished_at IS NOT NULL))
    WHERE id = NEW.id;
END;
-- A run inserted finished (history written by hand, an import tool), and an attempt of a
-- finished run that changes (a cancelled attempt ending after its run): the run's end is
-- written again as it is, so the trigger above measures it once more — the union is spelled
-- once. A live run's attempts cost one lookup.
CREATE TRIGGER runs_active_ms_insert AFTER INSERT ON runs
WHEN NEW.finished_at IS NOT NULL
BEGIN
    UPDATE runs SET finished_at = finished_at WHERE id = NEW.id;
END;
-- Reopened (a retry, a rerun): live again, out of the finished runs' durations.
CREATE TRIGGER runs_active_ms_reopen AFTER UPDATE OF finished_at ON runs
WHEN NEW.finished_at IS NULL AND OLD.active_ms IS NOT NULL
BEGIN
    UPDATE runs SET active_ms = NULL WHERE id = NEW.id;
END;
CREATE TRIGGER task_attempts_active_ms_insert AFTER INSERT ON task_attempts
WHEN NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL
BEGIN
    UPDATE runs SET finished_at = finished_at
    WHERE id = (SELECT run_id FROM task_runs WHERE id = NEW.task_run_id)
      AND finished_at IS NOT NULL;
END;
CREATE TRIGGER task_attempts_active_ms_update AFTER UPDATE OF started_at, running_at_us, finished_at
    ON task_attempts
WHEN (OLD.started_at IS NOT NEW.started_at OR OLD.finished_at IS NOT NEW.finished_at
      OR OLD.running_at_us IS NOT NEW.running_at_us)
     AND (NEW.finished_at IS NOT NULL OR OLD.finished_at IS NOT NULL)
BEGIN
    UPDATE runs SET finished_at = finished_at
    WHERE id = (SELECT run_id FROM task_runs WHERE id = NEW.task_run_id)
      AND finished_at IS NOT NULL;
END;
CREATE TRIGGER task_attempts_active_ms_delete AFTER DELETE ON task_attempts
WHEN OLD.started_at IS NOT NULL AND OLD.finished_at IS NOT NULL
BEGIN
    UPDATE runs SET finished_at = finished_at
    WHERE id = (SELECT run_id FROM task_runs WHERE id = OLD.task_run_id)
      AND finished_at IS NOT NULL;
END;
-- A task run deleted on its own (its attempts go with it, by cascade).
CREATE TRIGGER task_runs_active_ms_delete AFTER DELETE ON task_runs
BEGIN
    UPDATE runs SET finished_at = finished_at WHERE id = OLD.run_id AND finished_at IS NOT NULL;
END;

-- The run duration rollup counts a run while it has an active time: the run triggers of
-- schema 6 are rebuilt without their duration half, which follows active_ms alone.
DROP TRIGGER runs_rollup_insert;
DROP TRIGGER runs_rollup_update;
DROP TRIGGER runs_rollup_delete;
CREATE TRIGGER runs_rollup_insert AFTER INSERT ON runs
BEGIN
    INSERT INTO run_daily (day, project_id, pipeline_id, environment_id, state, runs, late_runs,
                           late_sum_ms, late_max_ms)
    VALUES (NEW.created_at / 86400000 * 86400000, NEW.project_id, NEW.pipeline_id,
            IFNULL(NEW.environment_id, 0), NEW.state, 1,
            NEW.trigger = 'schedule' AND NEW.fire_time IS NOT NULL AND NEW.started_at IS NOT NULL,
            CASE WHEN NEW.trigger = 'schedule' AND NEW.fire_time IS NOT NULL
                      AND NEW.started_at IS NOT NULL
                 THEN max(0, NEW.started_at - NEW.fire_time) ELSE 0 END,
            CASE WHEN NEW.trigger = 'schedule' AND NEW.fire_time IS NOT NULL
                      AND NEW.started_at IS NOT NULL
                 THEN max(0, NEW.started_at - NEW.fire_time) ELSE 0 END)
    ON CONFLICT (day, project_id, pipeline_id, environment_id, state) DO UPDATE SET
        runs = runs + excluded.runs, late_runs = late_runs + excluded.late_runs,
        late_sum_ms = late_sum_ms + excluded.late_sum_ms,
        late_max_ms = max(late_max_ms, excluded.late_max_ms);
END;
CREATE TRIGGER runs_rollup_update AFTER UPDATE OF state, started_at, finished_at,
    environment_id, created_at, fire_time, trigger ON runs
BEGIN
    UPDATE run_daily SET runs = runs - 1,
        late_runs = late_runs - (OLD.trigger = 'schedule' AND OLD.fire_time IS NOT NULL
                                 AND OLD.started_at IS NOT NULL),
        late_sum_ms = late_sum_ms - CASE WHEN OLD.trigger = 'schedule'
            AND OLD.fire_time IS NOT NULL AND OLD.started_at IS NOT NULL
            THEN max(0, OLD.started_at - OLD.fire_time) ELSE 0 END
    WHERE day = OLD.created_at / 86400000 * 86400000 AND project_id = OLD.project_id
      AND pipeline_id = OLD.pipeline_id AND environment_id = IFNULL(OLD.environment_id, 0)
      AND state = OLD.state;
    INSERT INTO run_daily (day, project_id, pipeline_id, environment_id, state, runs, late_runs,
                           late_sum_ms, late_max_ms)
    VALUES (NEW.created_at / 86400000 * 86400000, NEW.project_id, NEW.pipeline_id,
            IFNULL(NEW.environment_id, 0), NEW.state, 1,
            NEW.trigger = 'schedule' AND NEW.fire_time IS NOT NULL AND NEW.started_at IS NOT NULL,
            CASE WHEN NEW.trigger = 'schedule' AND NEW.fire_time IS NOT NULL
                      AND NEW.started_at IS NOT NULL
                 THEN max(0, NEW.started_at - NEW.fire_time) ELSE 0 END,
            CASE WHEN NEW.trigger = 'schedule' AND NEW.fire_time IS NOT NULL
                      AND NEW.started_at IS NOT NULL
                 THEN max(0, NEW.started_at - NEW.fire_time) ELSE 0 END)
    ON CONFLICT (day, project_id, pipeline_id, environment_id, state) DO UPDATE SET
        runs = runs + excluded.runs, late_runs = late_runs + excluded.late_runs,
        late_sum_ms = late_sum_ms + excluded.late_sum_ms,
        late_max_ms = max(late_max_ms, excluded.late_max_ms);
END;
CREATE TRIGGER runs_rollup_delete AFTER DELETE ON runs
BEGIN
    UPDATE run_daily SET runs = runs - 1,
        late_runs = late_runs - (OLD.trigger = 'schedule' AND OLD.fire_time IS NOT NULL
                                 AND OLD.started_at IS NOT NULL),
        late_sum_ms = late_sum_ms - CASE WHEN OLD.trigger = 'schedule'
            AND OLD.fire_time IS NOT NULL AND OLD.started_at IS NOT NULL
            THEN max(0, OLD.started_at - OLD.fire_time) ELSE 0 END
    WHERE day = OLD.created_at / 86400000 * 86400000 AND project_id = OLD.project_id
      AND pipeline_id = OLD.pipeline_id AND environment_id = IFNULL(OLD.environment_id, 0)
      AND state = OLD.state;
    UPDATE run_duration_daily SET runs = runs - 1
    WHERE OLD.active_ms IS NOT NULL
      AND day = OLD.created_at / 86400000 * 86400000 AND pipeline_id = OLD.pipeline_id
      AND environment_id = IFNULL(OLD.environment_id, 0)
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= OLD.active_ms
                       ORDER BY lower_ms DESC LIMIT 1);
END;
CREATE TRIGGER runs_duration_uncount AFTER UPDATE OF active_ms, environment_id, created_at,
    pipeline_id ON runs
WHEN OLD.active_ms IS NOT NULL
BEGIN
    UPDATE run_duration_daily SET runs = runs - 1
    WHERE day = OLD.created_at / 86400000 * 86400000 AND pipeline_id = OLD.pipeline_id
      AND environment_id = IFNULL(OLD.environment_id, 0)
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= OLD.active_ms
                       ORDER BY lower_ms DESC LIMIT 1);
END;
CREATE TRIGGER runs_duration_count AFTER UPDATE OF active_ms, environment_id, created_at,
    pipeline_id ON runs
WHEN NEW.active_ms IS NOT NULL
BEGIN
    INSERT INTO run_duration_daily (day, pipeline_id, environment_id, bucket_ms, runs)
    VALUES (NEW.created_at / 86400000 * 86400000, NEW.pipeline_id, IFNULL(NEW.environment_id, 0),
            (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= NEW.active_ms
             ORDER BY lower_ms DESC LIMIT 1), 1)
    ON CONFLICT (pipeline_id, bucket_ms, day, environment_id) DO UPDATE SET runs = runs + 1;
END;

-- Task durations: run_ms in place of the first-start-to-last-end span.
DROP TRIGGER task_runs_duration_insert;
DROP TRIGGER task_runs_duration_uncount;
DROP TRIGGER task_runs_duration_count;
DROP TRIGGER task_runs_duration_delete;
DROP TRIGGER runs_task_durations_delete;
CREATE TRIGGER task_runs_duration_insert AFTER INSERT ON task_runs
WHEN NEW.run_ms IS NOT NULL AND NEW.finished_at IS NOT NULL AND NEW.job_version_id IS NOT NULL
     AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
BEGIN
    INSERT INTO task_duration_daily (pipeline_id, day, environment_id, job_version_id, bucket_ms,
                                     tasks)
    SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0),
           NEW.job_version_id,
           (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= NEW.run_ms
            ORDER BY lower_ms DESC LIMIT 1), 1
    FROM runs r WHERE r.id = NEW.run_id
    ON CONFLICT (pipeline_id, day, environment_id, job_version_id, bucket_ms) DO UPDATE SET
        tasks = tasks + 1;
END;
CREATE TRIGGER task_runs_duration_uncount AFTER UPDATE OF state, run_ms, finished_at,
    job_version_id ON task_runs
WHEN OLD.run_ms IS NOT NULL AND OLD.finished_at IS NOT NULL AND OLD.job_version_id IS NOT NULL
     AND OLD.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
BEGIN
    UPDATE task_duration_daily SET tasks = tasks - 1
    WHERE job_version_id = OLD.job_version_id
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= OLD.run_ms
                       ORDER BY lower_ms DESC LIMIT 1)
      AND (pipeline_id, day, environment_id)
          = (SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0)
             FROM runs r WHERE r.id = OLD.run_id);
END;
CREATE TRIGGER task_runs_duration_count AFTER UPDATE OF state, run_ms, finished_at,
    job_version_id ON task_runs
WHEN NEW.run_ms IS NOT NULL AND NEW.finished_at IS NOT NULL AND NEW.job_version_id IS NOT NULL
     AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
BEGIN
    INSERT INTO task_duration_daily (pipeline_id, day, environment_id, job_version_id, bucket_ms,
                                     tasks)
    SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0),
           NEW.job_version_id,
           (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= NEW.run_ms
            ORDER BY lower_ms DESC LIMIT 1), 1
    FROM runs r WHERE r.id = NEW.run_id
    ON CONFLICT (pipeline_id, day, environment_id, job_version_id, bucket_ms) DO UPDATE SET
        tasks = tasks + 1;
END;
CREATE TRIGGER task_runs_duration_delete AFTER DELETE ON task_runs
WHEN OLD.run_ms IS NOT NULL AND OLD.finished_at IS NOT NULL AND OLD.job_version_id IS NOT NULL
     AND OLD.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
BEGIN
    UPDATE task_duration_daily SET tasks = tasks - 1
    WHERE job_version_id = OLD.job_version_id
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= OLD.run_ms
                       ORDER BY lower_ms DESC LIMIT 1)
      AND (pipeline_id, day, environment_id)
          = (SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0)
             FROM runs r WHERE r.id = OLD.run_id);
END;
CREATE TRIGGER runs_task_durations_delete BEFORE DELETE ON runs
BEGIN
    UPDATE task_duration_daily SET tasks = tasks - (
        SELECT count(*) FROM task_runs t
        WHERE t.run_id = OLD.id AND t.run_ms IS NOT NULL AND t.finished_at IS NOT NULL
          AND t.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
          AND t.job_version_id = task_duration_daily.job_version_id
          AND (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= t.run_ms
               ORDER BY lower_ms DESC LIMIT 1) = task_duration_daily.bucket_ms)
    WHERE pipeline_id = OLD.pipeline_id AND day = OLD.created_at / 86400000 * 86400000
      AND environment_id = IFNULL(OLD.environment_id, 0);
END;

-- The dashboards' range index covers the duration they now read.
DROP INDEX runs_dashboard;
CREATE INDEX runs_dashboard ON runs (created_at, project_id, environment_id, pipeline_id,
    state, started_at, finished_at, fire_time, trigger, active_ms);

-- Existing history: the new columns filled from the attempts, the duration rollups computed
-- again from them (the other rollups do not change).
UPDATE task_runs SET run_ms = (SELECT sum(max(0, a.finished_at
                                                  - IFNULL(a.running_at_us / 1000, a.started_at)))
                               FROM task_attempts a WHERE a.task_run_id = task_runs.id
                                 AND a.started_at IS NOT NULL AND a.finished_at IS NOT NULL);
-- (Each finished run's end written again as it is: runs_active_ms_finish measures it, and the
-- rollup triggers count it; the duration rollups are then rebuilt from the rows below.)
UPDATE runs SET finished_at = finished_at WHERE finished_at IS NOT NULL;
DELETE FROM run_duration_daily;
INSERT INTO run_duration_daily (day, pipeline_id, environment_id, bucket_ms, runs)
SELECT created_at / 86400000 * 86400000, pipeline_id, IFNULL(environment_id, 0),
       (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= active_ms
        ORDER BY lower_ms DESC LIMIT 1), count(*)
FROM runs WHERE active_ms IS NOT NULL
GROUP BY 1, 2, 3, 4;
DELETE FROM task_duration_daily;
INSERT INTO task_duration_daily (pipeline_id, day, environment_id, job_version_id, bucket_ms,
                                 tasks)
SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0),
       t.job_version_id,
       (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= t.run_ms
        ORDER BY lower_ms DESC LIMIT 1), count(*)
FROM task_runs t JOIN runs r ON r.id = t.run_id
WHERE t.run_ms IS NOT NULL AND t.finished_at IS NOT NULL AND t.job_version_id IS NOT NULL
  AND t.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
GROUP BY 1, 2, 3, 4, 5;
