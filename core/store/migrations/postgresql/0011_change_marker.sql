-- Schema 11: change markers for the console's watchers (issue #19, "Live across machines").
--
-- SQLite's watchers ask PRAGMA data_version whether anything was committed since they last
-- looked; PostgreSQL has no such value. change_marker.value is its twin: every committed
-- transaction that writes a table a console shows moves it (once per transaction, however many
-- statements), and announces the tables it wrote with NOTIFY baton_changes (delivered at commit,
-- payload: the table's name only, identical payloads of one transaction fold into one). Watchers
-- re-read on the notification and keep polling the counter as the fallback, and after a
-- reconnect, when a notification may have been missed.
--
-- Engine transitions already hold the workspace's write lock (pg_advisory_xact_lock), so the
-- counter row adds no contention there. A new table that a console watches gets the same trigger
-- in its own migration.

CREATE TABLE change_marker (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO change_marker (id, value) VALUES (1, 0);

CREATE FUNCTION note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- SET LOCAL lasts as long as the transaction: the first statement of each bumps the counter.
    IF current_setting('baton.change_noted', true) IS DISTINCT FROM '1' THEN
        UPDATE baton.change_marker SET value = value + 1 WHERE id = 1;
        PERFORM set_config('baton.change_noted', '1', true);
    END IF;
    PERFORM pg_notify('baton_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;

DO $$
DECLARE
    t TEXT;
BEGIN
    -- Every table a console shows (not schema_version, workspace_info or the counter itself;
    -- blobs only change together with job_version_files).
    FOREACH t IN ARRAY ARRAY['projects', 'environments', 'jobs', 'job_versions',
            'job_version_files', 'pipelines', 'variables', 'pipeline_versions', 'pipeline_tasks',
            'pipeline_edges', 'schedules', 'promotion_requests', 'deployments', 'runs',
            'task_runs', 'task_attempts', 'metrics', 'audit_events', 'engine_lease', 'requests',
            'settings', 'roles', 'runtimes', 'runtime_deprecations', 'run_reviews', 'alert_rules',
            'alert_events', 'alert_cursor', 'duration_buckets', 'run_daily',
            'run_duration_daily', 'task_failure_daily', 'task_duration_daily'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION note_change()',
                       t || '_note_change', t);
    END LOOP;
END $$;
