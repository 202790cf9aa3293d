-- One vocabulary (issue 19): what replies say as an enum is stored as one.
--
-- An enrolment's status was free text under a CHECK; replies now carry it
-- as EnrolmentStatus (groups.proto), so the database holds it as the enum
-- type with the same labels in the same order, and test_stored_enums holds
-- the two against each other (common/kp_enum.c, kp_enum_stored). Existing
-- rows keep their value: the CHECK allowed exactly these labels. Statements
-- read it as status::text and write $n::text::groups.enrolment_status.
-- The label order is the old text order too, so ORDER BY status (the
-- organisers' participant list) sorts as before.
CREATE TYPE groups.enrolment_status AS ENUM ('enrolled', 'waitlisted', 'withdrawn');

ALTER TABLE groups.enrolments DROP CONSTRAINT IF EXISTS enrolments_status_check;
ALTER TABLE groups.enrolments
    ALTER COLUMN status TYPE groups.enrolment_status USING status::groups.enrolment_status;
