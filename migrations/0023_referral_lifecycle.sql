-- The referral lifecycle on a par with FHIR Task: the sender may cancel,
-- the receiver may put a referral on hold and resume it, or forward it
-- to another organisation as a child referral linked to its parent.
-- The new states only are added here; nothing in this transaction uses
-- them (a new enum label is usable once committed).
ALTER TYPE referral.referral_state ADD VALUE IF NOT EXISTS 'cancelled';
ALTER TYPE referral.referral_state ADD VALUE IF NOT EXISTS 'on_hold';
ALTER TYPE referral.referral_state ADD VALUE IF NOT EXISTS 'forwarded';

ALTER TABLE referral.referrals
    -- the chain: the referral this one was forwarded from, the first of
    -- the chain and its sender (who follows the loop to its end)
    ADD COLUMN parent_referral_id text REFERENCES referral.referrals (referral_id),
    ADD COLUMN root_referral_id text REFERENCES referral.referrals (referral_id),
    ADD COLUMN root_sender_org text,
    -- on hold: the state to resume to and the day the hold began; the
    -- working days of ended holds (the deadline already moved by them)
    ADD COLUMN held_from referral.referral_state,
    ADD COLUMN held_since date,
    ADD COLUMN held_working_days integer NOT NULL DEFAULT 0 CHECK (held_working_days >= 0),
    ADD CONSTRAINT referrals_hold_whole CHECK ((held_from IS NULL) = (held_since IS NULL)),
    ADD CONSTRAINT referrals_chain_whole CHECK ((parent_referral_id IS NULL) = (root_referral_id IS NULL)
                                                AND (root_referral_id IS NULL) = (root_sender_org IS NULL));
CREATE INDEX referrals_parent ON referral.referrals (parent_referral_id) WHERE parent_referral_id IS NOT NULL;

-- The deadline watch skips a held referral: its clock is paused.
DROP INDEX referral.referrals_running_clock;
CREATE INDEX referrals_running_clock ON referral.referrals (warning_on, deadline)
    WHERE clock_stopped_at IS NULL AND deadline IS NOT NULL AND held_since IS NULL;

-- The SLA report says how long notices were held: the rollup keeps
-- whether a notice was ever held and its held working days (from the
-- events, which carry the total), and the deadline a resume moved.
ALTER TABLE reporting.referral_notices
    ADD COLUMN held boolean NOT NULL DEFAULT false,
    ADD COLUMN held_working_days integer NOT NULL DEFAULT 0;
