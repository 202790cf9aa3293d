-- The groups service's evaluation reminders find what is due through an
-- index (issue 23). Each round of its tick (up to 100 a tick) looked at
-- both evaluation days of every placement ever made, ended and evaluated
-- ones included; now it looks at the placements with a step still to
-- remind. A step is settled once its reminder went out, its evaluation (or
-- the final one) is recorded, or the placement ended: none of those is
-- ever undone, and a settled step is never reminded again. A new
-- placement has both steps unsettled, so its insert needs to know nothing
-- of the reminders.
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
ANALYZE groups.placements;
GRANT UPDATE (interim_settled, final_settled) ON groups.placements TO groups;
