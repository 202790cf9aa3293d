-- pgbench's side of bench_submit: the bare single-row INSERT of a row
-- equivalent to a Kela notice of need for social work (same table, same
-- column values and sizes, random id and identity bytes), one transaction
-- per row. No idempotency, audit, history or event: that is the point.
INSERT INTO referral.referrals (referral_id, kind, state, sender_org, sender_type, sender_person,
    recipient_org, recipient_type, municipality, reason_category, legal_basis,
    notifier_may_be_named, urgent, free_text, sender_contact, hetu_hash, hetu_box,
    client_requested_transfer, received_on, deadline, deadline_kind, warning_on)
VALUES (upper (substr (md5 (random ()::text || clock_timestamp ()::text), 1, 26)),
    'social_work_need', 'received',
    'kela', 'kela', 'pgbench', 'muni-743', 'municipality', '743', 'life_management', 'client_request',
    false, false, 'Benchmark notice: rent arrears after benefit changes.', '',
    sha256 (random ()::text::bytea), sha256 (random ()::text::bytea) || sha256 (random ()::text::bytea),
    false, current_date, current_date + 7, 'assessment_start', current_date + 6);
