-- bench/node/check.sql — every acknowledged Node submission's effects, in
-- SQL: one row each of referral, history, idempotency, audit and event,
-- the audit chain linked and each hash sha256 (prev || canonical row), the
-- event seqs gap-free. Prints one line of counts; bad_* must be 0.
\set ON_ERROR_STOP on
SELECT 'referrals=' || (SELECT count (*) FROM benchnode.referrals)
    || ' history=' || (SELECT count (*) FROM benchnode.history)
    || ' idempotency=' || (SELECT count (*) FROM benchnode.idempotency)
    || ' audit=' || (SELECT count (*) FROM benchnode.audit_log)
    || ' events=' || (SELECT count (*) FROM benchnode.events)
    || ' bad_chain=' || (SELECT count (*) FROM (
           SELECT seq, hash, prev_hash, lag (hash, 1, decode (repeat ('00', 32), 'hex')) OVER (ORDER BY seq) AS expected,
                  sha256 (prev_hash || convert_to (concat_ws (chr (31), seq, at_us, actor_org, action, client_ref, detail), 'UTF8')) AS computed,
                  seq - lag (seq, 1, 0::bigint) OVER (ORDER BY seq) AS step
             FROM benchnode.audit_log) c
         WHERE prev_hash <> expected OR hash <> computed OR step <> 1)
    || ' bad_events=' || (SELECT coalesce (max (seq), 0) - count (*) FROM benchnode.events)
    || ' bad_head=' || (SELECT CASE WHEN (SELECT last_seq FROM benchnode.audit_head) = (SELECT coalesce (max (seq), 0) FROM benchnode.audit_log)
                                     AND (SELECT last_seq FROM benchnode.event_counter) = (SELECT coalesce (max (seq), 0) FROM benchnode.events)
                                THEN 0 ELSE 1 END);
