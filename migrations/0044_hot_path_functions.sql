-- Functions on the write path that PostgreSQL planned afresh on every
-- call, or called where it need not (issue 23; measured with perf on the
-- services' backends under `bench_submit 8`).
--
-- kp.audit_head_lock was a SQL function, and SECURITY DEFINER keeps a SQL
-- function from being inlined: every batch with audit rows parsed and
-- planned its body again (fmgr_sql, with the planner, a tenth of the
-- referral backend's CPU with the next one). As plpgsql its one
-- statement is planned once a connection. Same result, same lock.
CREATE OR REPLACE FUNCTION kp.audit_head_lock (OUT last_seq bigint, OUT last_hash bytea, OUT at_us bigint,
                                               OUT service text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = kp, pg_temp AS $$
BEGIN
    SELECT h.last_seq, h.last_hash,
           (extract(epoch FROM date_trunc('microseconds', now())) * 1000000)::bigint,
           session_user::text
      INTO last_seq, last_hash, at_us, service
      FROM kp.audit_head h WHERE h.id = 1 FOR UPDATE;
END
$$;

-- Declared IMMUTABLE, but the cast to the enum is only STABLE, so the
-- planner would not inline it and ran it as a query of its own for each
-- row (every referral view, every SLA report row). STABLE is what it is;
-- no index uses it.
ALTER FUNCTION referral.deadline_state (date, date, timestamptz, boolean, date) STABLE;

-- The first omatyöntekijä (responsible worker) row only when a case opens
-- with one: the condition in the trigger, so the cases intake opens from
-- Kela's notices (no worker yet) call no plpgsql at all.
DROP TRIGGER cases_first_worker ON intake.cases;
CREATE TRIGGER cases_first_worker AFTER INSERT ON intake.cases
    FOR EACH ROW WHEN (NEW.responsible_worker <> '') EXECUTE FUNCTION intake.case_workers_first ();
