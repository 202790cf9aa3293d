-- pgbench's side of bench_submit: the bare single-row INSERT of an
-- equivalent observation row, one transaction per row.
INSERT INTO reporting.observations (observation_id, org_id, person_id, theme, area,
    period_start, period_end, description, clients_concerned)
VALUES (md5 (random ()::text || clock_timestamp ()::text), 'muni-743', 'bench-worker', 'bench_pg',
    '743', '2026-01-01', '2026-03-31',
    'Benchmark observation: rent arrears after benefit changes.', 4);
