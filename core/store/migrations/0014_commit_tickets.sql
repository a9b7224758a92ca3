-- Schema 14: commit tickets (see migrations/postgresql/0014_commit_tickets.sql).
-- Only a team workspace writes them: an SQLite workspace is one file on this machine and never
-- loses a COMMIT's reply on the way. The table exists here too so that both backends keep one
-- schema (a workspace copy moves between them table by table).

CREATE TABLE commit_tickets (
    backend_pid INTEGER PRIMARY KEY,
    ticket TEXT NOT NULL
);
