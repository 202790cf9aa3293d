-- One lock order for the two counters every writer takes: audit head,
-- then event counter. Both rows are locked until commit, and services call
-- kp.audit_append and kp.append_event in either order (referral audits and
-- then emits; intake's referral consumer emits client.registered and then
-- audits), so two such transactions deadlocked: PostgreSQL detects it only
-- after deadlock_timeout (1 s) and aborts one whole group commit. The
-- bench found it at 8 concurrent submitters. kp.append_event now takes the
-- audit head first; a transaction that audits afterwards already holds it.
-- Nothing else changes: the seq is still assigned under the counter lock.
CREATE OR REPLACE FUNCTION kp.append_event (p_topic text, p_aggregate_id text, p_occurred_at timestamptz,
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
    PERFORM 1 FROM kp.audit_head WHERE id = 1 FOR UPDATE;
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
