-- Schema 14: commit tickets (issue #19: a team workspace loses nothing it acknowledged).
--
-- A connection cut after COMMIT was sent leaves Baton not knowing whether the server committed:
-- writing it again could do it twice, giving up could lose it. Every write transaction puts a
-- random ticket in its server process's row here, with its other statements (no round trip of
-- its own). After such a cut Baton ends that server process if it is still there (a process
-- that is committing commits first), waits for it to be gone, and looks for the ticket: there,
-- the transaction committed; not there, it rolled back (see PostgresBackend::commitOutcome).
-- One row per server process id, overwritten by the next transaction of any process with that
-- id: the table stays small. Not watched by the consoles (no change-marker trigger).

CREATE TABLE commit_tickets (
    backend_pid INTEGER PRIMARY KEY,
    ticket UUID NOT NULL
);
