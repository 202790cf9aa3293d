-- intake.referral_source returns one notice's row, but as a plpgsql set
-- function it is estimated at 1000 rows. Intake's set-based case opening
-- (referrals_sources) calls it for each notice of a batch, so a batch of
-- 200 was estimated at 200,000 rows: PostgreSQL then JIT-compiled the
-- plan (about 240 ms a batch, measured with EXPLAIN ANALYZE) and hashed
-- all of intake.clients for the "known client" checks instead of probing
-- their indexes. Said to be one row, the same statement took 5 ms.
ALTER FUNCTION intake.referral_source (text) ROWS 1;

-- The services' statements are short transactions over indexes: JIT never
-- pays for itself there and a misestimate makes one statement cost a
-- compile (as 0030 says for reporting). Per database, like 0030; applies
-- to each service's next connection.
DO $$
DECLARE
    service text;
BEGIN
    FOREACH service IN ARRAY ARRAY ['intake', 'referral', 'groups', 'stream'] LOOP
        EXECUTE format ('ALTER ROLE %I IN DATABASE %I SET jit = off', service, current_database ());
    END LOOP;
END
$$;
