-- Reporting rollups: what the reports read instead of other services' raw
-- tables, kept by reporting's stream consumer ("reporting.rollups"), whose
-- cursor moves in the same transaction as each event's effect.
--
-- Every rollup row has a copy: 'live' is the one the consumer keeps and the
-- reports read; 'rebuilt' exists only inside a RebuildRollups transaction,
-- which folds kp.events again into it, compares the two and deletes it
-- before commit. One table per rollup keeps the fold's SQL one statement
-- per fact for both copies.
--
-- Grain: one row per notice, per activity, per session (and per session's
-- topic or staff type), per placement organiser and month. Reports scan
-- these, never the events, so their cost does not grow with the event log.

-- A notice to a municipality's social services and its statutory clock.
CREATE TABLE reporting.referral_notices (
    copy                   text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    referral_id            text NOT NULL,
    municipality           text NOT NULL,
    kind                   integer NOT NULL,     -- ReferralKind
    sender_org             text NOT NULL,
    received_on            date NOT NULL,        -- Europe/Helsinki
    deadline               date,                 -- the clock started on receipt, NULL if none
    acknowledged_on        date,                 -- first move out of RECEIVED
    assessment_started_on  date,
    clock_stopped_on       date,                 -- first event with the clock no longer running
    breach_notified        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (copy, referral_id)
);
CREATE INDEX referral_notices_report ON reporting.referral_notices (copy, received_on, municipality);

CREATE TABLE reporting.group_activities (
    copy           text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    activity_id    text NOT NULL,
    activity_kind  text NOT NULL,
    municipality   text NOT NULL,
    organiser_org  text NOT NULL,
    PRIMARY KEY (copy, activity_id)
);

-- A session is held when attendance with someone present, or a headcount,
-- was recorded for it (the groups contract).
CREATE TABLE reporting.group_sessions (
    copy                text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    session_id          text NOT NULL,
    activity_id         text NOT NULL,
    session_date        date NOT NULL,
    cancelled           boolean NOT NULL DEFAULT false,
    present             integer NOT NULL DEFAULT 0,
    absent              integer NOT NULL DEFAULT 0,
    excused             integer NOT NULL DEFAULT 0,
    attended_minutes    bigint NOT NULL DEFAULT 0,
    compensation_cents  bigint NOT NULL DEFAULT 0,
    headcount_recorded  boolean NOT NULL DEFAULT false,
    headcount           integer NOT NULL DEFAULT 0,
    follow_ups          integer NOT NULL DEFAULT 0,
    PRIMARY KEY (copy, session_id)
);
CREATE INDEX group_sessions_activity ON reporting.group_sessions (copy, activity_id, session_date);

CREATE TABLE reporting.group_session_topics (
    copy        text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    session_id  text NOT NULL,
    topic       text NOT NULL,
    visitors    integer NOT NULL,
    PRIMARY KEY (copy, session_id, topic)
);

CREATE TABLE reporting.group_session_staffing (
    copy            text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    session_id      text NOT NULL,
    staff_org_type  text NOT NULL,
    staff_count     integer NOT NULL,
    PRIMARY KEY (copy, session_id, staff_org_type)
);

-- Rehabilitative work activity days: not sessions, so by organiser and month.
CREATE TABLE reporting.placement_days (
    copy                text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    municipality        text NOT NULL,
    organiser_org       text NOT NULL,
    month               text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    days                integer NOT NULL DEFAULT 0,
    attended_minutes    bigint NOT NULL DEFAULT 0,
    compensation_cents  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (copy, municipality, organiser_org, month)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.referral_notices, reporting.group_activities,
    reporting.group_sessions, reporting.group_session_topics, reporting.group_session_staffing,
    reporting.placement_days TO reporting;

-- The rebuild folds the raw events again.
GRANT SELECT ON kp.events TO reporting;

-- A target names the metric that computes its actual figure (reporting_targets.c
-- holds the list), a parameter (e.g. N meetings) and the activity kinds it counts.
ALTER TABLE reporting.project_targets
    ADD COLUMN metric text NOT NULL DEFAULT '' CHECK (metric ~ '^[a-z_]{0,64}$'),
    ADD COLUMN parameter bigint NOT NULL DEFAULT 0 CHECK (parameter >= 0),
    ADD COLUMN activity_kinds text NOT NULL DEFAULT '';     -- space-separated, '' = any

-- outcomes per kind of measure: the kind only, never the description.
GRANT SELECT (measure_id, kind) ON intake.measures TO reporting;
