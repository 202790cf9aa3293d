-- The audit head and the event counter taken at the end of a batch (issue 23).
--
-- kp.audit_append and kp.append_event lock their row where a handler calls
-- them and hold it until COMMIT, so every writer in the system (each
-- service's group commit, each consumer's batch) queued behind the others'
-- whole transactions. Now a transaction's audit rows and events are kept
-- in C while its handlers run (common/kp_batch.c) and written just before
-- COMMIT: kp.audit_head_lock says where the chain stands, the writer
-- computes each row's hash in C (kp_audit_canon, libsodium), and
-- kp.audit_append_batch and kp.append_events write them all, one statement
-- each. The two rows are held only from there to COMMIT.
--
-- Lock order as in 0011: audit head, then event counter. A batch with audit
-- rows locks the head first; one with events only never takes the head
-- (nothing takes the counter and then the head, so it cannot deadlock).
--
-- The trust boundary of 0013 holds: service is session_user, at is the
-- server's (the transaction's start, now (), which the caller cannot set
-- and both statements read alike), seq and prev_hash must continue the
-- head under its lock, the action must be the service's own, and each
-- hash the writer sends is checked against kp.audit_canonical_v2 before
-- anything is written, so a row the C side hashed differently is refused,
-- not stored broken. The old functions stay for other writers.

-- What the writer hashes with: the head, the rows' time and the service
-- name the rows will carry.
CREATE FUNCTION kp.audit_head_lock (OUT last_seq bigint, OUT last_hash bytea, OUT at_us bigint,
                                    OUT service text)
LANGUAGE sql SECURITY DEFINER SET search_path = kp, pg_temp AS $$
    SELECT h.last_seq, h.last_hash,
           (extract(epoch FROM date_trunc('microseconds', now())) * 1000000)::bigint,
           session_user::text
    FROM kp.audit_head h WHERE h.id = 1 FOR UPDATE
$$;
REVOKE ALL ON FUNCTION kp.audit_head_lock FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp.audit_head_lock TO intake, referral, groups, reporting, stream;

-- Returns the seq of the last row written.
CREATE FUNCTION kp.audit_append_batch (p_first_seq bigint, p_prev bytea, p_orgs text[],
                                       p_persons text[], p_roles text[], p_actions text[],
                                       p_clients text[], p_bases text[], p_recipients text[],
                                       p_details text[], p_hashes bytea[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kp, pg_temp AS $$
DECLARE
    v_count int := coalesce(cardinality(p_hashes), 0);
    v_at    timestamptz := date_trunc('microseconds', now());
    v_rows  int;
BEGIN
    IF v_count = 0 OR coalesce(cardinality(p_orgs), -1) <> v_count
       OR coalesce(cardinality(p_persons), -1) <> v_count OR coalesce(cardinality(p_roles), -1) <> v_count
       OR coalesce(cardinality(p_actions), -1) <> v_count OR coalesce(cardinality(p_clients), -1) <> v_count
       OR coalesce(cardinality(p_bases), -1) <> v_count OR coalesce(cardinality(p_recipients), -1) <> v_count
       OR coalesce(cardinality(p_details), -1) <> v_count THEN
        RAISE EXCEPTION 'audit batch arrays differ in length' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_actions) AS a (action)
               WHERE NOT coalesce(a.action ~ '^[a-z]+\.[a-z][a-z0-9_]*$'
                                  AND (split_part(a.action, '.', 1) = session_user
                                       OR session_user = 'kumppani_admin'), false)) THEN
        RAISE EXCEPTION 'service % may not audit one of these actions', session_user
            USING ERRCODE = '42501';
    END IF;
    -- Normally already locked by kp.audit_head_lock in this transaction.
    PERFORM 1 FROM kp.audit_head h
        WHERE h.id = 1 AND h.last_seq + 1 = p_first_seq AND h.last_hash = p_prev FOR UPDATE;
    IF NOT FOUND THEN
        -- The head moved since the writer read it (it did not lock it first):
        -- worth running the transaction again.
        RAISE EXCEPTION 'audit batch does not continue the chain' USING ERRCODE = '40001';
    END IF;
    INSERT INTO kp.audit_log (seq, at, service, actor_org, actor_person, actor_role, action,
                              client_ref, basis, recipient_org, detail, prev_hash, hash, format)
    SELECT c.seq, v_at, session_user, c.org, c.person, c.role, c.action, c.client, c.basis,
           c.recipient, c.detail, c.prev, c.hash, 2
    FROM (SELECT p_first_seq + u.n - 1 AS seq, coalesce(u.org, '') AS org,
                 coalesce(u.person, '') AS person, coalesce(u.role, '') AS role, u.action,
                 coalesce(u.client, '') AS client, coalesce(u.basis, '') AS basis,
                 coalesce(u.recipient, '') AS recipient, coalesce(u.detail, '') AS detail,
                 coalesce(lag(u.hash) OVER (ORDER BY u.n), p_prev) AS prev, u.hash
          FROM unnest(p_orgs, p_persons, p_roles, p_actions, p_clients, p_bases, p_recipients,
                      p_details, p_hashes)
               WITH ORDINALITY AS u (org, person, role, action, client, basis, recipient, detail, hash, n)
         ) AS c
    WHERE c.hash = sha256(c.prev || kp.audit_canonical_v2(c.seq, v_at, session_user, c.org, c.person,
                                                           c.role, c.action, c.client, c.basis,
                                                           c.recipient, c.detail))
    ORDER BY c.seq;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows <> v_count THEN
        RAISE EXCEPTION 'audit batch: % of % hashes do not match their rows', v_count - v_rows, v_count
            USING ERRCODE = '22000';
    END IF;
    UPDATE kp.audit_head SET last_seq = p_first_seq + v_count - 1, last_hash = p_hashes [v_count]
        WHERE id = 1;
    RETURN p_first_seq + v_count - 1;
END
$$;
REVOKE ALL ON FUNCTION kp.audit_append_batch FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp.audit_append_batch TO intake, referral, groups, reporting, stream;

-- A batch's events in one statement, seqs in array order under the
-- counter lock (gap-free and in commit order as in 0002). occurred_at is
-- microseconds since 1970 UTC. Returns the last seq.
CREATE FUNCTION kp.append_events (p_topics text[], p_aggregate_ids text[], p_occurred_us bigint[],
                                  p_municipalities text[], p_sender_orgs text[],
                                  p_recipient_orgs text[], p_payloads bytea[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kp, pg_temp AS $$
DECLARE
    v_count int := coalesce(cardinality(p_payloads), 0);
    v_last  bigint;
BEGIN
    IF v_count = 0 OR coalesce(cardinality(p_topics), -1) <> v_count
       OR coalesce(cardinality(p_aggregate_ids), -1) <> v_count
       OR coalesce(cardinality(p_occurred_us), -1) <> v_count
       OR coalesce(cardinality(p_municipalities), -1) <> v_count
       OR coalesce(cardinality(p_sender_orgs), -1) <> v_count
       OR coalesce(cardinality(p_recipient_orgs), -1) <> v_count THEN
        RAISE EXCEPTION 'event batch arrays differ in length' USING ERRCODE = '22023';
    END IF;
    IF session_user <> 'kumppani_admin'
       AND EXISTS (SELECT 1 FROM unnest(p_topics) AS t (topic)
                   WHERE split_part(t.topic, '.', 1) IS DISTINCT FROM session_user) THEN
        RAISE EXCEPTION 'service % may not append one of these topics', session_user
            USING ERRCODE = '42501';
    END IF;
    UPDATE kp.event_counter SET last_seq = last_seq + v_count WHERE id = 1 RETURNING last_seq INTO v_last;
    INSERT INTO kp.events (seq, topic, aggregate_id, occurred_at, producer,
                           municipality, sender_org, recipient_org, payload)
    SELECT v_last - v_count + u.n, u.topic, u.aggregate_id, to_timestamp(u.occurred_us / 1e6),
           session_user, u.municipality, u.sender_org, u.recipient_org, u.payload
    FROM unnest(p_topics, p_aggregate_ids, p_occurred_us, p_municipalities, p_sender_orgs,
                p_recipient_orgs, p_payloads)
         WITH ORDINALITY AS u (topic, aggregate_id, occurred_us, municipality, sender_org,
                               recipient_org, payload, n);
    PERFORM pg_notify('kp_events', '');
    RETURN v_last;
END
$$;
REVOKE ALL ON FUNCTION kp.append_events FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp.append_events TO intake, referral, groups, reporting;
