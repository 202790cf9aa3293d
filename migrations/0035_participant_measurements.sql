-- Outcome measurements of participants without a case (issue 22).
--
-- A pseudonymous participant (0033) has no case, so intake's measurements
-- (a case's measure) cannot hold theirs. The organiser records them here:
-- the same instruments, versions and items as intake's (the foreign keys
-- to intake.instrument_items), one start and one end per participant,
-- group and instrument version: the pair the outcomes report reads, as it
-- reads a case measure's first start and last end.
--
-- Withdrawn consent: as for the attributes (0033), the rows stay (what the
-- organiser did, and what the audit points at) and the reports stop
-- reading them; no new one is taken.
CREATE TABLE groups.participant_measurements (
    measurement_id  text PRIMARY KEY CHECK (length (measurement_id) = 26),
    participant_id  text NOT NULL REFERENCES groups.pseudonymous_participants,
    activity_id     text NOT NULL REFERENCES groups.activities,
    code            text NOT NULL,
    version         integer NOT NULL,
    timepoint       intake.timepoint NOT NULL CHECK (timepoint IN ('start', 'end')),
    recorded_by     text NOT NULL,
    recorded_by_org text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT kp.clock (),
    FOREIGN KEY (code, version) REFERENCES intake.instruments,
    -- A duplicate is refused by the service; this is the promise behind it.
    UNIQUE (participant_id, activity_id, code, version, timepoint)
);
CREATE TABLE groups.participant_measurement_scores (
    measurement_id  text NOT NULL REFERENCES groups.participant_measurements,
    code            text NOT NULL,
    version         integer NOT NULL,
    item_code       text NOT NULL,
    score           integer NOT NULL,
    PRIMARY KEY (measurement_id, item_code),
    FOREIGN KEY (code, version, item_code) REFERENCES intake.instrument_items
);
-- Nothing is ever updated or deleted.
GRANT SELECT, INSERT ON groups.participant_measurements, groups.participant_measurement_scores TO groups;
-- The scales a score is checked against are intake's.
GRANT SELECT ON intake.instruments, intake.instrument_items TO groups;

-- The outcomes report: the pair, its group (a project's activities) and
-- the scores; the participant's residence for the area. Never who recorded it.
GRANT SELECT (measurement_id, participant_id, activity_id, code, version, timepoint, recorded_at)
    ON groups.participant_measurements TO reporting;
GRANT SELECT (measurement_id, item_code, score) ON groups.participant_measurement_scores TO reporting;
GRANT SELECT (municipality) ON groups.pseudonymous_participants TO reporting;
