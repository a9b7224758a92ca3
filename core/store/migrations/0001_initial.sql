-- Baton workspace schema, version 1: the whole data model of DESIGN.md.
-- Times are INTEGER milliseconds since the Unix epoch (UTC): cheap to index and compare.

CREATE TABLE workspace_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    source_path TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- The ordered promotion path of a project.
CREATE TABLE environments (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    position          INTEGER NOT NULL,
    approval_required INTEGER NOT NULL DEFAULT 0,
    archived_at       INTEGER,              -- dropped from the path; deployments keep history
    UNIQUE (project_id, name)
);

-- Scopes: global < project < environment < pipeline (< run parameters, stored on runs).
CREATE TABLE variables (
    id             INTEGER PRIMARY KEY,
    scope          TEXT NOT NULL CHECK (scope IN ('global', 'project', 'environment', 'pipeline')),
    project_id     INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    environment_id INTEGER REFERENCES environments(id) ON DELETE CASCADE,
    pipeline_id    INTEGER REFERENCES pipelines(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    value          TEXT,                 -- NULL: a secret whose value is not set
    secret         INTEGER NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX variables_unique ON variables (
    scope, IFNULL(project_id, 0), IFNULL(environment_id, 0), IFNULL(pipeline_id, 0), name);

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    archived_at INTEGER,                 -- removed from the project's files; history is kept
    created_at  INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

-- File contents, addressed by SHA-256 so versions share unchanged files.
CREATE TABLE blobs (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
);

-- Immutable: rows are only ever inserted.
CREATE TABLE job_versions (
    id              INTEGER PRIMARY KEY,
    job_id          INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    content_hash    TEXT NOT NULL,
    command         TEXT NOT NULL,
    technology      TEXT NOT NULL DEFAULT '',
    runtime_version TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    resources       TEXT NOT NULL DEFAULT '{}',   -- JSON: cpus, memory, ...
    settings        TEXT NOT NULL DEFAULT '{}',   -- JSON: retries, retry_delay, timeout
    release_note    TEXT NOT NULL DEFAULT '',
    author          TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    UNIQUE (job_id, number)
);
CREATE INDEX job_versions_hash ON job_versions (job_id, content_hash);

CREATE TABLE job_version_files (
    job_version_id INTEGER NOT NULL REFERENCES job_versions(id) ON DELETE CASCADE,
    path           TEXT NOT NULL,
    blob_sha256    TEXT NOT NULL REFERENCES blobs(sha256),
    executable     INTEGER NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_version_id, path)
);

CREATE TABLE pipelines (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

-- Immutable: a DAG of tasks over pinned job versions.
CREATE TABLE pipeline_versions (
    id           INTEGER PRIMARY KEY,
    pipeline_id  INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    max_parallel INTEGER NOT NULL DEFAULT 0,     -- 0: no pipeline limit
    release_note TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    UNIQUE (pipeline_id, number)
);
CREATE INDEX pipeline_versions_hash ON pipeline_versions (pipeline_id, content_hash);

CREATE TABLE pipeline_tasks (
    id                  INTEGER PRIMARY KEY,
    pipeline_version_id INTEGER NOT NULL REFERENCES pipeline_versions(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    job_id              INTEGER NOT NULL REFERENCES jobs(id),
    job_version_id      INTEGER NOT NULL REFERENCES job_versions(id),
    position            INTEGER NOT NULL,
    settings            TEXT NOT NULL DEFAULT '{}',  -- JSON overrides: retries, timeout, ...
    UNIQUE (pipeline_version_id, name)
);

CREATE TABLE pipeline_edges (
    pipeline_version_id INTEGER NOT NULL REFERENCES pipeline_versions(id) ON DELETE CASCADE,
    from_task_id        INTEGER NOT NULL REFERENCES pipeline_tasks(id) ON DELETE CASCADE,
    to_task_id          INTEGER NOT NULL REFERENCES pipeline_tasks(id) ON DELETE CASCADE,
    condition           TEXT NOT NULL DEFAULT 'success'
                        CHECK (condition IN ('success', 'failed', 'always')),
    position            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (from_task_id, to_task_id)
);
CREATE INDEX pipeline_edges_version ON pipeline_edges (pipeline_version_id);

CREATE TABLE schedules (
    id             INTEGER PRIMARY KEY,
    pipeline_id    INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
    cron           TEXT NOT NULL,
    timezone       TEXT NOT NULL DEFAULT '',     -- '' : the workspace's zone
    misfire        TEXT NOT NULL DEFAULT 'run_once'
                   CHECK (misfire IN ('skip', 'run_once', 'run_all')),
    environment_id INTEGER REFERENCES environments(id) ON DELETE SET NULL,
    paused         INTEGER NOT NULL DEFAULT 0,
    last_fire_at   INTEGER,                      -- last fire time handled (ms UTC)
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX schedules_pipeline ON schedules (pipeline_id);

-- History of what is deployed where; the newest row per (target, environment) is current.
CREATE TABLE deployments (
    id                  INTEGER PRIMARY KEY,
    environment_id      INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    job_id              INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
    job_version_id      INTEGER REFERENCES job_versions(id),
    pipeline_id         INTEGER REFERENCES pipelines(id) ON DELETE CASCADE,
    pipeline_version_id INTEGER REFERENCES pipeline_versions(id),
    kind                TEXT NOT NULL CHECK (kind IN ('deploy', 'promote', 'rollback')),
    deployed_by         TEXT NOT NULL DEFAULT '',
    deployed_at         INTEGER NOT NULL,
    CHECK ((job_id IS NULL) <> (pipeline_id IS NULL))
);
CREATE INDEX deployments_target ON deployments (environment_id, job_id, pipeline_id, deployed_at);

CREATE TABLE runs (
    id                  INTEGER PRIMARY KEY,
    project_id          INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    pipeline_id         INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
    pipeline_version_id INTEGER NOT NULL REFERENCES pipeline_versions(id),
    environment_id      INTEGER REFERENCES environments(id) ON DELETE SET NULL,
    state               TEXT NOT NULL DEFAULT 'queued',
    trigger             TEXT NOT NULL DEFAULT 'manual'
                        CHECK (trigger IN ('manual', 'schedule', 'backfill', 'rerun', 'api')),
    schedule_id         INTEGER REFERENCES schedules(id) ON DELETE SET NULL,
    fire_time           INTEGER,                 -- scheduled fire time (ms UTC)
    logical_date        TEXT,
    parameters          TEXT NOT NULL DEFAULT '{}',  -- JSON run-scope variables
    parallelism         INTEGER NOT NULL DEFAULT 0,
    rerun_of            INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    requested_by        TEXT NOT NULL DEFAULT '',
    reason              TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    started_at          INTEGER,
    finished_at         INTEGER
);
CREATE INDEX runs_created ON runs (created_at);
CREATE INDEX runs_state ON runs (state);
CREATE INDEX runs_pipeline ON runs (pipeline_id, created_at);
-- Never two runs for one fire time of one schedule.
CREATE UNIQUE INDEX runs_fire ON runs (schedule_id, fire_time) WHERE schedule_id IS NOT NULL;

CREATE TABLE task_runs (
    id               INTEGER PRIMARY KEY,
    run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    pipeline_task_id INTEGER REFERENCES pipeline_tasks(id),
    task_name        TEXT NOT NULL,
    job_version_id   INTEGER REFERENCES job_versions(id),
    state            TEXT NOT NULL DEFAULT 'queued',
    attempts         INTEGER NOT NULL DEFAULT 0,
    exit_code        INTEGER,
    reason           TEXT NOT NULL DEFAULT '',
    queued_at        INTEGER,
    started_at       INTEGER,
    finished_at      INTEGER,
    UNIQUE (run_id, task_name)
);
CREATE INDEX task_runs_state ON task_runs (state);

CREATE TABLE task_attempts (
    id           INTEGER PRIMARY KEY,
    task_run_id  INTEGER NOT NULL REFERENCES task_runs(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    state        TEXT NOT NULL DEFAULT 'starting',
    executor     TEXT NOT NULL DEFAULT 'local',
    executor_ref TEXT NOT NULL DEFAULT '',       -- pid/pgid, Slurm job id, ...
    host         TEXT NOT NULL DEFAULT '',
    exit_code    INTEGER,
    reason       TEXT NOT NULL DEFAULT '',
    log_path     TEXT NOT NULL DEFAULT '',
    started_at   INTEGER,
    finished_at  INTEGER,
    UNIQUE (task_run_id, number)
);

CREATE TABLE metrics (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    task_run_id    INTEGER REFERENCES task_runs(id) ON DELETE CASCADE,
    job_version_id INTEGER REFERENCES job_versions(id),
    environment_id INTEGER REFERENCES environments(id) ON DELETE SET NULL,
    name           TEXT NOT NULL,
    value          REAL NOT NULL,
    recorded_at    INTEGER NOT NULL
);
CREATE INDEX metrics_name ON metrics (name, environment_id, recorded_at);
CREATE INDEX metrics_run ON metrics (run_id);

CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_kind TEXT NOT NULL DEFAULT '',
    object_id   INTEGER,
    object_name TEXT NOT NULL DEFAULT '',
    before      TEXT,                            -- JSON
    after       TEXT,                            -- JSON
    details     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);

-- One engine holds the workspace: a single row with a heartbeat and an expiry.
CREATE TABLE engine_lease (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    holder       TEXT NOT NULL,
    host         TEXT NOT NULL DEFAULT '',
    pid          INTEGER NOT NULL DEFAULT 0,
    acquired_at  INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

-- Requests from consoles and the CLI; the engine claims them.
CREATE TABLE requests (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,                  -- run, cancel, rerun, retry, promote, ...
    payload      TEXT NOT NULL DEFAULT '{}',     -- JSON
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'claimed', 'done', 'failed')),
    requested_by TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    claimed_by   TEXT,
    claimed_at   INTEGER,
    finished_at  INTEGER,
    result       TEXT,
    error        TEXT
);
CREATE INDEX requests_pending ON requests (state, id);
