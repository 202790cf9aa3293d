/*  Every proto enum the database stores (kp_enum_stored) against its
    PostgreSQL enum type in the migrated test database: each proto value
    but UNSPECIFIED has its label (kp_enum_code's spelling) and each label
    a proto value, in the same order (reports sort by them), and each
    round-trips through kp_enum_value. Every enum type in the services'
    schemas is either such a type or one named here as the database's own. */
#include "kp_enum.h"

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

//  Enum types with no proto enum behind them (the proto says these with
//  strings): intake's snapshot kind.
static const char *const s_own_types [] = { "intake.snapshot_kind", NULL };

static PGconn *s_conn;

static void
s_setup (void)
{
    s_conn = PQconnectdb (getenv ("KUMPPANI_TEST_ADMIN_CONNINFO"));
    cr_assert_eq (PQstatus (s_conn), CONNECTION_OK, "%s", PQerrorMessage (s_conn));
}

static void
s_teardown (void)
{
    PQfinish (s_conn);
}

TestSuite (stored_enums, .init = s_setup, .fini = s_teardown);

Test (stored_enums, every_value_has_its_label_and_every_label_its_value)
{
    for (const kp_enum_stored_t *stored = kp_enum_stored; stored->descriptor; stored++) {
        const char *values [] = { stored->type };
        PGresult *result = PQexecParams (s_conn,
            "SELECT enumlabel FROM pg_enum WHERE enumtypid = to_regtype ($1::text) ORDER BY enumsortorder",
            1, NULL, values, NULL, NULL, 0);
        cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
        const ProtobufCEnumDescriptor *descriptor = stored->descriptor;
        int labels = PQntuples (result), row = 0;
        cr_assert_gt (labels, 0, "%s: no such enum type in the database (for %s)", stored->type,
                      descriptor->name);
        //  Values in proto number order, UNSPECIFIED (0) left out.
        for (int value = 1; value < 1000 && row <= labels; value++) {
            char code [KP_ENUM_CODE_MAX];
            if (!kp_enum_code (descriptor, value, code, sizeof code))
                continue;
            cr_assert_lt (row, labels, "%s: proto value %s (%d) has no database label", stored->type, code, value);
            cr_assert_str_eq (PQgetvalue (result, row, 0), code, "%s: label %d is '%s', proto value %d is '%s'",
                              stored->type, row + 1, PQgetvalue (result, row, 0), value, code);
            cr_assert_eq (kp_enum_value (descriptor, code), value, "%s: '%s' reads back", stored->type, code);
            row++;
        }
        cr_assert_eq (row, labels, "%s: database label '%s' has no proto value in %s", stored->type,
                      row < labels ? PQgetvalue (result, row, 0) : "", descriptor->name);
        PQclear (result);
    }
}

Test (stored_enums, every_enum_type_of_the_services_is_listed)
{
    PGresult *result = PQexec (s_conn,
        "SELECT format ('%s.%s', n.nspname, t.typname) FROM pg_type t"
        " JOIN pg_namespace n ON n.oid = t.typnamespace"
        " WHERE t.typtype = 'e' AND n.nspname IN ('kp', 'intake', 'referral', 'groups', 'reporting', 'stream')"
        " ORDER BY 1");
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    for (int row = 0; row < PQntuples (result); row++) {
        const char *type = PQgetvalue (result, row, 0);
        bool listed = false;
        for (const kp_enum_stored_t *stored = kp_enum_stored; stored->descriptor && !listed; stored++)
            listed = strcmp (stored->type, type) == 0;
        for (const char *const *own = s_own_types; *own && !listed; own++)
            listed = strcmp (*own, type) == 0;
        cr_assert (listed, "enum type %s is neither in kp_enum_stored nor one of the database's own", type);
    }
    PQclear (result);
}

//  The numbers are gone from the tables: no column of the services keeps
//  a proto enum as an integer any more (the names migration 0016 moved).
Test (stored_enums, no_enum_column_is_a_number)
{
    PGresult *result = PQexec (s_conn,
        "SELECT format ('%s.%s.%s', table_schema, table_name, column_name) FROM information_schema.columns"
        " WHERE table_schema IN ('intake', 'referral', 'groups', 'reporting')"
        " AND data_type IN ('smallint', 'integer', 'bigint')"
        " AND column_name IN ('kind', 'state', 'from_state', 'to_state', 'reason_category', 'legal_basis',"
        "   'assistance_type', 'decision', 'deadline_state', 'channel', 'direction', 'role')");
    cr_assert_eq (PQresultStatus (result), PGRES_TUPLES_OK, "%s", PQresultErrorMessage (result));
    cr_assert_eq (PQntuples (result), 0, "still a number: %s", PQntuples (result) ? PQgetvalue (result, 0, 0) : "");
    PQclear (result);
}
