-- Intake: clients, consent, the adult social work client process (SOS),
-- outcome instruments as data, anonymous talousneuvola contacts. Clients
-- are known by a pseudonymous kp_id; a henkilötunnus is kept only
-- encrypted (hetu_box) and as a keyed lookup hash (hetu_hash).

CREATE TYPE intake.gender AS ENUM ('woman', 'man', 'non_binary', 'not_told');
CREATE TYPE intake.answer AS ENUM ('yes', 'no', 'prefers_not_to_say');
CREATE TYPE intake.labour_market_status AS ENUM ('unemployed', 'long_term_unemployed', 'inactive',
    'inactive_not_in_education', 'employed', 'student');
CREATE TYPE intake.education_level AS ENUM ('isced_0_2', 'isced_3_4', 'isced_5_8');
CREATE TYPE intake.case_state AS ENUM ('opened', 'assessment_started', 'assessment_completed',
    'plan_made', 'reviewed', 'closed');
CREATE TYPE intake.case_channel AS ENUM ('own_contact', 'kela_notice', 'authority_notice',
    'outreach', 'talousneuvola', 'group');
CREATE TYPE intake.closure_reason AS ENUM ('goals_reached', 'no_need', 'no_legal_basis',
    'client_declines', 'moved_to_other_service');
CREATE TYPE intake.survey_domain AS ENUM ('housing', 'relationships', 'education_and_work',
    'finances', 'health', 'substance_use', 'networks');
CREATE TYPE intake.timepoint AS ENUM ('start', 'interim', 'end');

CREATE TABLE intake.clients (
    client_id             text PRIMARY KEY,
    hetu_hash             bytea UNIQUE,            -- NULL: an anonymous client
    hetu_box              bytea,
    municipality          text NOT NULL,
    birth_date            date,
    birth_year            integer CHECK (birth_year BETWEEN 1800 AND 2200),
    gender                intake.gender,
    language              text,
    labour_market_status  intake.labour_market_status,
    education_level       intake.education_level,
    living_alone          intake.answer,
    foreign_background    intake.answer,
    disability            intake.answer,
    homelessness          intake.answer,
    other_disadvantage    intake.answer,
    created_by_org        text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((hetu_hash IS NULL) = (hetu_box IS NULL))
);

-- Consent (lupa tietojen vaihtoon): per counterparty organisation and scope.
CREATE TABLE intake.consents (
    consent_id        text PRIMARY KEY,
    client_id         text NOT NULL REFERENCES intake.clients,
    counterparty_org  text NOT NULL,
    scope             text NOT NULL,
    given_at          date NOT NULL,
    withdrawn_at      timestamptz,
    recorded_by_org   text NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consents_client ON intake.consents (client_id);

-- A ban outranks any consent. NULL counterparty / scope: all of them.
CREATE TABLE intake.disclosure_bans (
    ban_id            text PRIMARY KEY,
    client_id         text NOT NULL REFERENCES intake.clients,
    counterparty_org  text,
    scope             text,
    recorded_by_org   text NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosure_bans_client ON intake.disclosure_bans (client_id);

CREATE TABLE intake.cases (
    case_id             text PRIMARY KEY,
    client_id           text NOT NULL REFERENCES intake.clients,
    municipality        text NOT NULL,
    channel             intake.case_channel NOT NULL,
    responsible_worker  text NOT NULL,         -- omatyöntekijä; '' until assigned
    state               intake.case_state NOT NULL DEFAULT 'opened',
    next_review_date    date,
    opened_at           timestamptz NOT NULL DEFAULT now(),
    closed_at           timestamptz,
    closure_reason      intake.closure_reason,
    final_evaluation    text,
    opened_by_org       text NOT NULL,
    CHECK ((state = 'closed') = (closed_at IS NOT NULL AND closure_reason IS NOT NULL))
);
CREATE INDEX cases_client ON intake.cases (client_id);
CREATE INDEX cases_review_due ON intake.cases (next_review_date)
    WHERE state IN ('plan_made', 'reviewed');

-- One referral opens or joins one case: the UNIQUE makes it idempotent.
CREATE TABLE intake.case_referrals (
    case_id      text NOT NULL REFERENCES intake.cases,
    referral_id  text NOT NULL UNIQUE,
    linked_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, referral_id)
);

-- Service-need assessment (palvelutarpeen arviointi, §36) and its initial
-- survey (alkukartoitus): need and strengths per domain.
CREATE TABLE intake.assessments (
    case_id       text PRIMARY KEY REFERENCES intake.cases,
    started_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz,
    summary       text
);
CREATE TABLE intake.assessment_domains (
    case_id    text NOT NULL REFERENCES intake.assessments,
    domain     intake.survey_domain NOT NULL,
    need       text NOT NULL,
    strengths  text NOT NULL,
    PRIMARY KEY (case_id, domain)
);

-- The client plan (asiakassuunnitelma), one row per version: made = 1,
-- each review adds the next.
CREATE TABLE intake.plans (
    case_id              text NOT NULL REFERENCES intake.cases,
    version              integer NOT NULL CHECK (version >= 1),
    goals                text NOT NULL,
    situational_factors  text NOT NULL,
    services             text NOT NULL,
    methods              text NOT NULL,
    participants         text[] NOT NULL,
    evaluation_method    text NOT NULL,
    next_review_date     date NOT NULL,
    client_view          text NOT NULL,
    worker_view          text NOT NULL,
    review_evaluation    text,                 -- set on versions made by a review
    made_by              text NOT NULL,
    made_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, version)
);

CREATE TABLE intake.measures (
    measure_id          text PRIMARY KEY,
    case_id             text NOT NULL REFERENCES intake.cases,
    kind                text NOT NULL CHECK (kind IN ('service', 'guidance', 'group', 'referral',
                                                      'rehabilitative_work')),
    description         text NOT NULL,
    responsible_person  text NOT NULL,
    linked_ref          text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX measures_case ON intake.measures (case_id);

CREATE TABLE intake.ecomap_entries (
    entry_id    text PRIMARY KEY,
    case_id     text NOT NULL REFERENCES intake.cases,
    kind        text NOT NULL CHECK (kind IN ('person', 'organisation')),
    label       text NOT NULL,
    direction   text NOT NULL CHECK (direction IN ('to_client', 'from_client', 'mutual')),
    strength    smallint NOT NULL CHECK (strength BETWEEN -2 AND 2),
    role        text NOT NULL CHECK (role IN ('resource', 'stressor')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ecomap_case ON intake.ecomap_entries (case_id);

-- intake.review_due fires once per (case, review date): the key is the promise.
CREATE TABLE intake.review_reminders (
    case_id      text NOT NULL REFERENCES intake.cases,
    review_date  date NOT NULL,
    emitted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, review_date)
);

-- Outcome instruments as data, not code.
CREATE TABLE intake.instruments (
    code     text NOT NULL,
    version  integer NOT NULL,
    name     text NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE TABLE intake.instrument_items (
    code              text NOT NULL,
    version           integer NOT NULL,
    item_code         text NOT NULL,
    position          integer NOT NULL,
    scale_min         integer NOT NULL,
    scale_max         integer NOT NULL CHECK (scale_max > scale_min),
    higher_is_better  boolean NOT NULL,
    PRIMARY KEY (code, version, item_code),
    FOREIGN KEY (code, version) REFERENCES intake.instruments
);
-- AVAIN (THL): the four components, each rated 1-5 (1 = weak, 5 = strong),
-- as in the SOS plan form. Kykyviisari: overall 0-10 and five areas 0-10.
INSERT INTO intake.instruments VALUES
    ('avain', 1, 'AVAIN (THL)'),
    ('kykyviisari', 1, 'Kykyviisari');
INSERT INTO intake.instrument_items VALUES
    ('avain', 1, 'goals', 1, 1, 5, true),
    ('avain', 1, 'situational_factors', 2, 1, 5, true),
    ('avain', 1, 'services', 3, 1, 5, true),
    ('avain', 1, 'methods', 4, 1, 5, true),
    ('kykyviisari', 1, 'overall', 1, 0, 10, true),
    ('kykyviisari', 1, 'mental_wellbeing', 2, 0, 10, true),
    ('kykyviisari', 1, 'social_participation', 3, 0, 10, true),
    ('kykyviisari', 1, 'physical_functioning', 4, 0, 10, true),
    ('kykyviisari', 1, 'skills', 5, 0, 10, true),
    ('kykyviisari', 1, 'everyday_coping', 6, 0, 10, true);

-- One filled-in instrument; measure_id NULL means the case's plan.
CREATE TABLE intake.measurements (
    measurement_id      text PRIMARY KEY,
    client_id           text NOT NULL REFERENCES intake.clients,
    case_id             text NOT NULL REFERENCES intake.cases,
    measure_id          text REFERENCES intake.measures,
    code                text NOT NULL,
    version             integer NOT NULL,
    timepoint           intake.timepoint NOT NULL,
    recorded_by         text NOT NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (code, version) REFERENCES intake.instruments
);
CREATE INDEX measurements_case ON intake.measurements (case_id, measure_id, code);
CREATE TABLE intake.measurement_scores (
    measurement_id  text NOT NULL REFERENCES intake.measurements,
    code            text NOT NULL,
    version         integer NOT NULL,
    item_code       text NOT NULL,
    score           integer NOT NULL,
    PRIMARY KEY (measurement_id, item_code),
    FOREIGN KEY (code, version, item_code) REFERENCES intake.instrument_items
);

-- Talousneuvola: no client column on purpose. A contact names a case only
-- when it was converted into one with the client's consent.
CREATE TABLE intake.anonymous_contacts (
    contact_id         text PRIMARY KEY,
    session_ref        text NOT NULL,
    channel            text NOT NULL CHECK (channel IN ('walk_in', 'phone')),
    topics             text[] NOT NULL,
    follow_up_agreed   boolean NOT NULL,
    municipality       text NOT NULL,
    recorded_by_org    text NOT NULL,
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    converted_case_id  text REFERENCES intake.cases
);

-- What other services may read before disclosing: one row per consent,
-- and one per ban that has no matching consent. active = given and not
-- withdrawn; banned = a ban covers this counterparty and scope.
CREATE VIEW intake.disclosure_permissions AS
    SELECT c.client_id, c.counterparty_org, c.scope,
           c.withdrawn_at IS NULL AS active,
           EXISTS (SELECT 1 FROM intake.disclosure_bans b
                   WHERE b.client_id = c.client_id
                     AND (b.counterparty_org IS NULL OR b.counterparty_org = c.counterparty_org)
                     AND (b.scope IS NULL OR b.scope = c.scope)) AS banned
      FROM intake.consents c
    UNION ALL
    SELECT b.client_id, b.counterparty_org, b.scope, false AS active, true AS banned
      FROM intake.disclosure_bans b
     WHERE NOT EXISTS (SELECT 1 FROM intake.consents c
                       WHERE c.client_id = b.client_id
                         AND (b.counterparty_org IS NULL OR b.counterparty_org = c.counterparty_org)
                         AND (b.scope IS NULL OR b.scope = c.scope));

-- Least privilege: nothing is ever deleted; only the columns that change
-- may be updated.
GRANT SELECT, INSERT ON intake.clients, intake.consents, intake.disclosure_bans, intake.cases,
    intake.case_referrals, intake.assessments, intake.assessment_domains, intake.plans,
    intake.measures, intake.ecomap_entries, intake.review_reminders, intake.measurements,
    intake.measurement_scores, intake.anonymous_contacts TO intake;
GRANT UPDATE (municipality, birth_date, birth_year, gender, language, labour_market_status,
    education_level, living_alone, foreign_background, disability, homelessness,
    other_disadvantage, updated_at) ON intake.clients TO intake;
GRANT UPDATE (withdrawn_at) ON intake.consents TO intake;
GRANT UPDATE (state, responsible_worker, next_review_date, closed_at, closure_reason,
    final_evaluation) ON intake.cases TO intake;
GRANT UPDATE (completed_at, summary) ON intake.assessments TO intake;
GRANT SELECT ON intake.instruments, intake.instrument_items, intake.disclosure_permissions TO intake;

GRANT USAGE ON SCHEMA intake TO referral, groups;
GRANT SELECT ON intake.disclosure_permissions TO referral, groups;

-- The referral service's view of a notice's client (migration 0005),
-- read through a function so that intake's statements prepare even where
-- that view is created later: plpgsql resolves the name when it runs.
CREATE FUNCTION intake.referral_source (p_referral_id text)
RETURNS TABLE (municipality text, hetu_hash bytea, hetu_box bytea, client_ref text,
               sender_org text, sender_type text, kind text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
        SELECT r.municipality::text, r.hetu_hash, r.hetu_box, r.client_ref::text,
               r.sender_org::text, r.sender_type::text, r.kind::text
          FROM referral.intake_referral_clients r
         WHERE r.referral_id = p_referral_id;
END
$$;
REVOKE ALL ON FUNCTION intake.referral_source FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.referral_source TO intake;
