-- Stored replies without identity, and an end to them.
--
-- The referral service's replies carry the referral view, henkilötunnus
-- included for the receiving municipality, and every one of them was
-- stored here in clear (and so was in the WAL and every dump) for good.
-- From now on a service holding the henkilötunnus keys (intake, referral)
-- stores its replies sealed with them (sealed = true: reply is a
-- secretbox, nonce || ciphertext, as hetu_box is) and keys its request
-- hashes, since a plain hash of a body holding a henkilötunnus can be
-- matched by trying every code. Groups and reporting keep storing plain
-- replies: theirs carry no identity (identifier fields refuse anything
-- shaped like a henkilötunnus).
ALTER TABLE kp.idempotency ADD COLUMN IF NOT EXISTS sealed boolean NOT NULL DEFAULT false;

-- The rows of intake and referral written before this migration are the
-- clear ones, with plain hashes that no longer match: dropped now rather
-- than left for the retention sweep. A retry of one of them is a new
-- request (README, "Idempotency keys"). VACUUM reclaims their space; the
-- WAL already written is what backups keep, as before.
DELETE FROM kp.idempotency WHERE service IN ('intake', 'referral') AND NOT sealed;

-- Retention: each service deletes its own expired keys in small batches
-- (kp_idem_sweep); row-level security keeps it to its own rows, as for
-- reading. The index serves the sweep's "oldest of mine first" scan; the
-- statement compares service with session_user::text COLLATE "default",
-- which (unlike the policy's own comparison, see 0007) can use it.
GRANT DELETE ON kp.idempotency TO intake, referral, groups, reporting;
CREATE INDEX IF NOT EXISTS idempotency_expiry ON kp.idempotency (service, created_at);
