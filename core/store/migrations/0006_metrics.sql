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
