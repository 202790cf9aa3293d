-- The worker's caseload (issue 18): the history of responsible workers,
-- contacts with the client, the service-need assessment clock of every
-- case, and measures with time. Additive: the earlier tables only gain
-- columns and grants.

CREATE TYPE intake.contact_kind AS ENUM ('meeting', 'phone', 'home_visit', 'network_meeting', 'digital');
CREATE TYPE intake.reassign_reason AS ENUM ('workload', 'absence', 'worker_left', 'client_request',
    'conflict_of_interest', 'specialisation', 'other');
CREATE TYPE intake.measure_status AS ENUM ('planned', 'active', 'ended', 'interrupted');
CREATE TYPE intake.measure_outcome AS ENUM ('achieved', 'partly_achieved', 'not_achieved', 'not_assessed');

-- Who has been the responsible worker (omatyöntekijä, §42), in order.
-- The first row is the worker named at opening (the trigger below); each
-- ReassignCase adds one with its reason. Nothing is updated or deleted.
CREATE TABLE intake.case_workers (
    case_id          text NOT NULL REFERENCES intake.cases,
    position         integer NOT NULL CHECK (position >= 1),
    worker           text NOT NULL,
    reason           intake.reassign_reason,        -- NULL: named at opening
    assigned_by_org  text NOT NULL,
    assigned_by      text NOT NULL,
    assigned_at      timestamptz NOT NULL DEFAULT kp.clock(),
    PRIMARY KEY (case_id, position)
);
CREATE INDEX case_workers_worker ON intake.case_workers (worker);
INSERT INTO intake.case_workers (case_id, position, worker, assigned_by_org, assigned_by, assigned_at)
    SELECT case_id, 1, responsible_worker, opened_by_org, '', opened_at
      FROM intake.cases WHERE responsible_worker <> '';

CREATE FUNCTION intake.case_workers_first () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.responsible_worker <> '' THEN
        INSERT INTO intake.case_workers (case_id, position, worker, assigned_by_org, assigned_by)
            VALUES (NEW.case_id, 1, NEW.responsible_worker, NEW.opened_by_org, '');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cases_first_worker AFTER INSERT ON intake.cases
    FOR EACH ROW EXECUTE FUNCTION intake.case_workers_first ();

-- A contact with the client: its kind, day and who took part by
-- organisation type. No free text: nothing here can name anyone.
CREATE TABLE intake.contacts (
    contact_id       text PRIMARY KEY,
    case_id          text NOT NULL REFERENCES intake.cases,
    kind             intake.contact_kind NOT NULL,
    contact_on       date NOT NULL,
    participants     text[] NOT NULL,               -- organisation types
    recorded_by_org  text NOT NULL,
    recorded_by      text NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT kp.clock()
);
CREATE INDEX contacts_case ON intake.contacts (case_id, contact_on);
CREATE INDEX contacts_day ON intake.contacts (contact_on);

-- intake.contact_due once per (case, day it fell due): the key is the promise.
CREATE TABLE intake.contact_reminders (
    case_id     text NOT NULL REFERENCES intake.cases,
    due_on      date NOT NULL,
    emitted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, due_on)
);

-- The service-need assessment clock (Social Welfare Act §36) of a case,
-- whatever its channel. opened_on is intake's day of opening, pending_on
-- the day the matter became pending (a referral's receipt when earlier).
-- last_contact_on is the latest contact day. The clock stops when the
-- assessment starts (intake.assessments).
CREATE TABLE intake.case_clocks (
    case_id          text PRIMARY KEY REFERENCES intake.cases,
    opened_on        date NOT NULL,
    pending_on       date NOT NULL,
    urgent           boolean NOT NULL DEFAULT false,
    priority         text NOT NULL DEFAULT '' CHECK (priority IN ('', 'over_75', 'highest_care_allowance')),
    working_days     integer NOT NULL CHECK (working_days >= 0),
    deadline         date NOT NULL,
    warning_on       date NOT NULL,
    last_contact_on  date
);
CREATE INDEX case_clocks_running ON intake.case_clocks (warning_on, deadline);
-- Cases opened before this migration get theirs from intake's clock
-- watch, which counts working days (kp_calendar); SQL does not.

-- Warning and breach of a case's clock, once each.
CREATE TABLE intake.clock_notices (
    case_id     text NOT NULL REFERENCES intake.cases,
    notice      text NOT NULL CHECK (notice IN ('warning', 'breach')),
    deadline    date NOT NULL,
    emitted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, notice)
);

-- Measures with time. Measures from before keep NULL dates and count as
-- active.
ALTER TABLE intake.measures
    ADD COLUMN start_date   date,
    ADD COLUMN planned_end  date,
    ADD COLUMN ended_on     date,
    ADD COLUMN status       intake.measure_status NOT NULL DEFAULT 'active',
    ADD COLUMN outcome      intake.measure_outcome,
    ADD CONSTRAINT measures_planned_end CHECK (planned_end IS NULL OR start_date IS NULL OR planned_end >= start_date),
    ADD CONSTRAINT measures_ended CHECK ((ended_on IS NULL) = (status IN ('planned', 'active')));

GRANT SELECT, INSERT ON intake.case_workers, intake.contacts, intake.contact_reminders,
    intake.case_clocks, intake.clock_notices TO intake;
GRANT UPDATE (pending_on, urgent, priority, working_days, deadline, warning_on, last_contact_on)
    ON intake.case_clocks TO intake;
GRANT UPDATE (start_date, planned_end, ended_on, status, outcome) ON intake.measures TO intake;

-- A referral's clock inputs: its urgency and day of receipt.
GRANT SELECT (referral_id, urgent, received_on) ON referral.referrals TO intake;
-- The referral service shows a referral's case id to its recipient.
GRANT SELECT (case_id, referral_id) ON intake.case_referrals TO referral;

-- The workload report (reporting_workload.c) reads these as they are.
GRANT SELECT (state, responsible_worker, next_review_date) ON intake.cases TO reporting;
GRANT SELECT (case_id, version, next_review_date, made_at) ON intake.plans TO reporting;
GRANT SELECT (case_id, started_at) ON intake.assessments TO reporting;
GRANT SELECT ON intake.case_workers, intake.contacts, intake.case_clocks TO reporting;

-- Where a clock stands on a given day (ClockState in intake.proto as
-- codes); the one definition ListCases, GetCase and the report share.
CREATE FUNCTION intake.clock_state (p_deadline date, p_warning_on date, p_started_at timestamptz,
                                    p_closed boolean, p_today date)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_deadline IS NULL THEN ''
        WHEN p_started_at IS NOT NULL THEN
            CASE WHEN (p_started_at AT TIME ZONE 'Europe/Helsinki')::date <= p_deadline
                 THEN 'met' ELSE 'missed' END
        WHEN p_closed THEN 'stopped'
        WHEN p_deadline < p_today THEN 'overdue'
        WHEN p_warning_on <= p_today THEN 'due_soon'
        ELSE 'running' END
$$;
-- The day an open case falls due for a contact: months after its last
-- contact, or after it opened when it has none.
CREATE FUNCTION intake.contact_due_on (p_last_contact date, p_opened date, p_closed boolean, p_months integer)
RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_closed THEN NULL
                ELSE (coalesce (p_last_contact, p_opened) + make_interval (months => p_months))::date END
$$;
GRANT EXECUTE ON FUNCTION intake.clock_state, intake.contact_due_on TO intake, reporting;
