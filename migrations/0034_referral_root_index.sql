-- A referral's chain root (migration 0023) is a foreign key into the same
-- table without an index of its own: deleting or re-keying a referral
-- had PostgreSQL look for children by root with a scan of every
-- referral, once per row deleted. Removing the report benchmark's 100k
-- generated notices (bench/report_clean.sql) took over seven minutes on
-- that scan, 1M would take hours. Only forwarded referrals have a root.
CREATE INDEX referrals_root ON referral.referrals (root_referral_id) WHERE root_referral_id IS NOT NULL;
