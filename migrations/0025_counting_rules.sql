-- Counting rules (issue 21): what the reports read beyond 0009-0021, and
-- the start snapshot's entry window.
--
-- 1. The resource-based assessment target counts people whose service-need
--    assessment was completed with strengths recorded in at least one
--    domain. Reporting sees whether that is so, never the texts: a view
--    (run with its owner's rights) with the case, the completion time and
--    how many domains name strengths.
CREATE VIEW intake.assessments_with_strengths AS
    SELECT a.case_id, a.completed_at,
           (SELECT count (*) FROM intake.assessment_domains d
             WHERE d.case_id = a.case_id AND d.strengths <> '')::int AS domains_with_strengths
      FROM intake.assessments a
     WHERE a.completed_at IS NOT NULL;
GRANT SELECT ON intake.assessments_with_strengths TO reporting;

-- 2. The talousneuvola report counts intake's anonymous contacts by
--    channel (walk-in, phone): the channel, whether a follow-up was agreed,
--    where and when. Not the session reference, the topics, the recorder
--    or the converted case.
GRANT SELECT (channel, follow_up_agreed, municipality, recorded_at) ON intake.anonymous_contacts TO reporting;

-- 3. The entry window. A case opened by a notice (Kela's or another
--    authority's) is opened by the service before any worker has met the
--    person, so its start snapshot holds only what the notice gave. The
--    attributes the worker records at entry complete it: every recording of
--    the client's attributes (UpdateClient, or RegisterClient finding the
--    person) while the window is open retakes the start snapshot of each
--    such case from the record then, the age still on the day the case
--    opened. The window: the case is open, and today (Helsinki) is at most
--    30 days after the day it opened. Afterwards the snapshot is fixed, as
--    every other snapshot is from the start. retaken_at says when it was
--    last completed (NULL: as taken at the opening).
ALTER TABLE intake.participant_snapshots ADD COLUMN retaken_at timestamptz;

CREATE FUNCTION intake.retake_start_snapshots (p_client_id text)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = intake, kp, pg_temp AS $$
    WITH d AS (
        SELECT s.case_id, (s.taken_at AT TIME ZONE 'Europe/Helsinki')::date AS day,
               cl.birth_date, cl.birth_year, cl.gender, cl.labour_market_status,
               cl.education_level, cl.municipality
          FROM intake.participant_snapshots s
          JOIN intake.cases k ON k.case_id = s.case_id
          JOIN intake.clients cl ON cl.client_id = k.client_id
         WHERE k.client_id = p_client_id AND s.kind = 'start' AND NOT s.backfilled
           AND k.channel IN ('kela_notice', 'authority_notice') AND k.closed_at IS NULL
           AND (kp.clock () AT TIME ZONE 'Europe/Helsinki')::date
               <= (k.opened_at AT TIME ZONE 'Europe/Helsinki')::date + 30),
    retaken AS (
        UPDATE intake.participant_snapshots s
           SET age = CASE WHEN d.birth_date IS NOT NULL AND d.birth_date <= d.day
                          THEN extract (year FROM age (d.day, d.birth_date))::int
                          WHEN d.birth_date IS NULL AND d.birth_year <= extract (year FROM d.day)
                          THEN extract (year FROM d.day)::int - d.birth_year END,
               gender = d.gender, labour_market_status = d.labour_market_status,
               education_level = d.education_level, municipality = d.municipality,
               retaken_at = kp.clock ()
          FROM d
         WHERE s.case_id = d.case_id AND s.kind = 'start'
        RETURNING 1)
    SELECT count (*)::int FROM retaken
$$;
REVOKE ALL ON FUNCTION intake.retake_start_snapshots FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.retake_start_snapshots TO intake;
