-- The reporting service's statements are small (a year of months over an
-- area's cases) but their cost estimates are not: the workload report's
-- correlated subqueries over a generate_series estimate millions, which
-- makes PostgreSQL JIT-compile the plan (132 functions, 4-6 s on a busy
-- two-core machine) to run a query that takes milliseconds. The reports
-- are answered within the client's timeout only without it. Per database,
-- so other databases in the cluster keep their setting; applies to the
-- service's next connection.
DO $$
BEGIN
    EXECUTE format ('ALTER ROLE reporting IN DATABASE %I SET jit = off', current_database ());
END
$$;
