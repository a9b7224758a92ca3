-- Schema version 3: backfill runs are unique per pipeline, environment and fire time, so an
-- interrupted backfill resumes instead of running a logical date twice.
CREATE UNIQUE INDEX runs_backfill ON runs (pipeline_id, environment_id, fire_time)
    WHERE trigger = 'backfill';
