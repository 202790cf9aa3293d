-- The referral service: closed-loop referrals between Kela, municipalities
-- and partners, their history, and the deadline notices sent about them.
-- States, kinds, reason categories and legal bases are stored as the
-- numbers of the enums in proto/kumppani/v1/referral.proto.

-- Municipality codes (Statistics Finland, kuntanumero), readable by every
-- service. This is a seed for development and tests: operators load the
-- full current Statistics Finland list (INSERT … ON CONFLICT DO UPDATE).
CREATE TABLE kp.municipalities (
    code  text PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
    name  text NOT NULL
);
INSERT INTO kp.municipalities (code, name) VALUES
    ('049', 'Espoo'), ('091', 'Helsinki'), ('092', 'Vantaa'), ('179', 'Jyväskylä'),
    ('297', 'Kuopio'), ('398', 'Lahti'), ('564', 'Oulu'), ('743', 'Seinäjoki'),
    ('837', 'Tampere'), ('853', 'Turku')
ON CONFLICT (code) DO NOTHING;
GRANT SELECT ON kp.municipalities TO intake, referral, groups, reporting, stream;

CREATE TABLE referral.referrals (
    referral_id                text PRIMARY KEY,
    kind                       smallint NOT NULL CHECK (kind BETWEEN 1 AND 6),
    state                      smallint NOT NULL CHECK (state BETWEEN 1 AND 13),
    sender_org                 text NOT NULL,
    sender_type                text NOT NULL,
    sender_person              text NOT NULL,
    recipient_org              text NOT NULL,
    recipient_type             text NOT NULL,
    municipality               text NOT NULL REFERENCES kp.municipalities (code),
    reason_category            smallint NOT NULL,
    legal_basis                smallint NOT NULL,
    consent_ref                text,
    -- set when intake reports the consent withdrawn: further disclosures stop
    consent_withdrawn_at       timestamptz,
    notifier_may_be_named      boolean NOT NULL,
    urgent                     boolean NOT NULL,
    free_text                  text NOT NULL DEFAULT '' CHECK (octet_length (free_text) <= 2000),
    sender_contact             text NOT NULL DEFAULT '' CHECK (octet_length (sender_contact) <= 200),
    -- the henkilötunnus only encrypted, plus a keyed hash to find the client
    hetu_hash                  bytea,
    hetu_box                   bytea,
    client_ref                 text,
    kela_decision_id           text,
    benefit_period_start       date,
    benefit_period_end         date,
    assistance_type            smallint,
    reduction_percent          smallint CHECK (reduction_percent IN (20, 40)),
    client_requested_transfer  boolean NOT NULL DEFAULT false,
    received_on                date NOT NULL,
    deadline                   date,
    deadline_kind              text,
    warning_on                 date,       -- the working day before the deadline
    clock_stopped_at           timestamptz,
    deadline_met               boolean,
    assigned_worker            text,
    assessment_started_at      timestamptz,
    outcome_code               text,
    statement                  text CHECK (octet_length (statement) <= 4000),
    decision                   smallint,
    decision_id                text,
    created_at                 timestamptz NOT NULL DEFAULT now (),
    updated_at                 timestamptz NOT NULL DEFAULT now (),
    CHECK (hetu_hash IS NOT NULL OR client_ref IS NOT NULL),
    CHECK ((hetu_hash IS NULL) = (hetu_box IS NULL)),
    CHECK ((deadline IS NULL) = (deadline_kind IS NULL))
);
CREATE INDEX referrals_recipient ON referral.referrals (recipient_org, referral_id);
CREATE INDEX referrals_sender ON referral.referrals (sender_org, referral_id);
CREATE INDEX referrals_hetu ON referral.referrals (hetu_hash) WHERE hetu_hash IS NOT NULL;
-- what the deadline timer scans: running clocks only
CREATE INDEX referrals_running_clock ON referral.referrals (warning_on, deadline)
    WHERE clock_stopped_at IS NULL AND deadline IS NOT NULL;

CREATE TABLE referral.referral_history (
    entry_id       bigserial PRIMARY KEY,
    referral_id    text NOT NULL REFERENCES referral.referrals,
    operation      text NOT NULL,
    from_state     smallint NOT NULL,
    to_state       smallint NOT NULL,
    actor_org      text NOT NULL,
    actor_person   text NOT NULL,
    actor_role     text NOT NULL,
    reason_code    text NOT NULL DEFAULT '',
    note           text NOT NULL DEFAULT '' CHECK (octet_length (note) <= 2000),
    at             timestamptz NOT NULL DEFAULT clock_timestamp ()
);
CREATE INDEX referral_history_referral ON referral.referral_history (referral_id, entry_id);

-- One row per notice ever sent: the primary key is what makes a warning or
-- a breach go out exactly once, across restarts and several instances.
CREATE TABLE referral.deadline_notices (
    referral_id    text NOT NULL REFERENCES referral.referrals,
    deadline_kind  text NOT NULL,
    notice         text NOT NULL CHECK (notice IN ('warning', 'breach')),
    deadline       date NOT NULL,
    sent_at        timestamptz NOT NULL DEFAULT now (),
    PRIMARY KEY (referral_id, deadline_kind, notice)
);

-- Where a clock stands on a given day; the one definition Get, List and
-- the reports share. Numbers are DeadlineState in referral.proto.
CREATE FUNCTION referral.deadline_state (p_deadline date, p_warning_on date,
                                         p_stopped timestamptz, p_met boolean, p_today date)
RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
    SELECT (CASE
        WHEN p_deadline IS NULL THEN 6
        WHEN p_stopped IS NOT NULL THEN CASE WHEN p_met THEN 4 ELSE 5 END
        WHEN p_deadline < p_today THEN 3
        WHEN p_warning_on <= p_today THEN 2
        ELSE 1
    END)::smallint
$$;

GRANT SELECT, INSERT, UPDATE ON referral.referrals TO referral;
GRANT SELECT, INSERT ON referral.referral_history, referral.deadline_notices TO referral;
GRANT USAGE ON SEQUENCE referral.referral_history_entry_id_seq TO referral;
GRANT EXECUTE ON FUNCTION referral.deadline_state TO referral;

-- For intake's consumer of referral.received: the client behind a referral
-- addressed to a municipality (the event never carries identity). hetu_box
-- opens with the shared KUMPPANI_HETU_KEY_FILE keys; kind is ReferralKind.
CREATE VIEW referral.intake_referral_clients AS
    SELECT referral_id, municipality, hetu_hash, hetu_box, client_ref, sender_org, sender_type, kind
      FROM referral.referrals
     WHERE recipient_type = 'municipality';
GRANT USAGE ON SCHEMA referral TO intake;
GRANT SELECT ON referral.intake_referral_clients TO intake;
