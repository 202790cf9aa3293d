-- bench/report_clean.sql — removes what bench/report_data.sql made (ids
-- starting with "bench"), children first.
\set ON_ERROR_STOP on
BEGIN;
DELETE FROM intake.case_referrals WHERE case_id LIKE 'bench%';
DELETE FROM intake.participant_snapshots WHERE case_id LIKE 'bench%';
DELETE FROM intake.cases WHERE case_id LIKE 'bench%';
DELETE FROM intake.clients WHERE client_id LIKE 'bench%';
DELETE FROM referral.deadline_notices WHERE referral_id LIKE 'bench%';
DELETE FROM referral.referral_history WHERE referral_id LIKE 'bench%';
DELETE FROM referral.referrals WHERE referral_id LIKE 'bench%';
COMMIT;
