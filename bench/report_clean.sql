-- bench/report_clean.sql — readies the report benchmark's schema: an empty
-- bench.calendar for bench_calendar's rows, and bench.made, how many of
-- the generated clients (ids starting with "bench") the database holds
-- and how many of their notices have their events in kp.events.
-- Clients made by an earlier run are kept, with their events and what
-- the consumers made of them: the events cannot be taken out of kp.events
-- without leaving gaps in its seq (which every subscriber and replay may
-- rely on), and a notice's rows without its events would not be the
-- history the events say. bench/run.sh generates only past bench.made
-- (a fresh database — make down, remove var/pg, make up — for sizes
-- below it).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.calendar;
-- day, and working days from the calendar's first day up to and including it
CREATE TABLE bench.calendar (day date PRIMARY KEY, working int NOT NULL);
CREATE INDEX calendar_working ON bench.calendar (working, day);
-- clients: generated clients 1..clients exist; events: notices 1..events
-- have their events appended (bench_report_events).
CREATE TABLE IF NOT EXISTS bench.made (
    id       int PRIMARY KEY CHECK (id = 1),
    clients  int NOT NULL,
    events   int NOT NULL
);
INSERT INTO bench.made
SELECT 1, coalesce (max (substr (client_id, 7)::int), 0),
       (SELECT coalesce (max (substr (aggregate_id, 7)::int), 0) FROM kp.events
         WHERE topic = 'referral.received' AND aggregate_id LIKE 'benchr%')
  FROM intake.clients WHERE client_id LIKE 'benchc%'
ON CONFLICT (id) DO NOTHING;
COMMIT;
