-- Participants without a case (issue 22), and the groups reminder on the
-- per-call clock.
--
-- An NGO group may enrol a person intake does not know. The organiser keeps
-- a pseudonymous record of them: its own reference (never a name, no
-- henkilötunnus), birth year or age band, residence, the ESF+ attributes
-- intake asks its clients, and the person's consent to their use. The id
-- is an intake-style 26-character id, so enrolment, attendance and the
-- ledger take it where they take a client id; nothing in intake holds it.
--
-- Counted once: when the person later becomes intake's client, the
-- organiser links the record to the client (linked_client_id), and the
-- ESF+ report folds the pseudonym's attendance into the client's. One
-- record per client and organiser, so no person is two pseudonyms there.
-- A withdrawn consent leaves the record and its attendance; the reports
-- stop reading the attributes (consent_withdrawn_on set: "not known").
CREATE TABLE groups.pseudonymous_participants (
    participant_id        text PRIMARY KEY CHECK (length (participant_id) = 26),
    organiser_org         text NOT NULL,
    reference             text NOT NULL CHECK (length (reference) BETWEEN 1 AND 64),
    birth_year            int4 CHECK (birth_year BETWEEN 1900 AND 2100),
    age_band              text CHECK (age_band IN ('under_18', '18_24', '25_29', '30_54', '55_64', '65_plus')),
    municipality          text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    gender                intake.gender,              -- NULL: not known
    language              text CHECK (length (language) <= 3),
    foreign_background    intake.answer,              -- NULL: not asked
    disability            intake.answer,
    homelessness          intake.answer,
    living_alone          intake.answer,
    consent_purpose       text NOT NULL CHECK (consent_purpose IN ('esf_reporting')),
    consent_given_on      date NOT NULL,
    consent_withdrawn_on  date CHECK (consent_withdrawn_on >= consent_given_on),
    linked_client_id      text CHECK (length (linked_client_id) = 26),
    linked_at             timestamptz,
    created_by_org        text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT kp.clock (),
    UNIQUE (organiser_org, reference),
    UNIQUE (organiser_org, linked_client_id)
);
GRANT SELECT, INSERT, UPDATE ON groups.pseudonymous_participants TO groups;

-- What the ESF+ report reads: the attributes, whether they may be used and
-- whom the record became; never the reference.
GRANT SELECT (participant_id, gender, language, foreign_background, disability, homelessness, living_alone,
              consent_withdrawn_on, linked_client_id)
    ON groups.pseudonymous_participants TO reporting;

-- The reminder's sent_at on the clock the reminder ran on (a test clock too).
ALTER TABLE groups.evaluation_reminders ALTER COLUMN sent_at SET DEFAULT kp.clock ();
