-- Issue 20 part B: Kela's statement requests with their own clock, the
-- message thread between a referral's two parties, and reporting's rollup
-- for the partner SLA (time to accept or decline, share with an outcome).

-- A statement (sosiaalihuollon lausunto) Kela asked for by a due date. At
-- most one open request per referral; GiveStatement answers it. The breach
-- watch sets breach_sent_at in the transaction that emits
-- referral.statement_overdue, so the breach goes out exactly once across
-- restarts, retries and several instances.
CREATE TABLE referral.statement_requests (
    request_id           text PRIMARY KEY,
    referral_id          text NOT NULL REFERENCES referral.referrals,
    requested_by_org     text NOT NULL,
    requested_by_person  text NOT NULL,
    requested_by_role    text NOT NULL,
    due_on               date NOT NULL,
    -- free text for the receiver, bounded like a history note
    note                 text NOT NULL DEFAULT '' CHECK (octet_length (note) <= 2000),
    requested_at         timestamptz NOT NULL,
    answered_at          timestamptz,
    breach_sent_at       timestamptz
);
CREATE UNIQUE INDEX statement_requests_one_open ON referral.statement_requests (referral_id)
    WHERE answered_at IS NULL;
CREATE INDEX statement_requests_referral ON referral.statement_requests (referral_id, requested_at);
-- what the breach watch scans: unanswered, not yet notified
CREATE INDEX statement_requests_due ON referral.statement_requests (due_on)
    WHERE answered_at IS NULL AND breach_sent_at IS NULL;

-- Messages between a referral's sender and receiver. The text is client
-- data like a note or a statement: kept here only, never in an event, the
-- audit detail, a log line or a report (events carry id, author, length).
CREATE TABLE referral.referral_messages (
    message_seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id     text NOT NULL UNIQUE,
    referral_id    text NOT NULL REFERENCES referral.referrals,
    author_org     text NOT NULL,
    author_type    text NOT NULL,
    author_person  text NOT NULL,
    author_role    text NOT NULL,
    body           text NOT NULL CHECK (octet_length (body) BETWEEN 1 AND 2000),
    posted_at      timestamptz NOT NULL
);
CREATE INDEX referral_messages_thread ON referral.referral_messages (referral_id, message_seq);

GRANT SELECT, INSERT, UPDATE ON referral.statement_requests TO referral;
GRANT SELECT, INSERT ON referral.referral_messages TO referral;

-- Reporting's rollup of every referral (partners too) for the partner SLA:
-- when it was received, when the receiver first accepted or declined it,
-- and when an outcome was recorded. Days are Europe/Helsinki.
CREATE TABLE reporting.referral_responses (
    copy            text NOT NULL DEFAULT 'live' CHECK (copy IN ('live', 'rebuilt')),
    referral_id     text NOT NULL,
    kind            referral.referral_kind,
    recipient_type  text NOT NULL,
    municipality    text NOT NULL,
    sender_org      text NOT NULL,
    received_on     date NOT NULL,
    answer          text CHECK (answer IN ('accepted', 'declined')),
    answered_on     date,
    outcome_on      date,
    PRIMARY KEY (copy, referral_id)
);
CREATE INDEX referral_responses_report ON reporting.referral_responses (copy, received_on, municipality);
GRANT SELECT, INSERT, UPDATE, DELETE ON reporting.referral_responses TO reporting;
