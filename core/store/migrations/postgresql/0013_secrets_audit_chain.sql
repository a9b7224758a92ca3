-- Schema 13: encrypted secrets and a tamper-evident audit trail (issue #21); see
-- ../0013_secrets_audit_chain.sql. The events already there are chained in C++ in this
-- migration's transaction (Store::migrate).
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
