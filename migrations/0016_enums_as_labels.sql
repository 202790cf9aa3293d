-- One representation for every proto enum the database stores: a
-- PostgreSQL enum whose labels are the proto value names without the
-- enum's prefix, in lower case (REFERRAL_STATE_ASSESSMENT_STARTED ↔
-- 'assessment_started'), as intake's types have been from the start.
-- Until now referral stored its enums as proto numbers (smallint) and
-- SQL compared them with numbers (state = 6, legal_basis = 1); intake
-- kept five enums as text with a CHECK. Both move to enum types here;
-- existing rows are mapped value by value. common/kp_enum.c lists every
-- stored enum with its type, and a test holds the labels against the
-- proto descriptors.

CREATE TYPE referral.referral_kind AS ENUM ('social_work_need', 'personal_discussion',
    'application_transfer', 'basic_amount_reduction', 'partner', 'section_35_notice');
CREATE TYPE referral.referral_state AS ENUM ('received', 'acknowledged', 'assigned',
    'client_contacted', 'assessment_booked', 'assessment_started', 'assessment_completed',
    'accepted', 'declined', 'unreachable', 'no_need', 'transferred', 'closed');
CREATE TYPE referral.reason_category AS ENUM ('life_management', 'income', 'housing', 'health',
    'debt', 'employment', 'other');
CREATE TYPE referral.legal_basis AS ENUM ('consent', 'section_35', 'client_request');
CREATE TYPE referral.assistance_type AS ENUM ('supplementary', 'preventive');
CREATE TYPE referral.deadline_state AS ENUM ('ok', 'due_soon', 'overdue', 'met', 'missed', 'none');
CREATE TYPE referral.application_decision AS ENUM ('granted', 'partly_granted', 'rejected');

-- The view reads referrals.kind: dropped while the column changes type,
-- then made again as it was (intake.referral_source reads it by name when
-- it runs, so it needs nothing).
DROP VIEW referral.intake_referral_clients;

ALTER TABLE referral.referrals DROP CONSTRAINT referrals_kind_check;
ALTER TABLE referral.referrals DROP CONSTRAINT referrals_state_check;

ALTER TABLE referral.referrals
    ALTER COLUMN kind TYPE referral.referral_kind USING (CASE kind
        WHEN 1 THEN 'social_work_need' WHEN 2 THEN 'personal_discussion'
        WHEN 3 THEN 'application_transfer' WHEN 4 THEN 'basic_amount_reduction'
        WHEN 5 THEN 'partner' WHEN 6 THEN 'section_35_notice' END)::referral.referral_kind,
    ALTER COLUMN state TYPE referral.referral_state USING (CASE state
        WHEN 1 THEN 'received' WHEN 2 THEN 'acknowledged' WHEN 3 THEN 'assigned'
        WHEN 4 THEN 'client_contacted' WHEN 5 THEN 'assessment_booked'
        WHEN 6 THEN 'assessment_started' WHEN 7 THEN 'assessment_completed'
        WHEN 8 THEN 'accepted' WHEN 9 THEN 'declined' WHEN 10 THEN 'unreachable'
        WHEN 11 THEN 'no_need' WHEN 12 THEN 'transferred' WHEN 13 THEN 'closed'
        END)::referral.referral_state,
    ALTER COLUMN reason_category TYPE referral.reason_category USING (CASE reason_category
        WHEN 1 THEN 'life_management' WHEN 2 THEN 'income' WHEN 3 THEN 'housing'
        WHEN 4 THEN 'health' WHEN 5 THEN 'debt' WHEN 6 THEN 'employment'
        WHEN 7 THEN 'other' END)::referral.reason_category,
    ALTER COLUMN legal_basis TYPE referral.legal_basis USING (CASE legal_basis
        WHEN 1 THEN 'consent' WHEN 2 THEN 'section_35' WHEN 3 THEN 'client_request'
        END)::referral.legal_basis,
    -- 0 was written for "none" (only application transfers have one): NULL now
    ALTER COLUMN assistance_type TYPE referral.assistance_type USING (CASE assistance_type
        WHEN 1 THEN 'supplementary' WHEN 2 THEN 'preventive' END)::referral.assistance_type,
    ALTER COLUMN decision TYPE referral.application_decision USING (CASE decision
        WHEN 1 THEN 'granted' WHEN 2 THEN 'partly_granted' WHEN 3 THEN 'rejected'
        END)::referral.application_decision;

-- A submission's first entry came from state 0 (none): NULL now.
ALTER TABLE referral.referral_history ALTER COLUMN from_state DROP NOT NULL;
ALTER TABLE referral.referral_history
    ALTER COLUMN from_state TYPE referral.referral_state USING (CASE from_state
        WHEN 1 THEN 'received' WHEN 2 THEN 'acknowledged' WHEN 3 THEN 'assigned'
        WHEN 4 THEN 'client_contacted' WHEN 5 THEN 'assessment_booked'
        WHEN 6 THEN 'assessment_started' WHEN 7 THEN 'assessment_completed'
        WHEN 8 THEN 'accepted' WHEN 9 THEN 'declined' WHEN 10 THEN 'unreachable'
        WHEN 11 THEN 'no_need' WHEN 12 THEN 'transferred' WHEN 13 THEN 'closed'
        END)::referral.referral_state,
    ALTER COLUMN to_state TYPE referral.referral_state USING (CASE to_state
        WHEN 1 THEN 'received' WHEN 2 THEN 'acknowledged' WHEN 3 THEN 'assigned'
        WHEN 4 THEN 'client_contacted' WHEN 5 THEN 'assessment_booked'
        WHEN 6 THEN 'assessment_started' WHEN 7 THEN 'assessment_completed'
        WHEN 8 THEN 'accepted' WHEN 9 THEN 'declined' WHEN 10 THEN 'unreachable'
        WHEN 11 THEN 'no_need' WHEN 12 THEN 'transferred' WHEN 13 THEN 'closed'
        END)::referral.referral_state;

CREATE VIEW referral.intake_referral_clients AS
    SELECT referral_id, municipality, hetu_hash, hetu_box, client_ref, sender_org, sender_type, kind
      FROM referral.referrals
     WHERE recipient_type = 'municipality';
GRANT SELECT ON referral.intake_referral_clients TO intake;

-- Where a clock stands, now as a label.
DROP FUNCTION referral.deadline_state (date, date, timestamptz, boolean, date);
CREATE FUNCTION referral.deadline_state (p_deadline date, p_warning_on date,
                                         p_stopped timestamptz, p_met boolean, p_today date)
RETURNS referral.deadline_state LANGUAGE sql IMMUTABLE AS $$
    SELECT (CASE
        WHEN p_deadline IS NULL THEN 'none'
        WHEN p_stopped IS NOT NULL THEN CASE WHEN p_met THEN 'met' ELSE 'missed' END
        WHEN p_deadline < p_today THEN 'overdue'
        WHEN p_warning_on <= p_today THEN 'due_soon'
        ELSE 'ok'
    END)::referral.deadline_state
$$;
GRANT EXECUTE ON FUNCTION referral.deadline_state TO referral;

-- Reporting's rollup of notices keeps the kind the same way; an event
-- without one (0, UNSPECIFIED) was counted as "unspecified" and still is,
-- as NULL.
ALTER TABLE reporting.referral_notices ALTER COLUMN kind DROP NOT NULL;
ALTER TABLE reporting.referral_notices
    ALTER COLUMN kind TYPE referral.referral_kind USING (CASE kind
        WHEN 1 THEN 'social_work_need' WHEN 2 THEN 'personal_discussion'
        WHEN 3 THEN 'application_transfer' WHEN 4 THEN 'basic_amount_reduction'
        WHEN 5 THEN 'partner' WHEN 6 THEN 'section_35_notice' END)::referral.referral_kind;

-- Intake's enums kept as text with a CHECK: the same labels, as types.
CREATE TYPE intake.measure_kind AS ENUM ('service', 'guidance', 'group', 'referral',
    'rehabilitative_work');
CREATE TYPE intake.ecomap_kind AS ENUM ('person', 'organisation');
CREATE TYPE intake.ecomap_direction AS ENUM ('to_client', 'from_client', 'mutual');
CREATE TYPE intake.ecomap_role AS ENUM ('resource', 'stressor');
CREATE TYPE intake.contact_channel AS ENUM ('walk_in', 'phone');

ALTER TABLE intake.measures DROP CONSTRAINT measures_kind_check;
ALTER TABLE intake.measures ALTER COLUMN kind TYPE intake.measure_kind USING kind::intake.measure_kind;
ALTER TABLE intake.ecomap_entries DROP CONSTRAINT ecomap_entries_kind_check;
ALTER TABLE intake.ecomap_entries DROP CONSTRAINT ecomap_entries_direction_check;
ALTER TABLE intake.ecomap_entries DROP CONSTRAINT ecomap_entries_role_check;
ALTER TABLE intake.ecomap_entries
    ALTER COLUMN kind TYPE intake.ecomap_kind USING kind::intake.ecomap_kind,
    ALTER COLUMN direction TYPE intake.ecomap_direction USING direction::intake.ecomap_direction,
    ALTER COLUMN role TYPE intake.ecomap_role USING role::intake.ecomap_role;
ALTER TABLE intake.anonymous_contacts DROP CONSTRAINT anonymous_contacts_channel_check;
ALTER TABLE intake.anonymous_contacts
    ALTER COLUMN channel TYPE intake.contact_channel USING channel::intake.contact_channel;
