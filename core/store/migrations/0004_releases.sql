-- Schema version 4: releases. Roles, promotion requests and approvals, per-environment rewrite
-- rules, the runtime catalog, and the deployment bookkeeping runs read.

-- Workspace roles: viewer, steward, operator, release_manager, admin. A user may hold several.
CREATE TABLE roles (
    user_name  TEXT NOT NULL,
    role       TEXT NOT NULL
               CHECK (role IN ('viewer', 'steward', 'operator', 'release_manager', 'admin')),
    granted_by TEXT NOT NULL DEFAULT '',
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_name, role)
);

-- Where an environment runs (the executor whose runtimes it has) and its rewrite rules
-- (JSON list from jobs-as-code: {variable|setting, value, job?}).
ALTER TABLE environments ADD COLUMN executor TEXT NOT NULL DEFAULT 'local';
ALTER TABLE environments ADD COLUMN rewrites TEXT NOT NULL DEFAULT '[]';

-- The rewrite rules a promotion applied (a snapshot: later edits wait for the next promotion),
-- and the approved request behind it.
ALTER TABLE deployments ADD COLUMN rewrites TEXT NOT NULL DEFAULT '[]';
ALTER TABLE deployments ADD COLUMN request_id INTEGER;
-- What a run was created with from its environment's deployment.
ALTER TABLE runs ADD COLUMN rewrites TEXT NOT NULL DEFAULT '[]';

-- Promotions into environments with an approval policy wait here for a second person.
CREATE TABLE promotion_requests (
    id                  INTEGER PRIMARY KEY,
    project_id          INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    job_id              INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
    job_version_id      INTEGER REFERENCES job_versions(id),
    pipeline_id         INTEGER REFERENCES pipelines(id) ON DELETE CASCADE,
    pipeline_version_id INTEGER REFERENCES pipeline_versions(id),
    from_environment_id INTEGER REFERENCES environments(id) ON DELETE SET NULL,
    to_environment_id   INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    state               TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'promoted', 'rejected')),
    requested_by        TEXT NOT NULL,
    requested_at        INTEGER NOT NULL,
    note                TEXT NOT NULL DEFAULT '',
    decided_by          TEXT,
    decided_at          INTEGER,
    reason              TEXT NOT NULL DEFAULT '',
    CHECK ((job_id IS NULL) <> (pipeline_id IS NULL))
);
CREATE INDEX promotion_requests_state ON promotion_requests (state, id);

-- Runtimes found on an executor's host (bash 5.2.15, python 3.11.2, ...).
CREATE TABLE runtimes (
    executor    TEXT NOT NULL,
    technology  TEXT NOT NULL,
    version     TEXT NOT NULL,
    path        TEXT NOT NULL DEFAULT '',
    host        TEXT NOT NULL DEFAULT '',
    detected_at INTEGER NOT NULL,
    PRIMARY KEY (executor, technology, version)
);

-- Deprecation dates set by admins, per technology and version (prefix: "3.9" covers 3.9.x).
CREATE TABLE runtime_deprecations (
    technology    TEXT NOT NULL,
    version       TEXT NOT NULL,
    deprecated_on TEXT NOT NULL,          -- YYYY-MM-DD
    set_by        TEXT NOT NULL DEFAULT '',
    set_at        INTEGER NOT NULL,
    PRIMARY KEY (technology, version)
);

CREATE INDEX deployments_job ON deployments (environment_id, job_id, id);
CREATE INDEX deployments_pipeline ON deployments (environment_id, pipeline_id, id);

-- Before this version a run used the latest version wherever nothing was deployed; keep what
-- existing workspaces run by deploying those versions explicitly.
INSERT INTO deployments (environment_id, pipeline_id, pipeline_version_id, kind, deployed_by,
                         deployed_at)
SELECT e.id, l.id,
       (SELECT v.id FROM pipeline_versions v WHERE v.pipeline_id = l.id
        ORDER BY v.number DESC LIMIT 1),
       'deploy', 'baton (schema 4)', CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM environments e JOIN pipelines l ON l.project_id = e.project_id
WHERE e.archived_at IS NULL
  AND EXISTS (SELECT 1 FROM pipeline_versions v WHERE v.pipeline_id = l.id)
  AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.environment_id = e.id
                  AND d.pipeline_id = l.id);
INSERT INTO deployments (environment_id, job_id, job_version_id, kind, deployed_by, deployed_at)
SELECT e.id, j.id,
       (SELECT v.id FROM job_versions v WHERE v.job_id = j.id ORDER BY v.number DESC LIMIT 1),
       'deploy', 'baton (schema 4)', CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM environments e JOIN jobs j ON j.project_id = e.project_id
WHERE e.archived_at IS NULL
  AND EXISTS (SELECT 1 FROM job_versions v WHERE v.job_id = j.id)
  AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.environment_id = e.id AND d.job_id = j.id);
