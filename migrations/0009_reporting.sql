-- Reporting: projects (e.g. an ESF project such as TASOS) with their
-- areas, planned participants and targets, and the cases and activities
-- linked to them. Reporting reads other services' tables, never writes
-- them: below it gets SELECT on exactly the columns its reports use, and
-- none that identify a person (no hetu_hash, hetu_box, names, free text).

CREATE TABLE reporting.projects (
    project_id            text PRIMARY KEY,
    owner_org             text NOT NULL,        -- the coordinating organisation
    name                  text NOT NULL CHECK (octet_length (name) BETWEEN 1 AND 200),
    period_start          date NOT NULL,
    period_end            date NOT NULL CHECK (period_end >= period_start),
    planned_participants  integer NOT NULL CHECK (planned_participants >= 0),
    created_by            text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now ()
);

CREATE TABLE reporting.project_municipalities (
    project_id    text NOT NULL REFERENCES reporting.projects,
    municipality  text NOT NULL REFERENCES kp.municipalities (code),
    PRIMARY KEY (project_id, municipality)
);

-- A target as a range: "6-10 processes" is min 6, max 10; "at least 100"
-- is min 100 and no max.
CREATE TABLE reporting.project_targets (
    project_id    text NOT NULL REFERENCES reporting.projects,
    code          text NOT NULL CHECK (code ~ '^[a-z0-9_]{1,64}$'),
    description   text NOT NULL CHECK (octet_length (description) <= 400),
    min_value     bigint NOT NULL CHECK (min_value >= 0),
    max_value     bigint CHECK (max_value IS NULL OR max_value >= min_value),
    PRIMARY KEY (project_id, code)
);

-- The primary keys make a repeated link a no-op.
CREATE TABLE reporting.project_cases (
    project_id     text NOT NULL REFERENCES reporting.projects,
    case_id        text NOT NULL,
    municipality   text NOT NULL,
    linked_by_org  text NOT NULL,
    linked_at      timestamptz NOT NULL DEFAULT now (),
    PRIMARY KEY (project_id, case_id)
);
CREATE TABLE reporting.project_activities (
    project_id     text NOT NULL REFERENCES reporting.projects,
    activity_id    text NOT NULL,
    linked_by_org  text NOT NULL,
    linked_at      timestamptz NOT NULL DEFAULT now (),
    PRIMARY KEY (project_id, activity_id)
);

GRANT SELECT, INSERT ON reporting.projects, reporting.project_municipalities,
    reporting.project_targets, reporting.project_cases, reporting.project_activities TO reporting;
GRANT SELECT ON reporting.observations TO reporting;

-- Read-only, column by column, what the reports use.
GRANT USAGE ON SCHEMA intake, referral TO reporting;
-- participants: the ESF snapshot attributes, never the identity columns
GRANT SELECT (client_id, municipality, birth_date, birth_year, gender, labour_market_status,
    education_level) ON intake.clients TO reporting;
GRANT SELECT (case_id, client_id, municipality, opened_at) ON intake.cases TO reporting;
-- referral SLA: which notice opened which case (a coordinator's scope)
GRANT SELECT (case_id, referral_id) ON intake.case_referrals TO reporting;
-- outcomes
GRANT SELECT (measurement_id, case_id, measure_id, code, version, timepoint, recorded_at)
    ON intake.measurements TO reporting;
GRANT SELECT (measurement_id, item_code, score) ON intake.measurement_scores TO reporting;
GRANT SELECT (code, version, item_code, position, higher_is_better) ON intake.instrument_items TO reporting;
-- referral SLA
GRANT SELECT (referral_id, kind, sender_org, recipient_type, municipality, received_on, deadline,
    warning_on, clock_stopped_at, deadline_met, assessment_started_at) ON referral.referrals TO reporting;
GRANT SELECT (referral_id, from_state, to_state, at) ON referral.referral_history TO reporting;
GRANT EXECUTE ON FUNCTION referral.deadline_state TO reporting;
