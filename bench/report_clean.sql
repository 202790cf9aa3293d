-- bench/report_clean.sql — removes what the report benchmark made (ids
-- starting with "bench"), children first: the rows of report_data.sql,
-- the events bench_report_events appended and what the consumers made of
-- them (the reporting rollup rows; parked events, if any), so a later
-- RebuildRollups finds live and rebuilt equal. Then an empty
-- bench.calendar for bench_calendar's rows.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;
-- Intake's watches keep writing these for the generated cases: none may
-- come in between their delete and the cases' (the foreign keys).
LOCK TABLE intake.esf_snapshots, intake.clock_notices, intake.case_clocks, intake.contact_reminders,
    intake.review_reminders, intake.participant_snapshots IN EXCLUSIVE MODE;
DELETE FROM intake.case_referrals WHERE case_id LIKE 'bench%';
-- What intake made of the generated cases meanwhile: their ESF+ snapshots,
-- the assessment clocks its watch gave them, the notices it sent, the
-- contact and review reminders it keeps.
DELETE FROM intake.esf_snapshots WHERE case_id LIKE 'bench%';
DELETE FROM intake.clock_notices WHERE case_id LIKE 'bench%';
DELETE FROM intake.case_clocks WHERE case_id LIKE 'bench%';
DELETE FROM intake.contact_reminders WHERE case_id LIKE 'bench%';
DELETE FROM intake.review_reminders WHERE case_id LIKE 'bench%';
DELETE FROM intake.participant_snapshots WHERE case_id LIKE 'bench%';
DELETE FROM intake.cases WHERE case_id LIKE 'bench%';
DELETE FROM intake.clients WHERE client_id LIKE 'bench%';
DELETE FROM referral.deadline_notices WHERE referral_id LIKE 'bench%';
DELETE FROM referral.referral_history WHERE referral_id LIKE 'bench%';
DELETE FROM referral.referrals WHERE referral_id LIKE 'bench%';
DELETE FROM reporting.referral_notices WHERE referral_id LIKE 'bench%';
DELETE FROM reporting.referral_responses WHERE referral_id LIKE 'bench%';
DELETE FROM kp.parked_events p USING kp.events e
 WHERE e.seq = p.seq AND e.topic LIKE 'referral.%' AND e.aggregate_id LIKE 'bench%';
DELETE FROM kp.events WHERE topic LIKE 'referral.%' AND aggregate_id LIKE 'bench%';
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
-- day, and working days from the calendar's first day up to and including it
CREATE TABLE bench.calendar (day date PRIMARY KEY, working int NOT NULL);
CREATE INDEX calendar_working ON bench.calendar (working, day);
COMMIT;
