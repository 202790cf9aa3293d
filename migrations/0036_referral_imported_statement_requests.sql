-- Issue 20: each statement kept with the request it answered (below), and
-- a migrating county's history brings Kela's statement requests
-- in (kumppani import). A request whose due date had passed before the
-- import shows its state (answered, answered late, overdue) like any
-- other, but the breach watch sends nothing for it now: a breach notice
-- years late would tell no one anything, and would go out before the
-- file's later line that answers it. The same rule the imported
-- referrals' past deadline notices follow (referral_notices_past).
ALTER TABLE referral.statement_requests
    ADD COLUMN past_at_import boolean NOT NULL DEFAULT false,
    -- The statement that answered this request. The referral's own
    -- statement column keeps only the latest; a request answered and then
    -- a second statement given (or a second request answered) lost the
    -- first text. Bounded like the referral's (4000 bytes).
    ADD COLUMN statement text CHECK (statement IS NULL OR octet_length (statement) <= 4000);
DROP INDEX referral.statement_requests_due;
CREATE INDEX statement_requests_due ON referral.statement_requests (due_on)
    WHERE answered_at IS NULL AND breach_sent_at IS NULL AND NOT past_at_import;
