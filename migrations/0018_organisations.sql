-- The organisation registry: who may hold a certificate. A certificate is
-- admitted only while the organisation its metadata names is registered
-- here with the same type and area and is active; deactivating one cuts
-- its certificates off at the services' next reload (SIGHUP), as removing
-- them from the admitted directory does, and at active_to in any case.
-- A referral's recipient must be registered and active too.
--
--   org_id       as in the certificate's metadata (kumppani cert new ORG_ID)
--   org_type     kela, county, municipality, ngo, … (cli/cli_cert.c's list)
--   name         for people reading lists and reports
--   area         the organiser (kp.organisers: 'EP', 'HKI') for a county,
--                a municipality code ('743') for an organisation bound to
--                one municipality, NULL for a national one (Kela)
--   active_from, active_to   when it may act; active_to NULL: open-ended
-- The services' own certificates (type service) are the system's
-- processes, not organisations, and are not registered.
CREATE TABLE kp.organisations (
    org_id       text PRIMARY KEY CHECK (org_id ~ '^[a-z0-9_-]{1,63}$'),
    org_type     text NOT NULL CHECK (org_type ~ '^[a-z_]{1,31}$' AND org_type <> 'service'),
    name         text NOT NULL DEFAULT '' CHECK (octet_length (name) <= 200),
    area         text CHECK (area ~ '^([0-9]{3}|[A-Z]{2,3})$'),
    active_from  timestamptz NOT NULL DEFAULT now(),
    active_to    timestamptz,
    CHECK (active_to IS NULL OR active_to >= active_from),
    -- a county organises an organiser's area (a municipality's social
    -- services name their municipality; one that names none organises none)
    CHECK (org_type <> 'county' OR area ~ '^[A-Z]{2,3}$'),
    CHECK (org_type <> 'municipality' OR area IS NULL OR area ~ '^[0-9]{3}$')
);
GRANT SELECT ON kp.organisations TO intake, referral, groups, reporting, stream;

-- An area must exist: an organiser that organises (a county or a city,
-- not Åland as a whole), or a known municipality. A trigger because a
-- CHECK cannot look at other tables.
CREATE FUNCTION kp.organisation_area_known () RETURNS trigger
LANGUAGE plpgsql SET search_path = kp, pg_temp AS $$
BEGIN
    IF NEW.area IS NULL
    OR (NEW.area ~ '^[0-9]' AND EXISTS (SELECT 1 FROM kp.municipalities WHERE code = NEW.area))
    OR (NEW.area ~ '^[A-Z]' AND EXISTS (SELECT 1 FROM kp.organisers
                                        WHERE organiser = NEW.area AND kind IN ('county', 'city'))) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'unknown area % for organisation %', NEW.area, NEW.org_id USING ERRCODE = '23503';
END
$$;
CREATE TRIGGER organisations_area_known BEFORE INSERT OR UPDATE OF area ON kp.organisations
    FOR EACH ROW EXECUTE FUNCTION kp.organisation_area_known ();

-- A notice to a county opens its case in intake as one to a municipality
-- does: the view intake reads the notice's client from (0005) took only
-- recipient_type 'municipality'.
CREATE OR REPLACE VIEW referral.intake_referral_clients AS
    SELECT referral_id, municipality, hetu_hash, hetu_box, client_ref, sender_org, sender_type, kind
      FROM referral.referrals
     WHERE recipient_type IN ('municipality', 'county');
