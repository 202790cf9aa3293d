-- One login role and one schema per service, and the shared schema kp for
-- the outbox, audit log, idempotency keys and consumer cursors. Roles are
-- cluster-wide, so they are created only when missing. Nothing is granted
-- to PUBLIC: each service gets exactly what it needs, in later migrations.
DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['intake', 'referral', 'groups', 'reporting', 'stream'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', name);
        END IF;
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', name);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', name);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', name, name);
        EXECUTE format('ALTER ROLE %I SET search_path = %I, kp', name, name);
    END LOOP;
END
$$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS kp;
REVOKE ALL ON SCHEMA kp FROM PUBLIC;
GRANT USAGE ON SCHEMA kp TO intake, referral, groups, reporting, stream;
