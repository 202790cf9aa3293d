-- History import (`kumppani import`). Two things:
--
-- The clock. Everything a call writes is dated by one clock: the call's
-- own. For a live call that is now(); for an imported record it is the
-- record's original time, which the service sets for its transaction with
-- set_config('kp.clock', micros, true) (kp_db_set_clock) after kp_server
-- has checked that the caller is an importer. Every column default and
-- every statement that said now() says kp.clock() instead, so an imported
-- case is opened, assessed and closed on its own dates by the very
-- statements the live path runs. An empty or unset kp.clock is now().
CREATE OR REPLACE FUNCTION kp.clock () RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT coalesce (to_timestamp (nullif (current_setting ('kp.clock', true), '')::int8 / 1e6), now ())
$$;
GRANT EXECUTE ON FUNCTION kp.clock () TO intake, referral, groups, reporting;

ALTER TABLE reporting.observations ALTER COLUMN created_at SET DEFAULT kp.clock ();
ALTER TABLE referral.referrals ALTER COLUMN created_at SET DEFAULT kp.clock ();
ALTER TABLE referral.referrals ALTER COLUMN updated_at SET DEFAULT kp.clock ();
ALTER TABLE referral.referral_history ALTER COLUMN at SET DEFAULT kp.clock ();
ALTER TABLE intake.clients ALTER COLUMN created_at SET DEFAULT kp.clock ();
ALTER TABLE intake.clients ALTER COLUMN updated_at SET DEFAULT kp.clock ();
ALTER TABLE intake.consents ALTER COLUMN recorded_at SET DEFAULT kp.clock ();
ALTER TABLE intake.disclosure_bans ALTER COLUMN recorded_at SET DEFAULT kp.clock ();
ALTER TABLE intake.cases ALTER COLUMN opened_at SET DEFAULT kp.clock ();
ALTER TABLE intake.case_referrals ALTER COLUMN linked_at SET DEFAULT kp.clock ();
ALTER TABLE intake.assessments ALTER COLUMN started_at SET DEFAULT kp.clock ();
ALTER TABLE intake.plans ALTER COLUMN made_at SET DEFAULT kp.clock ();
ALTER TABLE intake.measures ALTER COLUMN created_at SET DEFAULT kp.clock ();
ALTER TABLE intake.ecomap_entries ALTER COLUMN created_at SET DEFAULT kp.clock ();
ALTER TABLE intake.measurements ALTER COLUMN recorded_at SET DEFAULT kp.clock ();
ALTER TABLE intake.anonymous_contacts ALTER COLUMN recorded_at SET DEFAULT kp.clock ();
ALTER TABLE groups.activities ALTER COLUMN created_at SET DEFAULT kp.clock ();
ALTER TABLE groups.activities ALTER COLUMN updated_at SET DEFAULT kp.clock ();
ALTER TABLE groups.enrolments ALTER COLUMN updated_at SET DEFAULT kp.clock ();
ALTER TABLE groups.attendance ALTER COLUMN recorded_at SET DEFAULT kp.clock ();
ALTER TABLE groups.headcounts ALTER COLUMN recorded_at SET DEFAULT kp.clock ();
ALTER TABLE groups.placements ALTER COLUMN created_at SET DEFAULT kp.clock ();
ALTER TABLE groups.absence_steps ALTER COLUMN recorded_at SET DEFAULT kp.clock ();
ALTER TABLE groups.compensation_ledger ALTER COLUMN created_at SET DEFAULT kp.clock ();
-- Left on the real clock on purpose: the deadline watch's and the review
-- reminders' sent_at / emitted_at (when kumppani itself acted), and the
-- audit log (when the import ran, not when the case happened).

-- The mapping from the source system's own ids to kumppani's: a rerun of
-- an import finds each record here and sends nothing again. Written by
-- `kumppani import` (an administrator connection) once the service has
-- answered; a record whose answer was lost is sent again with the same
-- idempotency key (import:SYSTEM:ID) and gets its stored reply back.
CREATE TABLE IF NOT EXISTS kp.import_map (
    source_system  text NOT NULL CHECK (source_system ~ '^[a-z0-9_-]{1,32}$'),
    source_id      text NOT NULL CHECK (length (source_id) BETWEEN 1 AND 128),
    kind           text NOT NULL,        -- the record's kind (client, case, case_phase, …)
    kumppani_id    text NOT NULL,        -- the id kumppani assigned (of the case for a phase)
    as_org         text NOT NULL,        -- the organisation the record was written as
    original_time  timestamptz NOT NULL,
    imported_at    timestamptz NOT NULL DEFAULT now (),
    PRIMARY KEY (source_system, source_id)
);
