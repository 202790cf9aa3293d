-- 0039 — the services' consumers read kp.events directly (kp_consumer),
-- no longer through the stream's replay socket: a page is one statement
-- on the consumer's own connection instead of a CURVE round trip, the
-- stream's query and a copy (issue 23, folding). They read what the
-- stream gave their service certificates anyway (operator and service
-- scopes see every event), the event counter for the head with it.
-- Reading only: events are still written through kp.append_event(s).
GRANT SELECT ON kp.events, kp.event_counter TO intake, referral, reporting;
