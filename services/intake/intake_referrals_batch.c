/*  intake_referrals_batch — see the header. It claims what
    intake_referrals_handle would finish without writing (a notice to a
    partner, or one whose referral is already linked to a case), and it
    opens, set-based, the cases of the notices about a person intake does
    not know yet: one statement per table for all of them (clients, cases,
    start snapshots, clocks, links), the events and audit rows after
    (kp_batch writes those at COMMIT). A notice it cannot claim so — its
    person already known (the handler picks the organiser's own record and
    may join an open case), the same person twice in the batch, no source
    row, no municipality, a recipient who does not organise it — goes to
    the handler, which opens, joins or parks it exactly as before; none of
    those touches what the claimed ones write. */
#include "intake_referrals_batch.h"
#include "intake_caseload.h"
#include "intake_context.h"
#include "intake_events.h"
#include "kp_admitted.h"
#include "kp_alloc.h"
#include "kp_array.h"
#include "kp_audit.h"
#include "kp_calendar.h"
#include "kp_check.h"
#include "kp_db.h"
#include "kp_ids.h"
#include "kp_organiser.h"
#include "kp_row.h"
#include "kp_server.h"

#include <czmq.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define INTAKE_LINKED_ROW(C) C (LINKED_REFERRAL_ID, "referral_id", "text")
enum { INTAKE_LINKED_ROW (KP_ROW_INDEX) };
static const kp_col_t s_linked_row [] = { INTAKE_LINKED_ROW (KP_ROW_COLUMN) { NULL } };

//  What the handler reads one notice at a time (referral_source,
//  referral_client's "any match at all", clock_referral), for a batch.
#define INTAKE_SOURCES_ROW(C) \
    C (SOURCES_REFERRAL_ID, "referral_id", "text") \
    C (SOURCES_MUNICIPALITY, "municipality", "text") \
    C (SOURCES_SENDER_TYPE, "sender_type", "text") \
    C (SOURCES_HETU_KEY, "hetu_key", "text") \
    C (SOURCES_CLIENT_REF, "client_ref", "text") \
    C (SOURCES_HETU_BOX, "hetu_box", "bytea") \
    C (SOURCES_KNOWN, "known", "bool") \
    C (SOURCES_URGENT, "urgent", "bool") \
    C (SOURCES_RECEIVED_ON, "received_on", "text")
enum { INTAKE_SOURCES_ROW (KP_ROW_INDEX) };
static const kp_col_t s_sources_row [] = { INTAKE_SOURCES_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_written_row [] = { { "written", "int4" }, { NULL } };

const kp_stmt_t intake_referrals_batch_statements [] = {
    { "referrals_linked",
      "SELECT referral_id FROM intake.case_referrals WHERE referral_id = ANY ($1::text[])", s_linked_row },
    //  The view intake.referral_source reads, joined directly: the
    //  plpgsql function ran a query of its own for each notice, twice a
    //  batch (a third of intake's backend CPU in plpgsql, perf).
    { "referrals_sources",
      "SELECT u.referral_id, r.municipality::text, coalesce (r.sender_type::text, '') AS sender_type,"
      " coalesce (encode (r.hetu_hash, 'hex'), '') AS hetu_key, coalesce (r.client_ref::text, '') AS client_ref,"
      " r.hetu_box,"
      //  OFFSET 0: a probe of the index per notice. Without it a batch of a
      //  few hundred is planned as a hash of every client (15 ms at 26k
      //  clients, growing with them; 4.6 ms so).
      " (EXISTS (SELECT 1 FROM intake.clients c WHERE c.hetu_hash = r.hetu_hash OFFSET 0)"
      "  OR EXISTS (SELECT 1 FROM intake.clients c WHERE c.client_id = r.client_ref OFFSET 0)) AS known,"
      " coalesce (f.urgent, false) AS urgent, coalesce (f.received_on::text, '') AS received_on"
      " FROM unnest ($1::text[]) AS u (referral_id)"
      " JOIN referral.intake_referral_clients r ON r.referral_id = u.referral_id"
      " LEFT JOIN referral.referrals f ON f.referral_id = u.referral_id", s_sources_row },
    //  As referral_client_insert and client_birth_set do for one.
    { "referrals_clients_insert",
      "INSERT INTO intake.clients (client_id, hetu_hash, hetu_box, municipality, created_by_org,"
      " birth_date, birth_year)"
      " SELECT u.client_id, r.hetu_hash, r.hetu_box, r.municipality, coalesce (r.sender_org::text, ''),"
      " u.birth_date, u.birth_year"
      " FROM unnest ($1::text[], $2::text[], $3::date[], $4::int4[])"
      "   AS u (referral_id, client_id, birth_date, birth_year)"
      " JOIN referral.intake_referral_clients r ON r.referral_id = u.referral_id" },
    //  As case_insert does for one: no omatyöntekijä yet.
    { "referrals_cases_insert",
      "INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker, opened_by_org)"
      " SELECT u.case_id, u.client_id, u.municipality, u.channel::intake.case_channel, '', u.opened_by"
      " FROM unnest ($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
      "   AS u (case_id, client_id, municipality, channel, opened_by)" },
    { "referrals_snapshots",
      "SELECT intake.take_participant_snapshots ($1::text[], 'start'::intake.snapshot_kind) AS written",
      s_written_row },
    { "referrals_clocks_insert",
      "INSERT INTO intake.case_clocks (case_id, opened_on, pending_on, urgent, priority, working_days,"
      " deadline, warning_on)"
      " SELECT * FROM unnest ($1::text[], $2::date[], $3::date[], $4::bool[], $5::text[], $6::int4[],"
      " $7::date[], $8::date[])" },
    { "referrals_links_insert",
      "INSERT INTO intake.case_referrals (case_id, referral_id)"
      " SELECT * FROM unnest ($1::text[], $2::text[])" },
    { NULL }
};

static void
s_arrays_destroy (kp_array_t *arrays, size_t count)
{
    for (size_t index = 0; index < count; index++)
        kp_array_free (&arrays [index]);
}

//  A notice the handler would open a case for (or refuse): not ours.
static bool
s_needs_handler (const Kumppani__V1__Event *event)
{
    if (strcmp (event->topic, "referral.received") != 0)
        return false;
    if (event->payload_case != KUMPPANI__V1__EVENT__PAYLOAD_REFERRAL || !event->referral
    ||  !*event->referral->referral_id)
        return true;                    //  poison: the handler says so
    return kp_org_type_in (event->referral->recipient_type, KP_ORGANISER_TYPES);
}

//  One notice whose case opens here, and what it opens.
typedef struct {
    size_t index;                       //  in the batch
    int row;                            //  in referrals_sources
    char client_id [KP_ID_LEN + 1];
    char case_id [KP_ID_LEN + 1];
} s_claim_t;

//  Counts person keys (hetu hash, client ref, referral id) over every
//  source row: a notice is claimed only when each of its keys is its own.
static void
s_count_key (zhashx_t *keys, const char *kind, const char *value)
{
    if (!*value)
        return;
    char key [160];
    snprintf (key, sizeof key, "%s:%s", kind, value);
    size_t count = (size_t) zhashx_lookup (keys, key);
    zhashx_update (keys, key, (void *) (count + 1));
}

static bool
s_key_alone (zhashx_t *keys, const char *kind, const char *value)
{
    if (!*value)
        return true;
    char key [160];
    snprintf (key, sizeof key, "%s:%s", kind, value);
    return (size_t) zhashx_lookup (keys, key) == 1;
}

//  Whether row of sources (notice event) may open its case here.
static bool
s_claimable (intake_t *self, PGresult *sources, int row, const Kumppani__V1__Event *event, zhashx_t *keys)
{
    const char *municipality = kp_row_text (sources, row, SOURCES_MUNICIPALITY);
    if (kp_row_bool (sources, row, SOURCES_KNOWN) || !kp_check_municipality (municipality)
    ||  !s_key_alone (keys, "h", kp_row_text (sources, row, SOURCES_HETU_KEY))
    ||  !s_key_alone (keys, "c", kp_row_text (sources, row, SOURCES_CLIENT_REF))
    ||  !s_key_alone (keys, "r", kp_row_text (sources, row, SOURCES_REFERRAL_ID)))
        return false;
    //  Looked up now, copied under the server's lock (as the handler does).
    kp_identity_t found;
    const kp_identity_t *recipient = kp_server_find_org (self->server, event->referral->recipient_org,
                                                         &found) == 0 ? &found : NULL;
    return kp_organiser_of (recipient, municipality);
}

static int
s_exec (kp_db_t *db, const char *statement, int count, const char *const *values)
{
    PGresult *result = kp_db_exec (db, statement, count, values);
    PQclear (result);
    return result ? 0 : -1;
}

//  Opens the cases of claims [0, count) in a few statements, then
//  appends their events and audit rows. 0, or -1 (nothing is marked).
static int
s_open (intake_t *self, kp_db_t *db, Kumppani__V1__Event *const *events, PGresult *sources,
        s_claim_t *claims, size_t count)
{
    enum { REFERRAL, CLIENT, BIRTH_DATE, BIRTH_YEAR, CASE, MUNICIPALITY, CHANNEL, OPENED_BY,
           OPENED_ON, PENDING_ON, URGENT, PRIORITY, DAYS, DEADLINE, WARNING_ON, ARRAYS };
    kp_array_t arrays [ARRAYS] = { { 0 } };
    kp_date_t today = intake_today ();
    char today_text [11];
    kp_date_format (today, today_text);
    for (size_t index = 0; index < count; index++) {
        s_claim_t *claim = &claims [index];
        const Kumppani__V1__ReferralEvent *referral = events [claim->index]->referral;
        int row = claim->row;
        kp_id_new (claim->client_id);
        kp_id_new (claim->case_id);
        char birth_date [11] = "", birth_year [8] = "", days [8], pending [11], deadline [11], warning [11];
        int year = 0;
        if (!kp_row_null (sources, row, SOURCES_HETU_BOX)
        &&  intake_referrals_birth_date (self->keys, kp_row_text (sources, row, SOURCES_HETU_BOX), birth_date, &year))
            snprintf (birth_year, sizeof birth_year, "%d", year);
        kp_date_t received;
        bool has_received = kp_date_parse (kp_row_text (sources, row, SOURCES_RECEIVED_ON), &received) == 0;
        intake_clock_values_t clock;
        intake_clock_compute (birth_date, year, today, false, false, has_received ? &received : NULL,
                              kp_row_bool (sources, row, SOURCES_URGENT), &clock);
        kp_date_format (clock.pending, pending);
        kp_date_format (clock.deadline, deadline);
        kp_date_format (clock.warning, warning);
        snprintf (days, sizeof days, "%d", clock.days);
        const char *sender_type = kp_row_text (sources, row, SOURCES_SENDER_TYPE);
        kp_array_text (&arrays [REFERRAL], referral->referral_id);
        kp_array_text (&arrays [CLIENT], claim->client_id);
        kp_array_text (&arrays [BIRTH_DATE], *birth_date ? birth_date : NULL);
        kp_array_text (&arrays [BIRTH_YEAR], *birth_year ? birth_year : NULL);
        kp_array_text (&arrays [CASE], claim->case_id);
        kp_array_text (&arrays [MUNICIPALITY], kp_row_text (sources, row, SOURCES_MUNICIPALITY));
        kp_array_text (&arrays [CHANNEL], strcmp (sender_type, "kela") == 0 ? "kela_notice" : "authority_notice");
        kp_array_text (&arrays [OPENED_BY], *referral->sender_org ? referral->sender_org : sender_type);
        kp_array_text (&arrays [OPENED_ON], today_text);
        kp_array_text (&arrays [PENDING_ON], pending);
        kp_array_text (&arrays [URGENT], clock.urgent ? "true" : "false");
        kp_array_text (&arrays [PRIORITY], clock.priority);
        kp_array_text (&arrays [DAYS], days);
        kp_array_text (&arrays [DEADLINE], deadline);
        kp_array_text (&arrays [WARNING_ON], warning);
    }
    const char *text [ARRAYS];
    for (int index = 0; index < ARRAYS; index++)
        text [index] = kp_array_end (&arrays [index]);
    const char *clients [] = { text [REFERRAL], text [CLIENT], text [BIRTH_DATE], text [BIRTH_YEAR] };
    const char *cases [] = { text [CASE], text [CLIENT], text [MUNICIPALITY], text [CHANNEL], text [OPENED_BY] };
    const char *ids [] = { text [CASE] };
    const char *clocks [] = { text [CASE], text [OPENED_ON], text [PENDING_ON], text [URGENT], text [PRIORITY],
                              text [DAYS], text [DEADLINE], text [WARNING_ON] };
    const char *links [] = { text [CASE], text [REFERRAL] };
    PGresult *view = NULL;
    int rc = -1;
    //  In the handler's order: client, case, start snapshot, clock, link.
    if (s_exec (db, "referrals_clients_insert", 4, clients)
    ||  s_exec (db, "referrals_cases_insert", 5, cases)
    ||  s_exec (db, "referrals_snapshots", 1, ids)
    ||  s_exec (db, "referrals_clocks_insert", 8, clocks)
    ||  s_exec (db, "referrals_links_insert", 2, links)
    ||  !(view = kp_db_exec (db, "cases_view", 1, ids))
    ||  PQntuples (view) != (int) count)
        goto cleanup;
    for (size_t index = 0; index < count; index++) {
        s_claim_t *claim = &claims [index];
        const Kumppani__V1__ReferralEvent *referral = events [claim->index]->referral;
        kp_audit_entry_t entry = {
            .org_id = "intake", .person_id = "intake.referrals", .role = "ROLE_SERVICE",
            .action = "intake.referral_received", .client_ref = claim->client_id, .basis = "referral",
            .recipient_org = NULL, .detail = referral->referral_id
        };
        if (intake_client_emit_registered (db, claim->client_id,
                                           kp_row_text (sources, claim->row, SOURCES_MUNICIPALITY))
        ||  kp_audit_append (db, &entry)
        ||  intake_case_emit_view (db, view, (int) index, claim->case_id, "intake.case_opened", NULL))
            goto cleanup;
    }
    rc = 0;
cleanup:
    PQclear (view);
    s_arrays_destroy (arrays, ARRAYS);
    return rc;
}

//  The batch's new-person notices [index ...] not yet done: read their
//  sources in one statement, claim those that may open here, open them.
static int
s_open_new (intake_t *self, kp_db_t *db, Kumppani__V1__Event *const *events, size_t count, bool *done)
{
    kp_array_t ids = { 0 };
    size_t wanted = 0;
    for (size_t index = 0; index < count; index++)
        if (!done [index] && events [index]->referral && *events [index]->referral->referral_id) {
            kp_array_text (&ids, events [index]->referral->referral_id);
            wanted++;
        }
    if (wanted == 0) {
        s_arrays_destroy (&ids, 1);
        return 0;
    }
    const char *values [] = { kp_array_end (&ids) };
    PGresult *sources = kp_db_exec (db, "referrals_sources", 1, values);
    s_arrays_destroy (&ids, 1);
    if (!sources)
        return -1;
    //  The source row of each referral id, and how often each person key occurs.
    zhashx_t *rows = zhashx_new ();
    zhashx_t *keys = zhashx_new ();
    int nrows = PQntuples (sources);
    for (int row = 0; row < nrows; row++) {
        zhashx_update (rows, kp_row_text (sources, row, SOURCES_REFERRAL_ID), (void *) (intptr_t) (row + 1));
        s_count_key (keys, "h", kp_row_text (sources, row, SOURCES_HETU_KEY));
        s_count_key (keys, "c", kp_row_text (sources, row, SOURCES_CLIENT_REF));
    }
    //  A referral id counts per notice: the same notice delivered twice in
    //  one batch goes to the handler, which finds the first one's case.
    for (size_t index = 0; index < count; index++)
        if (!done [index] && events [index]->referral)
            s_count_key (keys, "r", events [index]->referral->referral_id);
    s_claim_t *claims = kp_calloc (count, sizeof (s_claim_t));
    size_t claimed = 0;
    for (size_t index = 0; index < count; index++) {
        if (done [index] || !events [index]->referral || !*events [index]->referral->referral_id)
            continue;
        int row = (int) (intptr_t) zhashx_lookup (rows, events [index]->referral->referral_id) - 1;
        if (row >= 0 && s_claimable (self, sources, row, events [index], keys))
            claims [claimed++] = (s_claim_t) { .index = index, .row = row };
    }
    int rc = claimed ? s_open (self, db, events, sources, claims, claimed) : 0;
    if (rc == 0)
        for (size_t index = 0; index < claimed; index++)
            done [claims [index].index] = true;
    free (claims);
    zhashx_destroy (&rows);
    zhashx_destroy (&keys);
    PQclear (sources);
    return rc;
}

int
intake_referrals_on_batch (kp_db_t *db, Kumppani__V1__Event *const *events, size_t count, bool *done, void *arg)
{
    intake_t *self = arg;
    kp_array_t array = { 0 };
    bool any = false;
    for (size_t index = 0; index < count; index++) {
        done [index] = !s_needs_handler (events [index]);
        if (!done [index] && events [index]->referral && *events [index]->referral->referral_id) {
            kp_array_text (&array, events [index]->referral->referral_id);
            any = true;
        }
    }
    if (!any) {
        s_arrays_destroy (&array, 1);
        return 0;
    }
    const char *values [] = { kp_array_end (&array) };
    PGresult *linked = kp_db_exec (db, "referrals_linked", 1, values);
    s_arrays_destroy (&array, 1);
    if (!linked)
        return -1;
    zhashx_t *ids = zhashx_new ();
    for (int row = 0; row < PQntuples (linked); row++)
        zhashx_insert (ids, kp_row_text (linked, row, LINKED_REFERRAL_ID), (void *) 1);
    for (size_t index = 0; index < count; index++)
        if (!done [index] && events [index]->referral && zhashx_lookup (ids, events [index]->referral->referral_id))
            done [index] = true;
    zhashx_destroy (&ids);
    PQclear (linked);
    //  Without the service (the fuzzers, a tool) only the lookups above.
    return self ? s_open_new (self, db, events, count, done) : 0;
}
