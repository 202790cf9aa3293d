-- bench/same_rows.sql — the yardstick "PostgreSQL writing the same rows":
-- what one Kela notice leaves in the database once the whole loop has run
-- (the referral service's referral, history, idempotency and reply rows;
-- intake's client, case, link, clock and both snapshots; reporting's two
-- rollup rows; two audit rows; three events), written by pgbench alone.
--
-- run.sh runs this with psql (as kumppani_admin, -v part=loop or
-- part=submission, below): it makes schema
-- bench_rows with a copy of each of those tables (columns, defaults,
-- checks, indexes; foreign keys among the copies, and to the real table
-- where the referenced one is not copied), and from one real notice's
-- rows a template per table. bench_rows.script() then gives the pgbench
-- script: one transaction per pgbench transaction, :batch notices of
-- thirteen statements, every row the template's with its keys made new
-- (text keys get a suffix, bigint keys a new number, byte keys a suffix
-- of bytes), so each notice writes rows of the same sizes (a few bytes
-- more) into the same indexes. No hashing, no event numbering under a lock, no NOTIFY, no
-- service: a floor for the rows' own cost. run.sh drops the schema after.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench_rows CASCADE;
CREATE SCHEMA bench_rows;
CREATE SEQUENCE bench_rows.n;

-- The tables in the order their foreign keys allow, and which rows of a
-- notice are its template: :'referral' picks the notice (its case has
-- its snapshots and reporting has folded it).
CREATE TABLE bench_rows.tables (ord int PRIMARY KEY, src regclass NOT NULL, pick text NOT NULL);
SELECT cr.referral_id AS referral, cr.case_id AS "case", c.client_id AS client
  FROM intake.case_referrals cr
  JOIN intake.cases c ON c.case_id = cr.case_id
  JOIN intake.esf_snapshots e ON e.case_id = cr.case_id AND e.kind = 'start'
  JOIN intake.case_clocks k ON k.case_id = cr.case_id
 WHERE EXISTS (SELECT 1 FROM reporting.referral_notices n WHERE n.referral_id = cr.referral_id)
   AND EXISTS (SELECT 1 FROM reporting.referral_responses r WHERE r.referral_id = cr.referral_id)
   AND EXISTS (SELECT 1 FROM referral.referrals r WHERE r.referral_id = cr.referral_id
                AND r.root_referral_id IS NULL AND r.parent_referral_id IS NULL)
 ORDER BY c.opened_at DESC LIMIT 1 \gset
INSERT INTO bench_rows.tables VALUES
    (1, 'referral.referrals', format ('referral_id = %L', :'referral')),
    (2, 'referral.referral_history', format ('referral_id = %L ORDER BY entry_id LIMIT 1', :'referral')),
    (3, 'kp.idempotency', $$service = 'referral' ORDER BY created_at DESC LIMIT 1$$),
    (4, 'kp.audit_log', 'true ORDER BY seq DESC LIMIT 2'),
    (5, 'kp.events', 'true ORDER BY seq DESC LIMIT 3'),
    (6, 'intake.clients', format ('client_id = %L', :'client')),
    (7, 'intake.cases', format ('case_id = %L', :'case')),
    (8, 'intake.case_referrals', format ('referral_id = %L', :'referral')),
    (9, 'intake.case_clocks', format ('case_id = %L', :'case')),
    (10, 'intake.participant_snapshots', format ($$case_id = %L AND kind = 'start'$$, :'case')),
    (11, 'intake.esf_snapshots', format ($$case_id = %L AND kind = 'start'$$, :'case')),
    (12, 'reporting.referral_notices', format ('referral_id = %L LIMIT 1', :'referral')),
    (13, 'reporting.referral_responses', format ('referral_id = %L LIMIT 1', :'referral'));
-- part=submission: only what the referral service writes for a
-- submission (its referral, history, idempotency and reply, one audit
-- row, one event), the yardstick of bench_submit.
SELECT :'part' = 'submission' AS submission_only \gset
\if :submission_only
DELETE FROM bench_rows.tables WHERE ord > 5;
UPDATE bench_rows.tables SET pick = replace (pick, 'LIMIT 2', 'LIMIT 1') WHERE ord = 4;
UPDATE bench_rows.tables SET pick = replace (pick, 'LIMIT 3', 'LIMIT 1') WHERE ord = 5;
\endif

-- The copy's name: schema_table.
CREATE FUNCTION bench_rows.copy_name (p_src regclass) RETURNS text LANGUAGE sql AS $$
    SELECT n.nspname || '_' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = p_src
$$;

DO $$
DECLARE
    t record;
    fk record;
    def text;
BEGIN
    FOR t IN SELECT * FROM bench_rows.tables ORDER BY ord LOOP
        EXECUTE format ('CREATE TABLE bench_rows.%I (LIKE %s INCLUDING ALL)', bench_rows.copy_name (t.src), t.src);
        EXECUTE format ('CREATE TABLE bench_rows.%I AS SELECT row_number () OVER () AS tpl_ord, s.* '
                        'FROM (SELECT * FROM %s WHERE %s) s',
                        'tpl_' || bench_rows.copy_name (t.src), t.src, t.pick);
        -- Foreign keys: to the copy where the referenced table is copied.
        FOR fk IN SELECT c.confrelid::regclass AS target, pg_get_constraintdef (c.oid) AS def
                    FROM pg_constraint c WHERE c.conrelid = t.src AND c.contype = 'f' LOOP
            def := fk.def;
            IF EXISTS (SELECT 1 FROM bench_rows.tables x WHERE x.src = fk.target) THEN
                def := replace (def, 'REFERENCES ' || fk.target::text || '(',
                                'REFERENCES bench_rows.' || bench_rows.copy_name (fk.target) || '(');
            END IF;
            EXECUTE format ('ALTER TABLE bench_rows.%I ADD %s', bench_rows.copy_name (t.src), def);
        END LOOP;
    END LOOP;
END
$$;

-- The statement that writes :batch notices' rows of one table: every
-- column of the template as it is, but those that make a row new: of
-- each unique index its last text, byte or bigint column (the leading
-- ones are categories: a service, a copy, a municipality), and the
-- columns of a foreign key into another copy, which get the notice's
-- key k the same way as the column they refer to.
CREATE FUNCTION bench_rows.statement (p_src regclass) RETURNS text LANGUAGE sql AS $$
    WITH keyable AS (
        SELECT a.attnum FROM pg_attribute a
         WHERE a.attrelid = p_src AND a.atttypid IN ('text'::regtype, 'bytea'::regtype, 'bigint'::regtype)),
    unique_keyed AS (
        SELECT DISTINCT ON (i.indexrelid) u.attnum
          FROM pg_index i, unnest (i.indkey) WITH ORDINALITY AS u (attnum, pos)
         WHERE i.indrelid = p_src AND i.indisunique AND u.attnum IN (SELECT attnum FROM keyable)
         ORDER BY i.indexrelid, u.pos DESC),
    cols AS (
        SELECT a.attnum, a.attname, a.atttypid,
               a.attnum IN (SELECT attnum FROM unique_keyed)
            OR EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = p_src AND c.contype = 'f'
                        AND a.attnum = ANY (c.conkey)
                        AND c.confrelid IN (SELECT src FROM bench_rows.tables)) AS keyed
          FROM pg_attribute a
         WHERE a.attrelid = p_src AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')
    SELECT format ('INSERT INTO bench_rows.%I (%s) SELECT %s FROM bench_rows.%I t, '
                   'generate_series (1, :batch) g (i), LATERAL (SELECT :n::bigint * 1000 + g.i AS k) k;',
                   bench_rows.copy_name (p_src),
                   string_agg (quote_ident (attname), ', ' ORDER BY attnum),
                   string_agg (CASE WHEN NOT keyed THEN 't.' || quote_ident (attname)
                                    WHEN atttypid = 'text'::regtype THEN format ($f$t.%I || '/' || k.k$f$, attname)
                                    WHEN atttypid = 'bytea'::regtype THEN format ('t.%I || int8send (k.k)', attname)
                                    WHEN atttypid = 'bigint'::regtype THEN 'k.k * 10 + t.tpl_ord'
                                    ELSE 't.' || quote_ident (attname) END, ', ' ORDER BY attnum),
                   'tpl_' || bench_rows.copy_name (p_src))
      FROM cols
$$;

-- The pgbench script (pgbench -D batch=N).
CREATE FUNCTION bench_rows.script () RETURNS text LANGUAGE sql AS $$
    SELECT E'SELECT nextval (\'bench_rows.n\') AS n \\gset\nBEGIN;\n'
        || string_agg (bench_rows.statement (src), E'\n' ORDER BY ord) || E'\nCOMMIT;\n'
      FROM bench_rows.tables
$$;

-- Rows per notice: the figure counts notices, so it should be what the
-- loop writes (run.sh prints it).
SELECT sum (n) AS rows_per_notice FROM (
    SELECT (xpath ('/row/c/text()', query_to_xml (format ('SELECT count (*) AS c FROM bench_rows.%I',
                   'tpl_' || bench_rows.copy_name (src)), false, true, ''))) [1]::text::int AS n
      FROM bench_rows.tables) x \gset
\echo rows_per_notice=:rows_per_notice
