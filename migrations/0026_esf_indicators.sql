-- ESF+ common indicators (issue 21 item 3): the disadvantage dimensions and
-- the language of each participant snapshot, the results at exit and six
-- months after leaving, and the project setting that counts people who
-- take part only through groups or the talousneuvola. Additive: the
-- snapshot table of 0012 keeps its columns; its ESF+ companion is its own
-- table, filled by a trigger whenever a snapshot row is written, so it
-- follows however intake takes (or retakes) snapshots.

-- The disadvantage dimensions and language as they were when the
-- snapshot was taken; one row per snapshot row. No identity.
CREATE TABLE intake.esf_snapshots (
    case_id             text NOT NULL,
    kind                intake.snapshot_kind NOT NULL,
    language            text,                       -- ISO 639 code as recorded; NULL unknown
    foreign_background  intake.answer,              -- NULL: never asked
    disability          intake.answer,
    homelessness        intake.answer,
    living_alone        intake.answer,
    backfilled          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (case_id, kind),
    FOREIGN KEY (case_id, kind) REFERENCES intake.participant_snapshots (case_id, kind)
);

-- Copies the client's attributes as they are at the moment the snapshot
-- row is written (the same moment 0012's function reads the rest).
CREATE FUNCTION intake.esf_snapshot_take () RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO intake.esf_snapshots (case_id, kind, language, foreign_background, disability,
                                      homelessness, living_alone)
    SELECT NEW.case_id, NEW.kind, nullif (cl.language, ''), cl.foreign_background, cl.disability,
           cl.homelessness, cl.living_alone
      FROM intake.cases k JOIN intake.clients cl ON cl.client_id = k.client_id
     WHERE k.case_id = NEW.case_id
    ON CONFLICT (case_id, kind) DO UPDATE
       SET language = EXCLUDED.language, foreign_background = EXCLUDED.foreign_background,
           disability = EXCLUDED.disability, homelessness = EXCLUDED.homelessness,
           living_alone = EXCLUDED.living_alone, backfilled = false;
    RETURN NULL;
END
$$;
CREATE TRIGGER participant_snapshots_esf AFTER INSERT OR UPDATE ON intake.participant_snapshots
    FOR EACH ROW EXECUTE FUNCTION intake.esf_snapshot_take ();
GRANT SELECT, INSERT, UPDATE ON intake.esf_snapshots TO intake;

-- Backfill: the snapshots taken before this migration get the client's
-- CURRENT attributes, marked backfilled (as 0012 did for its start rows).
INSERT INTO intake.esf_snapshots (case_id, kind, language, foreign_background, disability,
                                  homelessness, living_alone, backfilled)
SELECT s.case_id, s.kind, nullif (cl.language, ''), cl.foreign_background, cl.disability,
       cl.homelessness, cl.living_alone, true
  FROM intake.participant_snapshots s JOIN intake.cases k ON k.case_id = s.case_id
  JOIN intake.clients cl ON cl.client_id = k.client_id
ON CONFLICT DO NOTHING;

-- Results. status: known (the fields below were found out), not_reached
-- (asked, no answer), declined (prefers not to say).
CREATE TYPE intake.esf_result_status AS ENUM ('known', 'not_reached', 'declined');
CREATE TYPE intake.esf_employment AS ENUM ('none', 'employed', 'self_employed');

CREATE TABLE intake.esf_results (
    case_id                   text NOT NULL REFERENCES intake.cases,
    timepoint                 text NOT NULL CHECK (timepoint IN ('exit', 'six_months')),
    status                    intake.esf_result_status NOT NULL,
    observed_on               date NOT NULL,
    in_education_or_training  boolean NOT NULL DEFAULT false,
    gained_qualification      boolean NOT NULL DEFAULT false,
    employment                intake.esf_employment,          -- NULL unless known
    job_searching             boolean NOT NULL DEFAULT false,
    improved_situation        boolean NOT NULL DEFAULT false, -- six_months only
    recorded_by_org           text NOT NULL,
    recorded_by               text NOT NULL,
    recorded_at               timestamptz NOT NULL DEFAULT kp.clock (),
    PRIMARY KEY (case_id, timepoint),
    CHECK ((status = 'known') = (employment IS NOT NULL)),
    CHECK (status = 'known' OR NOT (in_education_or_training OR gained_qualification OR job_searching
                                    OR improved_situation)),
    CHECK (timepoint = 'six_months' OR NOT improved_situation)
);
-- Written once, never changed (a different result for the same case and
-- timepoint is refused, not applied).
GRANT SELECT, INSERT ON intake.esf_results TO intake;

-- The project setting: count group- and talousneuvola-only participants.
CREATE TABLE reporting.esf_project_settings (
    project_id                text PRIMARY KEY REFERENCES reporting.projects,
    count_group_participants  boolean NOT NULL
);
GRANT SELECT, INSERT ON reporting.esf_project_settings TO reporting;

-- What the ESF+ reports read: the snapshots' companions and the results
-- (no identity in either), the language and disadvantage answers of the
-- clients who took part only through groups (they have no snapshot: no
-- case opened), and the attendance of the project's activities.
GRANT SELECT (case_id, kind, language, foreign_background, disability, homelessness, living_alone)
    ON intake.esf_snapshots TO reporting;
GRANT SELECT (case_id, timepoint, status, observed_on, in_education_or_training, gained_qualification,
              employment, job_searching, improved_situation)
    ON intake.esf_results TO reporting;
GRANT SELECT (client_id, gender, language, foreign_background, disability, homelessness, living_alone)
    ON intake.clients TO reporting;
GRANT USAGE ON SCHEMA groups TO reporting;
GRANT SELECT (activity_id, kind, municipality) ON groups.activities TO reporting;
GRANT SELECT (session_id, activity_id, session_date, cancelled) ON groups.sessions TO reporting;
GRANT SELECT (session_id, client_id, attendance) ON groups.attendance TO reporting;
