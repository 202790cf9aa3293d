-- The groups service: group activities, their sessions, enrolment with a
-- waitlist, attendance and headcounts, the compensation ledger, and
-- rehabilitative work activity placements with their absence chain.
-- Words (kind, audience, attendance, step) are GroupsEvent's.

CREATE TABLE groups.activities (
    activity_id         text PRIMARY KEY,
    kind                text NOT NULL CHECK (kind IN ('talousneuvola', 'peer_support', 'nature_based',
                        'upcycling', 'developer_clients', 'discussion_cafe', 'meeting_place',
                        'group_rehabilitative_work', 'exercise', 'other')),
    title               text NOT NULL CHECK (octet_length (title) BETWEEN 1 AND 200),
    organiser_org       text NOT NULL,
    municipality        text NOT NULL REFERENCES kp.municipalities (code),
    area                text NOT NULL DEFAULT '' CHECK (octet_length (area) <= 200),
    venue               text NOT NULL DEFAULT '' CHECK (octet_length (venue) <= 200),
    capacity            integer NOT NULL CHECK (capacity BETWEEN 0 AND 10000),
    audience            text NOT NULL CHECK (audience IN ('women', 'men', 'mixed', 'open')),
    closed              boolean NOT NULL,
    compensation_cents  bigint NOT NULL CHECK (compensation_cents BETWEEN 0 AND 100000),
    min_meetings        integer NOT NULL CHECK (min_meetings BETWEEN 0 AND 1000),
    -- the seat counter: with the row lock taken by every enrolment, the
    -- CHECK is the last word against overbooking
    enrolled_count      integer NOT NULL DEFAULT 0
                        CHECK (enrolled_count >= 0 AND (capacity = 0 OR enrolled_count <= capacity)),
    created_at          timestamptz NOT NULL DEFAULT now (),
    updated_at          timestamptz NOT NULL DEFAULT now ()
);
CREATE INDEX activities_organiser ON groups.activities (organiser_org);

-- Co-organisers and facilitating organisations manage the activity too.
CREATE TABLE groups.activity_orgs (
    activity_id  text NOT NULL REFERENCES groups.activities,
    org_id       text NOT NULL,
    role         text NOT NULL CHECK (role IN ('co_organiser', 'facilitator')),
    PRIMARY KEY (activity_id, org_id, role)
);
CREATE INDEX activity_orgs_org ON groups.activity_orgs (org_id);

CREATE TABLE groups.sessions (
    session_id    text PRIMARY KEY,
    activity_id   text NOT NULL REFERENCES groups.activities,
    series_id     text NOT NULL,
    session_date  date NOT NULL,
    start_time    time NOT NULL,
    end_time      time NOT NULL CHECK (end_time > start_time),
    -- the instants, from the civil date and time in Europe/Helsinki
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    venue         text NOT NULL DEFAULT '',
    cancelled     boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_activity ON groups.sessions (activity_id, session_date);
CREATE INDEX sessions_series ON groups.sessions (series_id, session_date);
CREATE INDEX sessions_venue ON groups.sessions (venue, starts_at) WHERE NOT cancelled;

CREATE TABLE groups.session_facilitators (
    session_id       text NOT NULL REFERENCES groups.sessions,
    facilitator_id   text NOT NULL CHECK (octet_length (facilitator_id) BETWEEN 1 AND 64),
    facilitator_org  text NOT NULL,
    PRIMARY KEY (session_id, facilitator_id)
);
CREATE INDEX session_facilitators_person ON groups.session_facilitators (facilitator_id);

CREATE TABLE groups.enrolments (
    activity_id   text NOT NULL REFERENCES groups.activities,
    client_id     text NOT NULL,
    display_name  text NOT NULL DEFAULT '' CHECK (octet_length (display_name) <= 64),
    status        text NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'withdrawn')),
    -- order in the waitlist: the first waitlisted has the smallest
    waitlist_seq  bigint,
    updated_at    timestamptz NOT NULL DEFAULT now (),
    PRIMARY KEY (activity_id, client_id)
);
CREATE INDEX enrolments_client ON groups.enrolments (client_id);
CREATE SEQUENCE groups.waitlist_seq;

CREATE TABLE groups.attendance (
    session_id      text NOT NULL REFERENCES groups.sessions,
    client_id       text NOT NULL,
    attendance      text NOT NULL CHECK (attendance IN ('present', 'absent', 'excused')),
    minutes         integer NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now (),
    PRIMARY KEY (session_id, client_id)
);

CREATE TABLE groups.headcounts (
    session_id   text PRIMARY KEY REFERENCES groups.sessions,
    headcount    integer NOT NULL CHECK (headcount BETWEEN 0 AND 100000),
    follow_ups   integer NOT NULL CHECK (follow_ups >= 0),
    -- "topic:count" sorted by topic, joined by ","; compared on a repeat
    tallies      text NOT NULL DEFAULT '',
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now ()
);

CREATE TABLE groups.staffing (
    session_id   text NOT NULL REFERENCES groups.sessions,
    org_type     text NOT NULL,
    staff_count  integer NOT NULL CHECK (staff_count BETWEEN 1 AND 1000),
    PRIMARY KEY (session_id, org_type)
);

CREATE TABLE groups.placements (
    placement_id         text PRIMARY KEY,
    client_id            text NOT NULL,
    municipality         text NOT NULL REFERENCES kp.municipalities (code),
    placing_org          text NOT NULL,
    organiser_org        text NOT NULL,
    days_per_week        integer NOT NULL CHECK (days_per_week BETWEEN 1 AND 4),
    hours_per_day        integer NOT NULL CHECK (hours_per_day BETWEEN 4 AND 8),
    start_date           date NOT NULL,
    end_date             date NOT NULL CHECK (end_date > start_date),
    compensation_cents   bigint NOT NULL CHECK (compensation_cents BETWEEN 0 AND 100000),
    interim_evaluation   date NOT NULL,
    final_evaluation     date NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now ()
);
CREATE INDEX placements_client ON groups.placements (client_id);

CREATE TABLE groups.placement_days (
    placement_id  text NOT NULL REFERENCES groups.placements,
    day           date NOT NULL,
    minutes       integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    PRIMARY KEY (placement_id, day)
);

CREATE TABLE groups.absence_steps (
    placement_id   text NOT NULL REFERENCES groups.placements,
    absence_date   date NOT NULL,
    step_no        smallint NOT NULL CHECK (step_no BETWEEN 0 AND 3),
    step           text NOT NULL,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp (),
    PRIMARY KEY (placement_id, absence_date, step_no)
);

-- One row per reminder ever sent: the key makes each go out once.
CREATE TABLE groups.evaluation_reminders (
    placement_id  text NOT NULL REFERENCES groups.placements,
    step          text NOT NULL CHECK (step IN ('interim', 'final')),
    due           date NOT NULL,
    sent_at       timestamptz NOT NULL DEFAULT now (),
    PRIMARY KEY (placement_id, step)
);

-- Every compensation ever owed, once per attended meeting or placement
-- day: the unique source key is what makes a repeat impossible.
CREATE TABLE groups.compensation_ledger (
    entry_id      bigserial PRIMARY KEY,
    source        text NOT NULL CHECK (source IN ('attendance', 'placement_day')),
    source_key    text NOT NULL,
    client_id     text NOT NULL,
    amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
    created_at    timestamptz NOT NULL DEFAULT now (),
    UNIQUE (source, source_key)
);

GRANT SELECT, INSERT, UPDATE ON groups.activities, groups.sessions, groups.enrolments TO groups;
GRANT SELECT, INSERT, DELETE ON groups.activity_orgs TO groups;
GRANT SELECT, INSERT ON groups.session_facilitators, groups.attendance, groups.headcounts,
    groups.staffing, groups.placements, groups.placement_days, groups.absence_steps,
    groups.evaluation_reminders, groups.compensation_ledger TO groups;
GRANT USAGE ON SEQUENCE groups.waitlist_seq, groups.compensation_ledger_entry_id_seq TO groups;

-- Enrolment checks that intake knows the client, and a municipality's
-- social worker sees its own clients' participation: the id and the
-- municipality, never the henkilötunnus columns.
GRANT USAGE ON SCHEMA intake TO groups;
GRANT SELECT (client_id, municipality) ON intake.clients TO groups;
