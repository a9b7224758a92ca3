-- Schema 13: encrypted secrets and a tamper-evident audit trail (issue #21).
--
-- Secrets: variables.value of a secret holds "v1:<key id>:<base64 nonce+ciphertext>"
-- (libsodium crypto_secretbox, see core/access/secretbox.h). SQL cannot encrypt, so no column
-- changes here: a workspace made before keeps its clear values, which the engine still reads,
-- until `baton secrets encrypt` (or `baton secrets init-key`) encrypts them in C++.
--
-- Audit chain: each event's hash is SHA-256 over its fields and prev_hash, the hash of the event
-- before it (see core/access/auditchain.h). The events already there are chained by the same
-- upgrade, in C++, in this migration's transaction (Store::migrate).
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
