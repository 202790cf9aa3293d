-- Intake's periodic watches find what is due through an index, instead of
-- looking at every case at every tick (issue 23). The contact watch
-- computed the due day of every open case (307 ms a tick at 26k cases,
-- 234 ms at 200k); the clock watch hashed every clock whose deadline had
-- passed, assessed and closed ones included, for each notice (260 ms a
-- call at 200k); the review reminders read every overdue review, reminded
-- or not. All grew with the cases ever opened; now each costs what is
-- due, plus the index descent. Each watch keeps a marker of what it has
-- already settled; a new row's NULL marker means "look", so whatever
-- writes a case or a clock needs to know nothing of the watches. Last,
-- the ESF trigger on UPDATE becomes set-based.

-- The contact watch. A case falls due KUMPPANI_CONTACT_DUE_MONTHS after
-- its base day (its last contact, or its opening: opened_on is NOT NULL).
-- contact_settled_base is the base day the watch has nothing more to do
-- for: reminded (contact_settled_months says under which months: the
-- months are configuration, and intake clears the markers of other months
-- when it starts), or closed (months NULL: closing is final). A contact
-- moves the base day, and the row is in the index again.
ALTER TABLE intake.case_clocks
    ADD COLUMN contact_settled_base    date,
    ADD COLUMN contact_settled_months  integer,
    -- The clock watch: the day the next notice may be due; NULL from its
    -- warning day (a new or changed clock), 'infinity' when no notice can
    -- come any more (breach sent, assessment started, case closed).
    ADD COLUMN notices_next_on         date;

-- Reminders sent before this migration: the months are those that give
-- the reminder's day from the base day.
WITH reminded AS (
    SELECT cl.case_id, b.base, r.due_on,
           ((extract (year FROM r.due_on) - extract (year FROM b.base)) * 12
            + extract (month FROM r.due_on) - extract (month FROM b.base))::int AS months
      FROM intake.case_clocks cl
     CROSS JOIN LATERAL (SELECT coalesce (cl.last_contact_on, cl.opened_on) AS base) b
      JOIN intake.contact_reminders r ON r.case_id = cl.case_id AND r.due_on > b.base)
UPDATE intake.case_clocks cl SET contact_settled_base = d.base, contact_settled_months = d.months
  FROM (SELECT DISTINCT ON (case_id) case_id, base, months FROM reminded
         WHERE (base + make_interval (months => months))::date = due_on
         ORDER BY case_id, due_on DESC) d
 WHERE cl.case_id = d.case_id;
UPDATE intake.case_clocks cl
   SET contact_settled_base = coalesce (cl.last_contact_on, cl.opened_on), contact_settled_months = NULL
  FROM intake.cases c WHERE c.case_id = cl.case_id AND c.state = 'closed';

UPDATE intake.case_clocks cl
   SET notices_next_on = CASE
       WHEN c.state = 'closed' OR EXISTS (SELECT 1 FROM intake.assessments a WHERE a.case_id = cl.case_id)
         OR EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'breach')
       THEN 'infinity'::date
       WHEN EXISTS (SELECT 1 FROM intake.clock_notices n WHERE n.case_id = cl.case_id AND n.notice = 'warning')
       THEN cl.deadline + 1 END
  FROM intake.cases c WHERE c.case_id = cl.case_id;

-- What each watch has still to look at, as a column of its own: NULL once
-- settled. A column, not an index expression, so ANALYZE gives it a
-- histogram and a null fraction, and "due by today" is estimated as the
-- few rows it is (expression statistics of a partial index are not used).
-- Only those rows are in the index.
ALTER TABLE intake.case_clocks
    ADD COLUMN contact_due_base date GENERATED ALWAYS AS (
        CASE WHEN contact_settled_base IS DISTINCT FROM coalesce (last_contact_on, opened_on)
             THEN coalesce (last_contact_on, opened_on) END) STORED,
    ADD COLUMN notices_due_on date GENERATED ALWAYS AS (
        CASE WHEN notices_next_on IS DISTINCT FROM 'infinity' THEN coalesce (notices_next_on, warning_on) END) STORED;
CREATE INDEX case_clocks_contact_due ON intake.case_clocks (contact_due_base, case_id)
    WHERE contact_due_base IS NOT NULL;
CREATE INDEX case_clocks_notices_due ON intake.case_clocks (notices_due_on, case_id)
    WHERE notices_due_on IS NOT NULL;
CREATE INDEX case_clocks_contact_months ON intake.case_clocks (contact_settled_months)
    WHERE contact_settled_months IS NOT NULL;
-- 0021's index for the warnings is the clock watch's above now; nothing
-- else reads clocks by their warning day.
DROP INDEX intake.case_clocks_running;
-- Only a table with rows is analyzed: ANALYZE of an empty one (a new
-- database) records it as empty, and the services, which plan their
-- statements once a connection, then keep plans for an empty table
-- (sequential scans in every foreign-key check) while it fills.
DO $$ BEGIN IF EXISTS (SELECT 1 FROM intake.case_clocks) THEN ANALYZE intake.case_clocks; END IF; END $$;
GRANT UPDATE (contact_settled_base, contact_settled_months, notices_next_on) ON intake.case_clocks TO intake;

-- The review reminders (intake_reminder, at every tick): cases_review_due
-- gave every plan whose review day had passed, reminded or not, and each
-- was checked against its reminder (124 ms a tick with 50k reviews
-- overdue). review_reminded_on is the review day last reminded; a new
-- plan's day is another day, and the case is in the index again.
ALTER TABLE intake.cases ADD COLUMN review_reminded_on date;
UPDATE intake.cases c SET review_reminded_on = c.next_review_date
 WHERE c.state IN ('plan_made', 'reviewed')
   AND EXISTS (SELECT 1 FROM intake.review_reminders r WHERE r.case_id = c.case_id
                AND r.review_date = c.next_review_date);
ALTER TABLE intake.cases
    ADD COLUMN review_due_on date GENERATED ALWAYS AS (
        CASE WHEN state IN ('plan_made', 'reviewed') AND next_review_date IS DISTINCT FROM review_reminded_on
             THEN next_review_date END) STORED;
DROP INDEX intake.cases_review_due;
CREATE INDEX cases_review_due ON intake.cases (review_due_on, case_id) WHERE review_due_on IS NOT NULL;
DO $$ BEGIN IF EXISTS (SELECT 1 FROM intake.cases) THEN ANALYZE intake.cases; END IF; END $$;
GRANT UPDATE (review_reminded_on) ON intake.cases TO intake;

-- ESF attributes of a retaken snapshot (migration 0025's UPDATE): the row
-- trigger of 0026 rewrote them for every updated row, whatever changed;
-- 0041's statement-level function does the same for every row of the
-- statement's new table, in one statement.
DROP TRIGGER participant_snapshots_esf ON intake.participant_snapshots;
CREATE TRIGGER participant_snapshots_esf AFTER UPDATE ON intake.participant_snapshots
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION intake.esf_snapshots_take_added ();
DROP FUNCTION intake.esf_snapshot_take ();
