-- bench/report_data.sql — synthetic clients numbered :first to :last for
-- the report benchmark, run by bench/run.sh as the administrator after
-- bench.calendar is loaded (bench_calendar):
--     psql -v first=1 -v last=10000 -f bench/report_data.sql
-- Per client: the intake client (municipality 743, attributes cycling
-- through every category), one case opened in 2025 from a Kela notice,
-- the notice itself in referral.referrals with the history the referral
-- service would have written, and the link. The notice's clock is the
-- service's: the assessment must start by the 7th working day after
-- receipt (warning on the working day before). Nine in ten get an
-- acknowledgement 0-4 days after receipt (unless the assessment starts
-- first: intake may start it on a RECEIVED notice) and the assessment
-- start 0-11 days after receipt, some past the deadline; the tenth is
-- declined 14 days after receipt, nearly always past it. A clock still
-- running on the warning day got the deadline watch's warning (07:00),
-- one running past the deadline its breach notice the next morning: the
-- notice row and the history entry. Every clock is stopped, so the watch
-- sends nothing now. bench_report_events appends the events of this
-- history, one per history row, as the service would have (no audit
-- rows: the reports do not read them).
-- Ids start with "bench" so a run can remove what an earlier one made.
\set ON_ERROR_STOP on
-- The services' days are Europe/Helsinki days.
SET TIME ZONE 'Europe/Helsinki';
BEGIN;
CREATE TEMP TABLE bench_client ON COMMIT DROP AS
SELECT i,
       'benchc' || i AS client_id, 'benchk' || i AS case_id, 'benchr' || i AS referral_id,
       timestamptz '2025-01-01 08:00+02' + (i % 365) * interval '1 day'
           + (i % 480) * interval '1 minute' AS opened,
       i % 10 <> 0 AS answered,
       (i % 5) AS ack_days, (i % 12) AS assess_days
  FROM generate_series (:first::int, :last::int) AS i;

-- The statutory clock of a notice received on each day of 2025.
CREATE TEMP TABLE bench_clock ON COMMIT DROP AS
SELECT c.day AS received_on,
       (SELECT min (d.day) FROM bench.calendar d WHERE d.working = c.working + 7) AS deadline,
       (SELECT min (d.day) FROM bench.calendar d WHERE d.working = c.working + 6) AS warning_on
  FROM bench.calendar c WHERE c.day BETWEEN date '2025-01-01' AND date '2025-12-31';

-- What happened to each notice, and when.
CREATE TEMP TABLE bench_notice ON COMMIT DROP AS
SELECT n.*, n.stopped::date <= n.deadline AS met,
       n.stopped::date >= n.warning_on AS warned,
       n.stopped::date > n.deadline AS breached,
       (n.warning_on + time '07:00') AT TIME ZONE 'Europe/Helsinki' AS warned_at,
       (n.deadline + 1 + time '07:00') AT TIME ZONE 'Europe/Helsinki' AS breached_at,
       -- the state the deadline watch found it in
       CASE WHEN n.acknowledged THEN 'acknowledged' ELSE 'received' END::referral.referral_state AS waiting_state
  FROM (SELECT b.*, k.deadline, k.warning_on,
               b.answered AND b.ack_days <= b.assess_days AS acknowledged,
               b.opened + b.ack_days * interval '1 day' + interval '1 hour' AS acknowledged_at,
               CASE WHEN b.answered THEN b.opened + b.assess_days * interval '1 day' + interval '2 hours'
                    ELSE b.opened + interval '14 days' END AS stopped
          FROM bench_client b JOIN bench_clock k ON k.received_on = b.opened::date) n;

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

-- A social work need, assessment started or declined (enum labels, migration 0016).
INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,
    recipient_org, recipient_type, municipality, reason_category, legal_basis,
    notifier_may_be_named, urgent, client_ref, received_on, deadline, deadline_kind, warning_on,
    clock_stopped_at, deadline_met, assessment_started_at, created_at, updated_at)
SELECT referral_id, 'social_work_need', CASE WHEN answered THEN 'assessment_started' ELSE 'declined' END::referral.referral_state,
       'kela', 'kela', 'bench-kela-officer', 'muni-743', 'municipality', '743',
       (enum_range (NULL::referral.reason_category)) [1 + i % 7], 'client_request', false, false, client_id,
       opened::date, deadline, 'assessment_start', warning_on, stopped, met,
       CASE WHEN answered THEN stopped END, opened, stopped
  FROM bench_notice;

-- The history as the service writes it: each row is one event.
INSERT INTO referral.referral_history (referral_id, operation, from_state, to_state,
                                       actor_org, actor_person, actor_role, reason_code, at)
SELECT referral_id, 'referral.submit_referral', NULL::referral.referral_state, 'received'::referral.referral_state, 'kela', 'bench-kela-officer',
       'ROLE_KELA_OFFICER', '', opened
  FROM bench_notice
UNION ALL
SELECT referral_id, 'referral.acknowledge_referral', 'received'::referral.referral_state, 'acknowledged'::referral.referral_state, 'muni-743', 'bench-worker',
       'ROLE_SOCIAL_WORKER', '', acknowledged_at
  FROM bench_notice WHERE acknowledged
UNION ALL
SELECT referral_id, 'referral.deadline_warning', waiting_state, waiting_state, 'referral', '',
       'ROLE_SERVICE', 'assessment_start', warned_at
  FROM bench_notice WHERE warned
UNION ALL
SELECT referral_id, 'referral.deadline_breached', waiting_state, waiting_state, 'referral', '',
       'ROLE_SERVICE', 'assessment_start', breached_at
  FROM bench_notice WHERE breached
UNION ALL
SELECT referral_id, 'intake.assessment_started', waiting_state, 'assessment_started'::referral.referral_state, 'intake', '',
       'ROLE_SERVICE', '', stopped
  FROM bench_notice WHERE answered
UNION ALL
SELECT referral_id, 'referral.decline_referral', 'received'::referral.referral_state, 'declined'::referral.referral_state, 'muni-743', 'bench-worker',
       'ROLE_SOCIAL_WORKER', 'no_resources', stopped
  FROM bench_notice WHERE NOT answered;

INSERT INTO referral.deadline_notices (referral_id, deadline_kind, notice, deadline, sent_at)
SELECT referral_id, 'assessment_start', 'warning', deadline, warned_at FROM bench_notice WHERE warned
UNION ALL
SELECT referral_id, 'assessment_start', 'breach', deadline, breached_at FROM bench_notice WHERE breached;

INSERT INTO intake.case_referrals (case_id, referral_id, linked_at)
SELECT case_id, referral_id, opened FROM bench_client;

-- The case's assessment clock as intake sets it from the notice (7
-- working days from receipt; the priority group of the over-75s), and
-- what intake's watches did with it long ago: the warning and the breach
-- marked sent, as intake marks an imported clock's past notices, and the
-- contact reminder six months on (KUMPPANI_CONTACT_DUE_MONTHS' default).
-- Without them intake's watches would work through every generated case
-- on their timers, one statement each, for minutes after a run.
INSERT INTO intake.case_clocks (case_id, opened_on, pending_on, urgent, priority, working_days,
                                deadline, warning_on)
SELECT case_id, opened::date, opened::date, false,
       CASE WHEN 2025 - (1950 + i % 55) >= 75 THEN 'over_75' ELSE '' END, 7, deadline, warning_on
  FROM bench_notice;
INSERT INTO intake.clock_notices (case_id, notice, deadline, emitted_at)
SELECT case_id, 'warning', deadline, warned_at FROM bench_notice
UNION ALL
SELECT case_id, 'breach', deadline, breached_at FROM bench_notice;
INSERT INTO intake.contact_reminders (case_id, due_on)
SELECT case_id, intake.contact_due_on (NULL, opened::date, false, 6) FROM bench_notice;
UPDATE bench.made SET clients = greatest (clients, :last::int);
COMMIT;
ANALYZE intake.clients, intake.cases, intake.case_clocks, intake.participant_snapshots, intake.case_referrals, referral.referrals, referral.referral_history;
