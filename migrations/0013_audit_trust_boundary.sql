-- The audit log's trust boundary (issue 14).
--
-- 1. A service may audit only its own operations. kp.audit_append took
--    any action from any service role, so a compromised intake process
--    could write "referral.get_referral" rows in referral's name. Now the
--    action must be SERVICE.operation with SERVICE the session's login
--    role, the way kp.append_event already keeps services to their own
--    topics; consumers audit in their own service's name too
--    ("intake.referral_received", "referral.assessment_started_by_intake").
--    The rest of a row is not the caller's to choose: service is
--    session_user (which a login role cannot change), at is the server's
--    clock, seq and prev_hash come from the head under its lock, and the
--    format is fixed here. What the database cannot know is whether the
--    organisation and person a service names are the ones its CURVE
--    certificate check found: a compromised service can still write
--    false rows about its own operations.
--
-- 2. Format 2 of the canonical form. Format 1 joined the fields with 0x1f,
--    which a field may contain: ('alice' || chr(31) || 'ROLE_OPERATOR',
--    'ROLE_SOCIAL_WORKER') and ('alice', 'ROLE_OPERATOR' || chr(31) ||
--    'ROLE_SOCIAL_WORKER') as person and role made the same text, so one
--    could be edited into the other unseen. Format 2 is 00 00 00 02, seq and
--    time (microseconds since 1970 UTC) as 8-byte big-endian integers, then
--    each text field as a 4-byte big-endian byte count and its UTF-8 bytes:
--    no choice of contents makes two rows alike, and nothing depends on
--    DateStyle or TimeZone. common/kp_audit_canon.c is the definition
--    `kumppani audit verify` uses; this function must match it byte for
--    byte (test_audit_canon_sql.c checks). Rows already written keep format 1
--    and their hashes: history is not rewritten.
ALTER TABLE kp.audit_log ADD COLUMN format smallint NOT NULL DEFAULT 1 CHECK (format IN (1, 2));
ALTER TABLE kp.audit_log ALTER COLUMN format SET DEFAULT 2;

-- STABLE (convert_to is) and without SET clauses, so the planner inlines
-- both into audit_append's expression: about 4 µs a row. Declared
-- IMMUTABLE, or with SET search_path, each call ran as a function of its
-- own and took 300 µs. They are called from audit_append, whose fixed
-- search_path resolves the built-ins from pg_catalog.
CREATE FUNCTION kp.audit_canonical_field (p_text text) RETURNS bytea
LANGUAGE sql STABLE STRICT AS $$
    SELECT int4send(octet_length(convert_to(p_text, 'UTF8'))) || convert_to(p_text, 'UTF8')
$$;

CREATE FUNCTION kp.audit_canonical_v2 (p_seq bigint, p_at timestamptz, p_service text,
                                       p_org text, p_person text, p_role text, p_action text,
                                       p_client text, p_basis text, p_recipient text, p_detail text)
RETURNS bytea LANGUAGE sql STABLE STRICT AS $$
    -- extract (epoch) is numeric since PostgreSQL 14: exact microseconds.
    SELECT int4send(2) || int8send(p_seq) || int8send((extract(epoch FROM p_at) * 1000000)::bigint)
        || kp.audit_canonical_field(p_service) || kp.audit_canonical_field(p_org)
        || kp.audit_canonical_field(p_person) || kp.audit_canonical_field(p_role)
        || kp.audit_canonical_field(p_action) || kp.audit_canonical_field(p_client)
        || kp.audit_canonical_field(p_basis) || kp.audit_canonical_field(p_recipient)
        || kp.audit_canonical_field(p_detail)
$$;

CREATE OR REPLACE FUNCTION kp.audit_append (p_org text, p_person text, p_role text, p_action text,
                                            p_client text, p_basis text, p_recipient text, p_detail text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kp, pg_temp AS $$
DECLARE
    v_seq  bigint;
    v_prev bytea;
    v_hash bytea;
    -- microsecond precision is what the canonical form keeps
    v_at   timestamptz := date_trunc('microseconds', clock_timestamp());
BEGIN
    -- The administrator (migrations, operator tooling) is not a service;
    -- everyone else audits in their own operation space. NULL fails too.
    IF NOT coalesce(p_action ~ '^[a-z]+\.[a-z][a-z0-9_]*$'
                    AND (split_part(p_action, '.', 1) = session_user OR session_user = 'kumppani_admin'),
                    false) THEN
        RAISE EXCEPTION 'service % may not audit action %', session_user, coalesce(p_action, 'NULL')
            USING ERRCODE = '42501';
    END IF;
    SELECT last_seq + 1, last_hash INTO v_seq, v_prev FROM kp.audit_head WHERE id = 1 FOR UPDATE;
    v_hash := sha256(v_prev || kp.audit_canonical_v2(v_seq, v_at, session_user,
                  p_org, p_person, p_role, p_action, coalesce(p_client, ''), coalesce(p_basis, ''),
                  coalesce(p_recipient, ''), coalesce(p_detail, '')));
    INSERT INTO kp.audit_log (seq, at, service, actor_org, actor_person, actor_role, action,
                              client_ref, basis, recipient_org, detail, prev_hash, hash, format)
    VALUES (v_seq, v_at, session_user, p_org, p_person, p_role, p_action,
            coalesce(p_client, ''), coalesce(p_basis, ''), coalesce(p_recipient, ''),
            coalesce(p_detail, ''), v_prev, v_hash, 2);
    UPDATE kp.audit_head SET last_seq = v_seq, last_hash = v_hash WHERE id = 1;
    RETURN v_seq;
END
$$;
