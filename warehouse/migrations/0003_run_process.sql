-- Which process ran each run, so a run whose process died (killed, machine restarted) can be
-- marked 'interrupted' instead of showing as 'running' forever.
ALTER TABLE runs ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN pid INTEGER;
