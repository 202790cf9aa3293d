-- The shared machinery every service writes through.
--
-- Outbox. A bigserial seq is not enough: values are taken before commit, so
-- a reader past seq 10 could later see a committed 9, and rollbacks leave
-- holes. Instead each writing transaction bumps one counter row as its last
-- step; the row lock is held until commit, so the next writer gets the next
-- number only after this one is visible (PostgreSQL makes a commit visible
-- before it releases the transaction's locks). A rollback undoes its bump:
-- no holes. Seqs are therefore gap-free and in commit order for every
-- reader. The price is that event-writing transactions serialise from
-- their append to their commit, which is why append comes last.
CREATE TABLE kp.event_counter (
    id        int PRIMARY KEY CHECK (id = 1),
    last_seq  bigint NOT NULL
);
INSERT INTO kp.event_counter VALUES (1, 0);

CREATE TABLE kp.events (
    seq            bigint PRIMARY KEY,
    topic          text NOT NULL CHECK (topic ~ '^[a-z_]+(\.[a-z_]+)+$'),
    aggregate_id   text NOT NULL,
    occurred_at    timestamptz NOT NULL,
    producer       text NOT NULL,
    -- who may see it on the stream (NULL: not scoped by that dimension)
    municipality   text,
    sender_org     text,
    recipient_org  text,
    payload        bytea NOT NULL   -- packed kumppani.v1.Event without seq
);
CREATE INDEX events_topic_seq ON kp.events (topic text_pattern_ops, seq);

-- A service may only append its own topics ("referral.*" from referral).
CREATE FUNCTION kp.append_event (p_topic text, p_aggregate_id text, p_occurred_at timestamptz,
                                 p_municipality text, p_sender_org text, p_recipient_org text,
                                 p_payload bytea)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kp, pg_temp AS $$
DECLARE
    v_seq bigint;
BEGIN
    IF split_part(p_topic, '.', 1) <> session_user AND session_user <> 'kumppani_admin' THEN
        RAISE EXCEPTION 'service % may not append topic %', session_user, p_topic
            USING ERRCODE = '42501';
    END IF;
    UPDATE kp.event_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq INTO v_seq;
    INSERT INTO kp.events (seq, topic, aggregate_id, occurred_at, producer,
                           municipality, sender_org, recipient_org, payload)
    VALUES (v_seq, p_topic, p_aggregate_id, p_occurred_at, session_user,
            p_municipality, p_sender_org, p_recipient_org, p_payload);
    -- A wake-up hint for the relay; delivered at commit, may be folded.
    PERFORM pg_notify('kp_events', '');
    RETURN v_seq;
END
$$;
REVOKE ALL ON FUNCTION kp.append_event FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp.append_event TO intake, referral, groups, reporting;
GRANT SELECT ON kp.events, kp.event_counter TO stream;

-- Audit log: append-only and hash-chained. Each row's hash covers the
-- previous row's hash and this row's canonical text (fields joined by the
-- unit separator, time as UTC microseconds), so any edit or deletion
-- breaks the chain from that row on. kp_audit_verify recomputes it.
CREATE TABLE kp.audit_head (
    id         int PRIMARY KEY CHECK (id = 1),
    last_seq   bigint NOT NULL,
    last_hash  bytea NOT NULL
);
INSERT INTO kp.audit_head VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE TABLE kp.audit_log (
    seq            bigint PRIMARY KEY,
    at             timestamptz NOT NULL,
    service        text NOT NULL,
    actor_org      text NOT NULL,
    actor_person   text NOT NULL,
    actor_role     text NOT NULL,
    action         text NOT NULL,      -- e.g. "referral.read"
    client_ref     text NOT NULL,      -- pseudonymous client id, '' if none
    basis          text NOT NULL,      -- consent / statutory basis, '' if none
    recipient_org  text NOT NULL,      -- disclosure recipient, '' if none
    detail         text NOT NULL,
    prev_hash      bytea NOT NULL,
    hash           bytea NOT NULL
);
CREATE INDEX audit_log_client ON kp.audit_log (client_ref, seq) WHERE client_ref <> '';

CREATE FUNCTION kp.audit_canonical (p_seq bigint, p_at timestamptz, p_service text,
                                    p_org text, p_person text, p_role text, p_action text,
                                    p_client text, p_basis text, p_recipient text, p_detail text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(chr(31), p_seq::text,
                     (extract(epoch FROM p_at) * 1000000)::bigint::text,
                     p_service, p_org, p_person, p_role, p_action,
                     p_client, p_basis, p_recipient, p_detail)
$$;

CREATE FUNCTION kp.audit_append (p_org text, p_person text, p_role text, p_action text,
                                 p_client text, p_basis text, p_recipient text, p_detail text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kp, pg_temp AS $$
DECLARE
    v_seq  bigint;
    v_prev bytea;
    v_hash bytea;
    -- microsecond precision is what the canonical text keeps
    v_at   timestamptz := date_trunc('microseconds', clock_timestamp());
BEGIN
    SELECT last_seq + 1, last_hash INTO v_seq, v_prev FROM kp.audit_head WHERE id = 1 FOR UPDATE;
    v_hash := sha256(v_prev || convert_to(kp.audit_canonical(v_seq, v_at, session_user,
                  p_org, p_person, p_role, p_action, coalesce(p_client, ''), coalesce(p_basis, ''),
                  coalesce(p_recipient, ''), coalesce(p_detail, '')), 'UTF8'));
    INSERT INTO kp.audit_log VALUES (v_seq, v_at, session_user, p_org, p_person, p_role, p_action,
                                     coalesce(p_client, ''), coalesce(p_basis, ''),
                                     coalesce(p_recipient, ''), coalesce(p_detail, ''),
                                     v_prev, v_hash);
    UPDATE kp.audit_head SET last_seq = v_seq, last_hash = v_hash WHERE id = 1;
    RETURN v_seq;
END
$$;
REVOKE ALL ON FUNCTION kp.audit_append FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp.audit_append TO intake, referral, groups, reporting, stream;

CREATE FUNCTION kp.audit_refuse_change () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON kp.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION kp.audit_refuse_change ();

-- Idempotency: the first reply to (service, organisation, key) is stored in
-- the same transaction as the effect. Row-level security keeps each service
-- to its own keys.
CREATE TABLE kp.idempotency (
    service        text NOT NULL DEFAULT session_user,
    org_id         text NOT NULL,
    key            text NOT NULL,
    operation      text NOT NULL,
    request_hash   bytea NOT NULL,
    reply          bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, org_id, key)
);
ALTER TABLE kp.idempotency ENABLE ROW LEVEL SECURITY;
CREATE POLICY idempotency_own ON kp.idempotency
    USING (service = session_user) WITH CHECK (service = session_user);
GRANT SELECT, INSERT ON kp.idempotency TO intake, referral, groups, reporting;
