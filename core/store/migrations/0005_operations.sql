-- Schema version 5: operator actions and data-steward review.

-- A run's review: the latest sign-off wins ('pending' until someone approves or rejects it).
-- review_updated_at moves on every annotation or sign-off, so the console's polling sees a
-- finished run change without re-reading the whole history.
ALTER TABLE runs ADD COLUMN review_state TEXT NOT NULL DEFAULT 'pending'
    CHECK (review_state IN ('pending', 'approved', 'rejected'));
ALTER TABLE runs ADD COLUMN review_updated_at INTEGER;
ALTER TABLE runs ADD COLUMN annotation_count INTEGER NOT NULL DEFAULT 0;
CREATE INDEX runs_review ON runs (review_state, id);

-- Annotations and sign-offs, append-only: the review history of a run.
CREATE TABLE run_reviews (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('annotation', 'approved', 'rejected')),
    author     TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    run_state  TEXT NOT NULL DEFAULT '',   -- the run's state when this was written
    created_at INTEGER NOT NULL
);
CREATE INDEX run_reviews_run ON run_reviews (run_id, id);
CREATE INDEX run_reviews_signoffs ON run_reviews (kind, created_at);
