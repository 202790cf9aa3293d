-- One disclosure check, and the disclosure log (issue 17).
--
-- kp.disclosure_check answers whether a client's data may go to another
-- organisation: allowed (refusal '') or why not. Every service that sends
-- client data out calls it through common/kp_disclosure.c, so the rule is
-- here once:
--   * §35 (social_welfare_act_35) is the law's own basis: no consent is
--     looked up and a ban does not stop it;
--   * a ban (intake.disclosure_bans) outranks every other basis;
--   * client_request, and recipient_consent (a consent the recipient holds
--     itself, e.g. Kela's own notices, whose reference is Kela's), need no
--     consent record here;
--   * consent needs one of the client's consents to this recipient, not
--     withdrawn, for this scope: the one named (consent_ref), or any.
-- The client is found by intake's client id, a henkilötunnus lookup hash,
-- or the referral linked to one of its cases, within p_municipality when
-- given (a sender names only its own municipality's clients: another
-- organiser's record of the same person is not its to consult, 0015); a
-- client intake does not know has no consents or bans here (client_id ''
-- in the answer).
-- SECURITY DEFINER: referral and groups learn the verdict, never read
-- intake's consent tables themselves. Basis and scope are text codes.
CREATE OR REPLACE FUNCTION kp.disclosure_check (p_client text, p_hetu_hash bytea, p_municipality text,
                                     p_referral text, p_recipient text, p_scope text, p_basis text, p_consent text)
RETURNS TABLE (client_id text, consent_id text, refusal text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_clients text [];
    v_consent record;
BEGIN
    SELECT coalesce (array_agg (c.client_id ORDER BY c.created_at, c.client_id), '{}')
      INTO v_clients
      FROM intake.clients c
     WHERE (p_municipality IS NULL OR c.municipality = p_municipality)
       AND (c.client_id = p_client
            OR (p_hetu_hash IS NOT NULL AND c.hetu_hash = p_hetu_hash)
            OR c.client_id IN (SELECT k.client_id FROM intake.case_referrals cr
                                 JOIN intake.cases k ON k.case_id = cr.case_id
                                WHERE cr.referral_id = p_referral));
    client_id := coalesce (v_clients [1], '');
    consent_id := '';
    refusal := '';
    IF p_basis = 'social_welfare_act_35' THEN
        RETURN NEXT;
        RETURN;
    END IF;
    IF p_basis NOT IN ('consent', 'client_request', 'recipient_consent') THEN
        refusal := 'disclosure.no_basis';
        RETURN NEXT;
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM intake.disclosure_bans b
                WHERE b.client_id = ANY (v_clients)
                  AND (b.counterparty_org IS NULL OR b.counterparty_org = p_recipient)
                  AND (b.scope IS NULL OR b.scope = p_scope)) THEN
        refusal := 'disclosure.banned';
        RETURN NEXT;
        RETURN;
    END IF;
    IF p_basis = 'recipient_consent' THEN
        consent_id := coalesce (p_consent, '');
    END IF;
    IF p_basis <> 'consent' THEN
        RETURN NEXT;
        RETURN;
    END IF;
    IF coalesce (p_consent, '') <> '' THEN
        -- Another client's consent, or one to another organisation, is no
        -- consent for this disclosure: the same answer as a made-up one.
        SELECT c.consent_id, c.client_id, c.scope, c.withdrawn_at INTO v_consent
          FROM intake.consents c
         WHERE c.consent_id = p_consent AND c.client_id = ANY (v_clients)
           AND c.counterparty_org = p_recipient;
        IF NOT FOUND THEN
            refusal := 'consent.not_found';
        ELSIF v_consent.withdrawn_at IS NOT NULL THEN
            refusal := 'consent.withdrawn';
        ELSIF v_consent.scope <> p_scope THEN
            refusal := 'consent.out_of_scope';
        ELSE
            client_id := v_consent.client_id;
            consent_id := v_consent.consent_id;
        END IF;
        RETURN NEXT;
        RETURN;
    END IF;
    -- No consent named: the best the client has given this recipient.
    SELECT c.consent_id, c.client_id, c.scope, c.withdrawn_at INTO v_consent
      FROM intake.consents c
     WHERE c.client_id = ANY (v_clients) AND c.counterparty_org = p_recipient
     ORDER BY c.scope = p_scope DESC, c.withdrawn_at IS NULL DESC, c.recorded_at DESC, c.consent_id
     LIMIT 1;
    IF NOT FOUND THEN
        refusal := 'consent.not_found';
    ELSIF v_consent.scope <> p_scope THEN
        refusal := 'consent.out_of_scope';
    ELSIF v_consent.withdrawn_at IS NOT NULL THEN
        refusal := 'consent.withdrawn';
    ELSE
        client_id := v_consent.client_id;
        consent_id := v_consent.consent_id;
    END IF;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION kp.disclosure_check FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp.disclosure_check TO intake, referral, groups;

-- The disclosure log: the audit rows of kind SERVICE.disclosure that
-- kp_disclosure appends for every allowed disclosure of a client intake
-- knows (detail "kind=… object=… consent=…"). Services cannot read
-- kp.audit_log; intake, the client's own organisation's service, reads
-- this client's disclosures through this function, after its own access
-- check, a page at a time in the log's order.
CREATE INDEX IF NOT EXISTS audit_log_disclosures ON kp.audit_log (client_ref, seq)
    WHERE action IN ('intake.disclosure', 'referral.disclosure', 'groups.disclosure');

CREATE OR REPLACE FUNCTION kp.disclosure_log (p_client text, p_after bigint, p_limit int)
RETURNS TABLE (seq bigint, at timestamptz, service text, actor_org text, actor_person text,
               recipient_org text, kind text, basis text, consent_id text, object_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT a.seq, a.at, a.service, a.actor_org, a.actor_person, a.recipient_org,
           coalesce (substring (a.detail FROM '(?:^| )kind=([^ ]*)'), ''),
           a.basis,
           coalesce (substring (a.detail FROM '(?:^| )consent=([^ ]*)'), ''),
           coalesce (substring (a.detail FROM '(?:^| )object=([^ ]*)'), '')
      FROM kp.audit_log a
     WHERE a.client_ref = p_client AND a.client_ref <> ''
       AND a.action IN ('intake.disclosure', 'referral.disclosure', 'groups.disclosure')
       AND a.seq > p_after
     ORDER BY a.seq
     LIMIT greatest (1, least (p_limit, 1001))
$$;
REVOKE ALL ON FUNCTION kp.disclosure_log FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kp.disclosure_log TO intake;

-- What a referral's disclosure rests on, as the check found it at
-- submission (NULL for a referral the check did not concern: the sender
-- does not keep the client in intake). A withdrawal reaches every
-- referral resting on the consent by disclosure_consent_id, and a ban
-- every referral to the banned organisation by disclosure_client_id, in
-- one statement each: no list of ids to cut short. disclosure_banned_at
-- stops a referral's further disclosure as consent_withdrawn_at does.
ALTER TABLE referral.referrals
    ADD COLUMN IF NOT EXISTS disclosure_client_id  text,
    ADD COLUMN IF NOT EXISTS disclosure_consent_id text,
    ADD COLUMN IF NOT EXISTS disclosure_basis      text,
    ADD COLUMN IF NOT EXISTS disclosure_banned_at  timestamptz;
CREATE INDEX IF NOT EXISTS referrals_disclosure_consent ON referral.referrals (disclosure_consent_id)
    WHERE disclosure_consent_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS referrals_disclosure_client ON referral.referrals (disclosure_client_id)
    WHERE disclosure_client_id IS NOT NULL;
