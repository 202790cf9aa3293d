-- The path of a rehabilitative work activity placement (issue 22): the
-- activation plan and the organiser's agreement that must come before the
-- first day, the interim and final evaluations, and the ending with its
-- reason and follow-up plan. Additive: groups.placements is untouched;
-- each step is a row of its own, written once (a different record of the
-- same step is refused, never corrected silently). Codes and 1-5 scales
-- only, and one bounded text (the work tasks): no narrative about the
-- client is stored here.

-- The aktivointisuunnitelma, made by the municipality with the TE office
-- and the client; a review that extends it is a new version (the latest
-- holds), never an edit of the old one.
CREATE TABLE groups.activation_plans (
    placement_id   text NOT NULL REFERENCES groups.placements,
    version        integer NOT NULL CHECK (version >= 1),
    te_office_org  text NOT NULL CHECK (octet_length (te_office_org) BETWEEN 1 AND 64),
    goals          text NOT NULL CHECK (goals ~ '^[a-z_]+( [a-z_]+){0,6}$'),   -- space-separated codes
    days_per_week  integer NOT NULL CHECK (days_per_week BETWEEN 1 AND 4),
    hours_per_day  integer NOT NULL CHECK (hours_per_day BETWEEN 4 AND 8),
    valid_until    date NOT NULL,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT kp.clock (),
    PRIMARY KEY (placement_id, version)
);

-- The organiser's agreement with the client: tasks and schedule.
CREATE TABLE groups.placement_agreements (
    placement_id   text PRIMARY KEY REFERENCES groups.placements,
    tasks          text NOT NULL CHECK (octet_length (tasks) BETWEEN 1 AND 200),
    weekdays       text NOT NULL CHECK (weekdays ~ '^[1-7]( [1-7]){0,3}$'),
    hours_per_day  integer NOT NULL CHECK (hours_per_day BETWEEN 4 AND 8),
    start_date     date NOT NULL,
    end_date       date NOT NULL CHECK (end_date > start_date),
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT kp.clock ()
);

-- One interim and one final evaluation per placement.
CREATE TABLE groups.placement_evaluations (
    placement_id            text NOT NULL REFERENCES groups.placements,
    kind                    text NOT NULL CHECK (kind IN ('interim', 'final')),
    decision                text NOT NULL CHECK (decision IN ('continue', 'change', 'end')),
    self_goals              smallint NOT NULL CHECK (self_goals BETWEEN 1 AND 5),
    self_daily_rhythm       smallint NOT NULL CHECK (self_daily_rhythm BETWEEN 1 AND 5),
    self_work_ability       smallint NOT NULL CHECK (self_work_ability BETWEEN 1 AND 5),
    organiser_goals         smallint NOT NULL CHECK (organiser_goals BETWEEN 1 AND 5),
    organiser_daily_rhythm  smallint NOT NULL CHECK (organiser_daily_rhythm BETWEEN 1 AND 5),
    organiser_work_ability  smallint NOT NULL CHECK (organiser_work_ability BETWEEN 1 AND 5),
    evaluated_on            date NOT NULL,
    recorded_by             text NOT NULL,
    recorded_at             timestamptz NOT NULL DEFAULT kp.clock (),
    PRIMARY KEY (placement_id, kind)
);

-- The ending: once, with its reason and the follow-up plan.
CREATE TABLE groups.placement_endings (
    placement_id    text PRIMARY KEY REFERENCES groups.placements,
    ended_on        date NOT NULL,
    reason          text NOT NULL CHECK (reason IN ('completed', 'illness', 'moved_to_work',
                        'moved_to_education', 'client_decision', 'no_shows', 'other')),
    next_step       text NOT NULL CHECK (next_step IN ('work', 'education', 'new_placement',
                        'other_service', 'social_work', 'none')),
    referral_id     text NOT NULL DEFAULT '' CHECK (referral_id = '' OR referral_id ~ '^[0-9A-Z]{26}$'),
    follow_up_date  date,
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT kp.clock ()
);

GRANT SELECT, INSERT ON groups.activation_plans, groups.placement_agreements,
    groups.placement_evaluations, groups.placement_endings TO groups;

-- A placement is a measure of the client's case (intake_placements.c):
-- intake attaches an open rehabilitative_work measure linked to nothing
-- by setting its linked_ref to the placement.
GRANT UPDATE (linked_ref) ON intake.measures TO intake;

-- What follows a group (issue 22): each participant's follow-up plan at
-- the group's end, once per activity and client.
CREATE TABLE groups.group_follow_ups (
    activity_id     text NOT NULL REFERENCES groups.activities,
    client_id       text NOT NULL,
    next_step       text NOT NULL CHECK (next_step IN ('work', 'education', 'new_placement',
                        'other_service', 'social_work', 'none')),
    referral_id     text NOT NULL DEFAULT '' CHECK (referral_id = '' OR referral_id ~ '^[0-9A-Z]{26}$'),
    follow_up_date  date,
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT kp.clock (),
    PRIMARY KEY (activity_id, client_id)
);

-- Anonymous feedback forms: no client, no respondent, only the
-- organisation that typed the form in and the day (not the time, so a
-- form cannot be matched to who was at the door when). Reports show
-- aggregates under disclosure control only.
CREATE TABLE groups.feedback (
    feedback_id   text PRIMARY KEY,
    activity_id   text NOT NULL REFERENCES groups.activities,
    session_id    text REFERENCES groups.sessions,
    overall       smallint NOT NULL CHECK (overall BETWEEN 1 AND 5),
    social        smallint NOT NULL CHECK (social BETWEEN 1 AND 5),
    variety       smallint NOT NULL CHECK (variety BETWEEN 1 AND 5),
    usefulness    smallint NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    recorded_on   date NOT NULL,
    recorded_by   text NOT NULL
);

GRANT SELECT, INSERT ON groups.group_follow_ups, groups.feedback TO groups;
