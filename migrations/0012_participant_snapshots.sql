-- ESF participant snapshots: a client's reportable attributes as they were
-- when a case opened (start) and when it closed (exit), so the participants
-- report shows the situation at entry and at exit rather than whatever the
-- client record says today. One row per (case, kind), written by intake in
-- the same transaction as the case change. Age is kept, not the birth
-- date; no henkilötunnus, no name, not even the client id (the case row
-- leads to the pseudonymous client when a person must be counted once).

CREATE TYPE intake.snapshot_kind AS ENUM ('start', 'exit');

CREATE TABLE intake.participant_snapshots (
    case_id               text NOT NULL REFERENCES intake.cases,
    kind                  intake.snapshot_kind NOT NULL,
    taken_at              timestamptz NOT NULL,     -- the case's opened_at / closed_at
    age                   integer CHECK (age >= 0), -- whole years on the Helsinki date of taken_at; NULL unknown
    gender                intake.gender,
    labour_market_status  intake.labour_market_status,
    education_level       intake.education_level,
    municipality          text NOT NULL,            -- the client's municipality of residence then
    backfilled            boolean NOT NULL DEFAULT false,   -- taken by this migration, see below
    PRIMARY KEY (case_id, kind)
);

-- The one definition of a snapshot, used by intake (intake_snapshot.c), by
-- the backfill below and by test fixtures. Returns the rows written: 1, or
-- 0 when the case does not exist or (exit) is not closed. A birth year
-- alone gives the age the person turns that year, as the report always did;
-- a birth date after the snapshot date gives no age.
CREATE FUNCTION intake.take_participant_snapshot (p_case_id text, p_kind intake.snapshot_kind,
                                                  p_backfilled boolean DEFAULT false)
RETURNS integer
LANGUAGE sql VOLATILE AS $$
    WITH c AS (
        SELECT k.case_id, cl.birth_date, cl.birth_year, cl.gender, cl.labour_market_status,
               cl.education_level, cl.municipality,
               CASE p_kind WHEN 'start' THEN k.opened_at ELSE k.closed_at END AS at
          FROM intake.cases k JOIN intake.clients cl ON cl.client_id = k.client_id
         WHERE k.case_id = p_case_id),
    d AS (
        SELECT c.*, (c.at AT TIME ZONE 'Europe/Helsinki')::date AS day FROM c WHERE c.at IS NOT NULL),
    written AS (
        INSERT INTO intake.participant_snapshots (case_id, kind, taken_at, age, gender,
            labour_market_status, education_level, municipality, backfilled)
        SELECT d.case_id, p_kind, d.at,
               CASE WHEN d.birth_date IS NOT NULL AND d.birth_date <= d.day
                    THEN extract (year FROM age (d.day, d.birth_date))::int
                    WHEN d.birth_date IS NULL AND d.birth_year <= extract (year FROM d.day)
                    THEN extract (year FROM d.day)::int - d.birth_year END,
               d.gender, d.labour_market_status, d.education_level, d.municipality, p_backfilled
          FROM d
        RETURNING 1)
    SELECT count (*)::int FROM written
$$;
REVOKE ALL ON FUNCTION intake.take_participant_snapshot FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.take_participant_snapshot TO intake;

-- Written once, never changed: intake may insert and read, nothing more.
GRANT SELECT, INSERT ON intake.participant_snapshots TO intake;

-- Backfill. Cases opened before this migration have no snapshot taken at
-- the time, so each existing case (open or closed) gets a start snapshot
-- from the client's CURRENT attributes, marked backfilled: the same figures
-- the participants report showed before, so no participant disappears
-- from a past period's start count. No exit snapshot is invented: a case
-- closed before this migration has no exit row, and its person is counted
-- at exit only if a later case of theirs closes.
SELECT intake.take_participant_snapshot (k.case_id, 'start', true)
  FROM intake.cases k
 WHERE NOT EXISTS (SELECT 1 FROM intake.participant_snapshots s
                   WHERE s.case_id = k.case_id AND s.kind = 'start');

-- The participants report reads the snapshots, column by column; not
-- backfilled, which no report needs. The report no longer reads the ESF
-- columns of intake.clients, but the grant from 0009 stays until the
-- release after this one: during a rolling upgrade the reporting service
-- still running the old statement needs it (migrations are additive).
GRANT SELECT (case_id, kind, taken_at, age, gender, labour_market_status, education_level, municipality)
    ON intake.participant_snapshots TO reporting;
-- Who has left: a person's cases all closed, the exit row that of the last
-- one to close (a case closed before this migration has none: no row).
GRANT SELECT (closed_at) ON intake.cases TO reporting;
