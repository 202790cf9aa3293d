-- Consumers inside kumppani read the stream and keep their place here.
-- A handler's effect and the cursor move commit together, so a crash
-- replays at most the unfinished event. An event a handler cannot take
-- (poison) is parked with its error, reported, and passed over: never
-- retried forever, never skipped silently. Each service sees only its own
-- rows.
CREATE TABLE kp.consumer_cursors (
    consumer    text PRIMARY KEY,
    service     text NOT NULL DEFAULT session_user,
    last_seq    bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE kp.parked_events (
    consumer    text NOT NULL,
    seq         bigint NOT NULL,
    service     text NOT NULL DEFAULT session_user,
    topic       text NOT NULL,
    error       text NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, seq)
);
ALTER TABLE kp.consumer_cursors ENABLE ROW LEVEL SECURITY;
ALTER TABLE kp.parked_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY cursors_own ON kp.consumer_cursors
    USING (service = session_user) WITH CHECK (service = session_user);
CREATE POLICY parked_own ON kp.parked_events
    USING (service = session_user) WITH CHECK (service = session_user);
GRANT SELECT, INSERT, UPDATE ON kp.consumer_cursors TO intake, referral, groups, reporting;
GRANT SELECT, INSERT ON kp.parked_events TO intake, referral, groups, reporting;
