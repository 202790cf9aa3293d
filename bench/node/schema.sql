-- bench/node/schema.sql — the Node.js comparison service's own tables
-- (schema benchnode, dropped and made again by each run), shaped like the
-- ones kumppani writes for a Kela notice: the referral and its first
-- history row, the idempotency key with its stored reply, a hash-chained
-- audit row under one head row, and a gap-free event under one counter.
\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS benchnode CASCADE;
CREATE SCHEMA benchnode;
CREATE TABLE benchnode.referrals (
    referral_id    text PRIMARY KEY,
    kind           text NOT NULL,
    state          text NOT NULL,
    sender_org     text NOT NULL,
    sender_person  text NOT NULL,
    recipient_org  text NOT NULL,
    municipality   text NOT NULL,
    reason         text NOT NULL,
    legal_basis    text NOT NULL,
    free_text      text NOT NULL,
    hetu_hash      bytea NOT NULL,
    hetu_box       bytea NOT NULL,
    received_on    date NOT NULL,
    deadline       date NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON benchnode.referrals (hetu_hash);
CREATE TABLE benchnode.history (
    referral_id  text NOT NULL REFERENCES benchnode.referrals,
    operation    text NOT NULL,
    to_state     text NOT NULL,
    actor_org    text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE benchnode.idempotency (
    org_id        text NOT NULL,
    key           text NOT NULL,
    request_hash  bytea NOT NULL,
    reply         text NOT NULL,
    PRIMARY KEY (org_id, key)
);
CREATE TABLE benchnode.audit_head (id int PRIMARY KEY, last_seq bigint NOT NULL, last_hash bytea NOT NULL);
INSERT INTO benchnode.audit_head VALUES (1, 0, decode (repeat ('00', 32), 'hex'));
CREATE TABLE benchnode.audit_log (
    seq        bigint PRIMARY KEY,
    at_us      bigint NOT NULL,
    actor_org  text NOT NULL,
    action     text NOT NULL,
    client_ref text NOT NULL,
    detail     text NOT NULL,
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL
);
CREATE TABLE benchnode.event_counter (id int PRIMARY KEY, last_seq bigint NOT NULL);
INSERT INTO benchnode.event_counter VALUES (1, 0);
CREATE TABLE benchnode.events (
    seq           bigint PRIMARY KEY,
    topic         text NOT NULL,
    aggregate_id  text NOT NULL,
    occurred_at   timestamptz NOT NULL,
    payload       bytea NOT NULL
);
