-- One client record per person and municipality, not per person. A person
-- who moved, or is served by two municipalities, is a client of each: each
-- organiser registers them (or a referral opens a case for them) without
-- learning that another organiser knows them, which the one-per-person
-- UNIQUE (hetu_hash) of 0006 made impossible (the second registration
-- either joined the other municipality's record or was refused, and so
-- told the caller the person was a client elsewhere). The lookup hash
-- stays unique within a municipality, so one organiser still registers a
-- person once; intake compares municipalities with kp_organiser_of only,
-- so counties (several municipalities per organiser) change no index.
ALTER TABLE intake.clients DROP CONSTRAINT IF EXISTS clients_hetu_hash_key;
CREATE UNIQUE INDEX IF NOT EXISTS clients_municipality_hetu_hash
    ON intake.clients (municipality, hetu_hash);
-- Lookups by henkilötunnus read every record of the person, then keep the
-- caller's own.
CREATE INDEX IF NOT EXISTS clients_hetu_hash
    ON intake.clients (hetu_hash) WHERE hetu_hash IS NOT NULL;
