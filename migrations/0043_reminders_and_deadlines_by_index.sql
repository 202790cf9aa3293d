-- Two more periodic watches find what is due through an index (issue 23),
-- as intake's do since 0042: each costs what is due, not what has been.
--
-- The groups service's evaluation reminders: each round of its tick (up
-- to 100 a tick) looked at both evaluation days of every placement ever
-- made, ended and evaluated ones included (226 ms a round at 200k); now
-- it looks at the placements with a step still to remind. A step is
-- settled once its reminder went out, its evaluation (or the final one) is
-- recorded, or the placement ended: none of those is ever undone, and a
-- settled step is never reminded again. A new placement has both steps
-- unsettled, so its insert needs to know nothing of the reminders.
ALTER TABLE groups.placements
    ADD COLUMN interim_settled boolean NOT NULL DEFAULT false,
    ADD COLUMN final_settled   boolean NOT NULL DEFAULT false;
UPDATE groups.placements p
   SET interim_settled = EXISTS (SELECT 1 FROM groups.evaluation_reminders r
                                  WHERE r.placement_id = p.placement_id AND r.step = 'interim')
                      OR EXISTS (SELECT 1 FROM groups.placement_evaluations v WHERE v.placement_id = p.placement_id)
                      OR EXISTS (SELECT 1 FROM groups.placement_endings e WHERE e.placement_id = p.placement_id),
       final_settled = EXISTS (SELECT 1 FROM groups.evaluation_reminders r
                                WHERE r.placement_id = p.placement_id AND r.step = 'final')
                    OR EXISTS (SELECT 1 FROM groups.placement_evaluations v
                                WHERE v.placement_id = p.placement_id AND v.kind = 'final')
                    OR EXISTS (SELECT 1 FROM groups.placement_endings e WHERE e.placement_id = p.placement_id);

-- The day the earliest unsettled step's reminder is due (two weeks before
-- its evaluation); NULL when both are settled. A column, so ANALYZE gives
-- it statistics; only those rows are in the index.
ALTER TABLE groups.placements
    ADD COLUMN reminder_due_on date GENERATED ALWAYS AS (
        CASE WHEN NOT interim_settled AND NOT final_settled THEN least (interim_evaluation, final_evaluation)
             WHEN NOT interim_settled THEN interim_evaluation
             WHEN NOT final_settled THEN final_evaluation END - 14) STORED;
CREATE INDEX placements_reminder_due ON groups.placements (reminder_due_on, placement_id)
    WHERE reminder_due_on IS NOT NULL;
-- Only a table with rows is analyzed: ANALYZE of an empty one (a new
-- database) records it as empty, and the services, which plan their
-- statements once a connection, then keep plans for an empty table
-- (sequential scans in every foreign-key check) while it fills.
DO $$ BEGIN IF EXISTS (SELECT 1 FROM groups.placements) THEN ANALYZE groups.placements; END IF; END $$;
GRANT UPDATE (interim_settled, final_settled) ON groups.placements TO groups;

-- The referral service's deadline watch, likewise: its breach search read
-- every running clock past its deadline, those breached long ago
-- included, for each notice (31 ms a call with 10k such clocks). The
-- notices are once per referral and deadline kind. notices_quiet_* say
-- that for this kind and this deadline no notice comes before
-- notices_quiet_next (NULL: none comes): after the warning, the breach the
-- day after the deadline; after the breach, none (the deadline has
-- passed, so no warning can come either unless the deadline moves: a new
-- deadline or kind makes the marker speak of another clock, and the
-- watch looks again).
ALTER TABLE referral.referrals
    ADD COLUMN notices_quiet_kind     text,
    ADD COLUMN notices_quiet_deadline date,
    ADD COLUMN notices_quiet_next     date;
UPDATE referral.referrals r
   SET notices_quiet_kind = r.deadline_kind, notices_quiet_deadline = r.deadline,
       notices_quiet_next = CASE WHEN b.sent THEN NULL ELSE r.deadline + 1 END
  FROM (SELECT n.referral_id, n.deadline_kind, bool_or (n.notice = 'breach') AS sent
          FROM referral.deadline_notices n GROUP BY 1, 2) b
 WHERE b.referral_id = r.referral_id AND b.deadline_kind = r.deadline_kind
   AND r.clock_stopped_at IS NULL AND r.deadline IS NOT NULL
   AND (NOT b.sent OR EXISTS (SELECT 1 FROM referral.deadline_notices w WHERE w.referral_id = r.referral_id
                               AND w.deadline_kind = r.deadline_kind AND w.notice = 'warning')
        OR r.deadline < (now () AT TIME ZONE 'Europe/Helsinki')::date);
-- The day a running clock's next notice may be due; NULL when it is not
-- running or none can come.
ALTER TABLE referral.referrals
    ADD COLUMN notices_due_on date GENERATED ALWAYS AS (
        CASE WHEN clock_stopped_at IS NULL AND deadline IS NOT NULL AND held_since IS NULL THEN
             CASE WHEN notices_quiet_kind = deadline_kind AND notices_quiet_deadline = deadline
                  THEN notices_quiet_next
                  ELSE least (warning_on, deadline + 1) END END) STORED;
CREATE INDEX referrals_notices_due ON referral.referrals (notices_due_on, referral_id)
    WHERE notices_due_on IS NOT NULL;
DO $$ BEGIN IF EXISTS (SELECT 1 FROM referral.referrals) THEN ANALYZE referral.referrals; END IF; END $$;
