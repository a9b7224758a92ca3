-- Schema version 6: dashboards and business-metric monitoring (issue #8).

-- Dashboard queries read a time range of runs: one covering index answers them without
-- touching the table (success rate, durations, lateness, runs per environment).
CREATE INDEX runs_dashboard ON runs (created_at, project_id, environment_id, pipeline_id,
    state, started_at, finished_at, fire_time, trigger);
-- Failures by job and per-job durations: task runs by when they ended.
CREATE INDEX task_runs_finished ON task_runs (finished_at, state, job_version_id, run_id,
    started_at);

-- Alert rules, part of jobs-as-code (a project's `alerts:`). Rules are edited in place by an
-- import (they are settings, not versions); a rule dropped from the file is archived.
CREATE TABLE alert_rules (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    metric         TEXT NOT NULL,
    job_id         INTEGER REFERENCES jobs(id) ON DELETE CASCADE,        -- NULL: any job
    environment_id INTEGER REFERENCES environments(id) ON DELETE CASCADE, -- NULL: every one
    condition      TEXT NOT NULL CHECK (condition IN ('above', 'below', 'increase', 'decrease')),
    value          REAL NOT NULL,             -- the threshold, or the percentage of change
    last_runs      INTEGER NOT NULL DEFAULT 5, -- regression baseline: last K runs of the old version
    position       INTEGER NOT NULL DEFAULT 0,
    archived_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

-- A rule that fired: stored once, linked to the deployment and the runs involved.
CREATE TABLE alert_events (
    id                  INTEGER PRIMARY KEY,
    rule_id             INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    environment_id      INTEGER REFERENCES environments(id) ON DELETE SET NULL,
    state               TEXT NOT NULL DEFAULT 'firing' CHECK (state IN ('firing', 'resolved')),
    value               REAL NOT NULL,           -- observed value (a mean for regressions)
    baseline            REAL,                    -- the previous version's mean (regressions)
    change_percent      REAL,
    deployment_id       INTEGER REFERENCES deployments(id) ON DELETE SET NULL,
    from_job_version_id INTEGER REFERENCES job_versions(id),
    to_job_version_id   INTEGER REFERENCES job_versions(id),
    run_ids             TEXT NOT NULL DEFAULT '[]', -- JSON array of the runs involved
    message             TEXT NOT NULL DEFAULT '',
    fired_at            INTEGER NOT NULL,
    resolved_at         INTEGER,
    acknowledged_by     TEXT,
    acknowledged_at     INTEGER
);
CREATE INDEX alert_events_state ON alert_events (state, fired_at);
-- A regression fires once per version change of a rule in an environment.
CREATE UNIQUE INDEX alert_events_regression ON alert_events (rule_id, IFNULL(environment_id, 0),
    to_job_version_id) WHERE to_job_version_id IS NOT NULL;

-- How far alert evaluation has read the metrics table (one row).
CREATE TABLE alert_cursor (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    metric_id INTEGER NOT NULL
);

-- Rollups for long dashboard ranges (a year of a million runs): per UTC day, kept exact by
-- triggers on every write, whoever writes (engine, CLI, another console, an import tool).
-- Histogram buckets for durations: bucket lower bounds 2^(n/4) ms, so a percentile read from
-- the histogram is within about 9% of the exact one.
CREATE TABLE duration_buckets (
    lower_ms INTEGER PRIMARY KEY
);
INSERT INTO duration_buckets (lower_ms) VALUES (0);
INSERT OR IGNORE INTO duration_buckets (lower_ms)
    WITH RECURSIVE b(n, v) AS (SELECT 0, 1.0 UNION ALL SELECT n + 1, v * 1.189207115002721
                               FROM b WHERE n < 164)
    SELECT CAST(v AS INTEGER) FROM b;

-- Runs per UTC day (of created_at), project, pipeline, environment and state, with the
-- lateness of scheduled runs.
CREATE TABLE run_daily (
    day            INTEGER NOT NULL,
    project_id     INTEGER NOT NULL,
    pipeline_id    INTEGER NOT NULL,
    environment_id INTEGER NOT NULL,          -- 0: none
    state          TEXT NOT NULL,
    runs           INTEGER NOT NULL DEFAULT 0,
    late_runs      INTEGER NOT NULL DEFAULT 0,
    late_sum_ms    INTEGER NOT NULL DEFAULT 0,
    late_max_ms    INTEGER NOT NULL DEFAULT 0, -- the largest seen (never lowered)
    PRIMARY KEY (day, project_id, pipeline_id, environment_id, state)
) WITHOUT ROWID;

-- Finished runs per UTC day, pipeline, environment and duration bucket. Keyed by pipeline and
-- bucket first: a year's percentiles per pipeline are then one ordered pass, no sorting.
CREATE TABLE run_duration_daily (
    day            INTEGER NOT NULL,
    pipeline_id    INTEGER NOT NULL,
    environment_id INTEGER NOT NULL,
    bucket_ms      INTEGER NOT NULL,
    runs           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pipeline_id, bucket_ms, day, environment_id)
) WITHOUT ROWID;

-- Failed task runs (failed, timed out, lost) per UTC day of their end and job version.
CREATE TABLE task_failure_daily (
    day            INTEGER NOT NULL,
    project_id     INTEGER NOT NULL,
    environment_id INTEGER NOT NULL,
    job_version_id INTEGER NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, project_id, environment_id, job_version_id)
) WITHOUT ROWID;

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
    INSERT INTO run_duration_daily (day, pipeline_id, environment_id, bucket_ms, runs)
    SELECT NEW.created_at / 86400000 * 86400000, NEW.pipeline_id, IFNULL(NEW.environment_id, 0),
           (SELECT lower_ms FROM duration_buckets
            WHERE lower_ms <= max(0, NEW.finished_at - NEW.started_at)
            ORDER BY lower_ms DESC LIMIT 1), 1
    WHERE NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL
      AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
    ON CONFLICT (pipeline_id, bucket_ms, day, environment_id) DO UPDATE SET runs = runs + 1;
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
    UPDATE run_duration_daily SET runs = runs - 1
    WHERE OLD.started_at IS NOT NULL AND OLD.finished_at IS NOT NULL
      AND OLD.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
      AND day = OLD.created_at / 86400000 * 86400000 AND pipeline_id = OLD.pipeline_id
      AND environment_id = IFNULL(OLD.environment_id, 0)
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets
                       WHERE lower_ms <= max(0, OLD.finished_at - OLD.started_at)
                       ORDER BY lower_ms DESC LIMIT 1);
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
    INSERT INTO run_duration_daily (day, pipeline_id, environment_id, bucket_ms, runs)
    SELECT NEW.created_at / 86400000 * 86400000, NEW.pipeline_id, IFNULL(NEW.environment_id, 0),
           (SELECT lower_ms FROM duration_buckets
            WHERE lower_ms <= max(0, NEW.finished_at - NEW.started_at)
            ORDER BY lower_ms DESC LIMIT 1), 1
    WHERE NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL
      AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
    ON CONFLICT (pipeline_id, bucket_ms, day, environment_id) DO UPDATE SET runs = runs + 1;
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
    WHERE OLD.started_at IS NOT NULL AND OLD.finished_at IS NOT NULL
      AND OLD.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
      AND day = OLD.created_at / 86400000 * 86400000 AND pipeline_id = OLD.pipeline_id
      AND environment_id = IFNULL(OLD.environment_id, 0)
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets
                       WHERE lower_ms <= max(0, OLD.finished_at - OLD.started_at)
                       ORDER BY lower_ms DESC LIMIT 1);
END;

-- A task run counts as a failure of its job version on the day it ended failed; only rows
-- entering or leaving a failed state touch the rollup.
CREATE TRIGGER task_runs_failure_insert AFTER INSERT ON task_runs
WHEN NEW.state IN ('failed', 'timed_out', 'lost') AND NEW.finished_at IS NOT NULL
     AND NEW.job_version_id IS NOT NULL
BEGIN
    INSERT INTO task_failure_daily (day, project_id, environment_id, job_version_id, failures)
    SELECT NEW.finished_at / 86400000 * 86400000, r.project_id, IFNULL(r.environment_id, 0),
           NEW.job_version_id, 1 FROM runs r WHERE r.id = NEW.run_id
    ON CONFLICT (day, project_id, environment_id, job_version_id) DO UPDATE SET
        failures = failures + 1;
END;

CREATE TRIGGER task_runs_failure_update AFTER UPDATE OF state, finished_at ON task_runs
WHEN (OLD.state IN ('failed', 'timed_out', 'lost') AND OLD.finished_at IS NOT NULL)
  OR (NEW.state IN ('failed', 'timed_out', 'lost') AND NEW.finished_at IS NOT NULL)
BEGIN
    UPDATE task_failure_daily SET failures = failures - 1
    WHERE OLD.state IN ('failed', 'timed_out', 'lost') AND OLD.finished_at IS NOT NULL
      AND OLD.job_version_id IS NOT NULL
      AND day = OLD.finished_at / 86400000 * 86400000 AND job_version_id = OLD.job_version_id
      AND (project_id, environment_id) = (SELECT r.project_id, IFNULL(r.environment_id, 0)
                                          FROM runs r WHERE r.id = OLD.run_id);
    INSERT INTO task_failure_daily (day, project_id, environment_id, job_version_id, failures)
    SELECT NEW.finished_at / 86400000 * 86400000, r.project_id, IFNULL(r.environment_id, 0),
           NEW.job_version_id, 1 FROM runs r
    WHERE r.id = NEW.run_id AND NEW.state IN ('failed', 'timed_out', 'lost')
      AND NEW.finished_at IS NOT NULL AND NEW.job_version_id IS NOT NULL
    ON CONFLICT (day, project_id, environment_id, job_version_id) DO UPDATE SET
        failures = failures + 1;
END;

-- Deleting a run deletes its task runs (a cascade, after the run is gone): their failures are
-- taken off while the run still exists. A task run deleted on its own is handled below.
CREATE TRIGGER runs_failures_delete BEFORE DELETE ON runs
BEGIN
    UPDATE task_failure_daily SET failures = failures - (
        SELECT count(*) FROM task_runs t
        WHERE t.run_id = OLD.id AND t.state IN ('failed', 'timed_out', 'lost')
          AND t.finished_at IS NOT NULL
          AND t.finished_at / 86400000 * 86400000 = task_failure_daily.day
          AND t.job_version_id = task_failure_daily.job_version_id)
    WHERE project_id = OLD.project_id AND environment_id = IFNULL(OLD.environment_id, 0)
      AND job_version_id IN (SELECT job_version_id FROM task_runs WHERE run_id = OLD.id);
END;

CREATE TRIGGER task_runs_failure_delete AFTER DELETE ON task_runs
WHEN OLD.state IN ('failed', 'timed_out', 'lost') AND OLD.finished_at IS NOT NULL
     AND OLD.job_version_id IS NOT NULL
BEGIN
    UPDATE task_failure_daily SET failures = failures - 1
    WHERE day = OLD.finished_at / 86400000 * 86400000 AND job_version_id = OLD.job_version_id
      AND (project_id, environment_id) = (SELECT r.project_id, IFNULL(r.environment_id, 0)
                                          FROM runs r WHERE r.id = OLD.run_id);
END;

-- Task runs that ran to an end, per pipeline, UTC day of their run, environment, job version
-- and duration bucket: per-job percentiles of long ranges.
CREATE TABLE task_duration_daily (
    pipeline_id    INTEGER NOT NULL,
    day            INTEGER NOT NULL,
    environment_id INTEGER NOT NULL,
    job_version_id INTEGER NOT NULL,
    bucket_ms      INTEGER NOT NULL,
    tasks          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pipeline_id, day, environment_id, job_version_id, bucket_ms)
) WITHOUT ROWID;

CREATE TRIGGER task_runs_duration_insert AFTER INSERT ON task_runs
WHEN NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL AND NEW.job_version_id IS NOT NULL
     AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
BEGIN
    INSERT INTO task_duration_daily (pipeline_id, day, environment_id, job_version_id, bucket_ms,
                                     tasks)
    SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0),
           NEW.job_version_id,
           (SELECT lower_ms FROM duration_buckets
            WHERE lower_ms <= max(0, NEW.finished_at - NEW.started_at)
            ORDER BY lower_ms DESC LIMIT 1), 1
    FROM runs r WHERE r.id = NEW.run_id
    ON CONFLICT (pipeline_id, day, environment_id, job_version_id, bucket_ms) DO UPDATE SET
        tasks = tasks + 1;
END;

CREATE TRIGGER task_runs_duration_update AFTER UPDATE OF state, started_at, finished_at,
    job_version_id ON task_runs
WHEN (OLD.started_at IS NOT NULL AND OLD.finished_at IS NOT NULL
      AND OLD.job_version_id IS NOT NULL
      AND OLD.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost'))
  OR (NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL
      AND NEW.job_version_id IS NOT NULL
      AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost'))
BEGIN
    UPDATE task_duration_daily SET tasks = tasks - 1
    WHERE OLD.started_at IS NOT NULL AND OLD.finished_at IS NOT NULL
      AND OLD.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
      AND job_version_id = OLD.job_version_id
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets
                       WHERE lower_ms <= max(0, OLD.finished_at - OLD.started_at)
                       ORDER BY lower_ms DESC LIMIT 1)
      AND (pipeline_id, day, environment_id)
          = (SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0)
             FROM runs r WHERE r.id = OLD.run_id);
    INSERT INTO task_duration_daily (pipeline_id, day, environment_id, job_version_id, bucket_ms,
                                     tasks)
    SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0),
           NEW.job_version_id,
           (SELECT lower_ms FROM duration_buckets
            WHERE lower_ms <= max(0, NEW.finished_at - NEW.started_at)
            ORDER BY lower_ms DESC LIMIT 1), 1
    FROM runs r WHERE r.id = NEW.run_id AND NEW.started_at IS NOT NULL
      AND NEW.finished_at IS NOT NULL AND NEW.job_version_id IS NOT NULL
      AND NEW.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
    ON CONFLICT (pipeline_id, day, environment_id, job_version_id, bucket_ms) DO UPDATE SET
        tasks = tasks + 1;
END;

CREATE TRIGGER task_runs_duration_delete AFTER DELETE ON task_runs
WHEN OLD.started_at IS NOT NULL AND OLD.finished_at IS NOT NULL AND OLD.job_version_id IS NOT NULL
     AND OLD.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
BEGIN
    UPDATE task_duration_daily SET tasks = tasks - 1
    WHERE job_version_id = OLD.job_version_id
      AND bucket_ms = (SELECT lower_ms FROM duration_buckets
                       WHERE lower_ms <= max(0, OLD.finished_at - OLD.started_at)
                       ORDER BY lower_ms DESC LIMIT 1)
      AND (pipeline_id, day, environment_id)
          = (SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0)
             FROM runs r WHERE r.id = OLD.run_id);
END;

-- A run's own deletion: its task runs' durations go while the run still exists (see above).
CREATE TRIGGER runs_task_durations_delete BEFORE DELETE ON runs
BEGIN
    UPDATE task_duration_daily SET tasks = tasks - (
        SELECT count(*) FROM task_runs t
        WHERE t.run_id = OLD.id AND t.started_at IS NOT NULL AND t.finished_at IS NOT NULL
          AND t.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
          AND t.job_version_id = task_duration_daily.job_version_id
          AND (SELECT lower_ms FROM duration_buckets
               WHERE lower_ms <= max(0, t.finished_at - t.started_at)
               ORDER BY lower_ms DESC LIMIT 1) = task_duration_daily.bucket_ms)
    WHERE pipeline_id = OLD.pipeline_id AND day = OLD.created_at / 86400000 * 86400000
      AND environment_id = IFNULL(OLD.environment_id, 0);
END;

-- Workspaces with history get their rollups filled once.
INSERT INTO run_daily (day, project_id, pipeline_id, environment_id, state, runs, late_runs,
                       late_sum_ms, late_max_ms)
SELECT created_at / 86400000 * 86400000, project_id, pipeline_id, IFNULL(environment_id, 0),
       state, count(*), sum(l IS NOT NULL), IFNULL(sum(l), 0), IFNULL(max(l), 0)
FROM (SELECT *, CASE WHEN trigger = 'schedule' AND fire_time IS NOT NULL
                          AND started_at IS NOT NULL
                     THEN max(0, started_at - fire_time) END AS l FROM runs)
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO run_duration_daily (day, pipeline_id, environment_id, bucket_ms, runs)
SELECT created_at / 86400000 * 86400000, pipeline_id, IFNULL(environment_id, 0),
       (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= max(0, finished_at - started_at)
        ORDER BY lower_ms DESC LIMIT 1), count(*)
FROM runs WHERE started_at IS NOT NULL AND finished_at IS NOT NULL
  AND state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
GROUP BY 1, 2, 3, 4;
INSERT INTO task_failure_daily (day, project_id, environment_id, job_version_id, failures)
SELECT t.finished_at / 86400000 * 86400000, r.project_id, IFNULL(r.environment_id, 0),
       t.job_version_id, count(*)
FROM task_runs t JOIN runs r ON r.id = t.run_id
WHERE t.state IN ('failed', 'timed_out', 'lost') AND t.finished_at IS NOT NULL
  AND t.job_version_id IS NOT NULL
GROUP BY 1, 2, 3, 4;
INSERT INTO task_duration_daily (pipeline_id, day, environment_id, job_version_id, bucket_ms,
                                 tasks)
SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, IFNULL(r.environment_id, 0),
       t.job_version_id,
       (SELECT lower_ms FROM duration_buckets WHERE lower_ms <= max(0, t.finished_at - t.started_at)
        ORDER BY lower_ms DESC LIMIT 1), count(*)
FROM task_runs t JOIN runs r ON r.id = t.run_id
WHERE t.started_at IS NOT NULL AND t.finished_at IS NOT NULL AND t.job_version_id IS NOT NULL
  AND t.state IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')
GROUP BY 1, 2, 3, 4, 5;

-- Business metrics by series: the chart's columns in the index, so a year of one series is
-- read without touching the table.
DROP INDEX metrics_name;
CREATE INDEX metrics_series ON metrics (name, environment_id, recorded_at, job_version_id, value,
    run_id);
