-- Schema version 8: the variables a run's jobs got, recorded when the run starts.
--
-- A run's detail used to resolve the variables again with today's definitions (and without the
-- environment's rewrite rules), so a data steward reviewing last month's run saw this month's
-- values. The engine now records them as it resolved them: a JSON array of
-- {"name", "value", "scope", "secret"}, a secret's value never stored (null). NULL for runs that
-- started before this version, whose detail still shows today's definitions and says so.
ALTER TABLE runs ADD COLUMN variables TEXT;
