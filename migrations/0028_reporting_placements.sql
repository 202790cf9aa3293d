-- The placements report (issue 22): rehabilitative work activity
-- placements started (the agreement's start) and ended (by reason), per
-- area, organiser and month, folded from groups.agreement_recorded and
-- groups.placement_ended like the other rollups (a live and a rebuilt
-- copy). Days and compensation come from reporting.placement_days.
CREATE TABLE reporting.placement_flow (
    copy           text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    municipality   text NOT NULL,
    organiser_org  text NOT NULL,
    month          text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    flow           text NOT NULL CHECK (flow IN ('started', 'completed', 'illness', 'moved_to_work',
                       'moved_to_education', 'client_decision', 'no_shows', 'other')),
    placements     integer NOT NULL DEFAULT 0 CHECK (placements >= 0),
    PRIMARY KEY (copy, municipality, organiser_org, month, flow)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.placement_flow TO reporting;

-- Anonymous group feedback (groups.feedback_recorded), per area, kind of
-- activity, month and item: how many forms and the sum of their scores.
CREATE TABLE reporting.group_feedback (
    copy           text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    municipality   text NOT NULL,
    activity_kind  text NOT NULL,
    month          text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    item           text NOT NULL CHECK (item IN ('overall', 'social', 'variety', 'usefulness')),
    responses      integer NOT NULL DEFAULT 0 CHECK (responses >= 0),
    score_sum      bigint NOT NULL DEFAULT 0 CHECK (score_sum >= 0),
    PRIMARY KEY (copy, municipality, activity_kind, month, item)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.group_feedback TO reporting;
