-- bench/report_data.sql — synthetic clients numbered :first to :last for
-- the report benchmark, run by bench/run.sh as the administrator:
--     psql -v first=1 -v last=10000 -f bench/report_data.sql
-- Per client: the intake client (municipality 743, attributes cycling
-- through every category), one case opened in 2025 from a Kela notice,
-- the notice itself in referral.referrals with its history (receipt, and
-- for nine in ten an acknowledgement 0-4 days later and an assessment
-- start 0-11 days later, some past the 7-day deadline; the tenth declined
-- after the deadline), and the link. Every clock is stopped, so the
-- deadline watch sends no notices about them.
-- Ids start with "bench" so a run can remove what an earlier one made.
-- Raw rows only: no events, so no consumer reacts and nothing is relayed
-- (a rollup-fed reporting service needs the matching events too).
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_client ON COMMIT DROP AS
SELECT i,
       'benchc' || i AS client_id, 'benchk' || i AS case_id, 'benchr' || i AS referral_id,
       timestamptz '2025-01-01 08:00+02' + (i % 365) * interval '1 day'
           + (i % 480) * interval '1 minute' AS opened,
       i % 10 <> 0 AS answered,
       (i % 5) AS ack_days, (i % 12) AS assess_days
  FROM generate_series (:first::int, :last::int) AS i;

INSERT INTO intake.clients (client_id, municipality, birth_year, gender, labour_market_status,
                            education_level, created_by_org, created_at)
SELECT client_id, '743', 1950 + i % 55,
       (enum_range (NULL::intake.gender)) [1 + i % 4],
       (enum_range (NULL::intake.labour_market_status)) [1 + i % 6],
       (enum_range (NULL::intake.education_level)) [1 + i % 3],
       'muni-743', opened
  FROM bench_client;

INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker,
                          opened_at, opened_by_org)
SELECT case_id, client_id, '743', 'kela_notice', '', opened, 'intake' FROM bench_client;

-- The start snapshot intake takes when it opens a case (migration 0012).
SELECT count (intake.take_participant_snapshot (case_id, 'start')) FROM bench_client;

-- Kind 1 (social work need): the assessment must start within 7 days.
INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,
    recipient_org, recipient_type, municipality, reason_category, legal_basis,
    notifier_may_be_named, urgent, client_ref, received_on, deadline, deadline_kind, warning_on,
    clock_stopped_at, deadline_met, assessment_started_at, created_at, updated_at)
SELECT referral_id, 1, CASE WHEN answered THEN 6 ELSE 9 END, 'kela', 'kela', 'bench-kela-officer',
       'muni-743', 'municipality', '743', 1 + i % 8, 3, false, false, client_id,
       opened::date, opened::date + 7, 'assessment_start', opened::date + 6,
       opened + CASE WHEN answered THEN assess_days ELSE 10 END * interval '1 day',
       answered AND assess_days <= 7,
       CASE WHEN answered THEN opened + assess_days * interval '1 day' END,
       opened, opened
  FROM bench_client;

INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state,
                                       actor_org, actor_person, actor_role, at)
SELECT referral_id, 'referral.submit_referral', 0, 1, 'kela', 'bench-kela-officer',
       'ROLE_KELA_OFFICER', opened
  FROM bench_client
UNION ALL
SELECT referral_id, 'referral.acknowledge_referral', 1, 2, 'muni-743', 'bench-worker',
       'ROLE_SOCIAL_WORKER', opened + ack_days * interval '1 day'
  FROM bench_client WHERE answered;

INSERT INTO intake.case_referrals (case_id, referral_id, linked_at)
SELECT case_id, referral_id, opened FROM bench_client;
COMMIT;
ANALYZE intake.clients, intake.cases, intake.participant_snapshots, intake.case_referrals, referral.referrals, referral.referral_history;
