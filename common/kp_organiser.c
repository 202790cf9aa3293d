/*  kp_organiser — see kp_organiser.h. The record is three hash tables:
    municipality → organiser, organiser → kind, org_id → registration. */
#include "kp_organiser.h"
#include "kp_alloc.h"
#include "kp_log.h"
#include "kp_row.h"

#include <assert.h>
#include <czmq.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char org_type [32];
    char area [8];
    int64_t from_us;
    int64_t to_us;                  //  0: open-ended
} s_registration_t;

struct _kp_areas_t {
    zhashx_t *organiser_of;         //  municipality code → organiser ("EP")
    zhashx_t *registry;             //  org_id → s_registration_t
    zhashx_t *names;                //  municipality code → its (Finnish) name
};

static kp_areas_t *s_current;
//  A mutex, not a read-write lock: zhashx lookups write its cache and
//  iteration its cursor, so even readers must not overlap.
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

static void
s_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

kp_areas_t *
kp_areas_new (void)
{
    kp_areas_t *self = kp_calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->organiser_of = zhashx_new ();
    self->registry = zhashx_new ();
    self->names = zhashx_new ();
    if (!self->organiser_of || !self->registry || !self->names) {
        kp_areas_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->organiser_of, s_free);
    zhashx_set_destructor (self->registry, s_free);
    zhashx_set_destructor (self->names, s_free);
    return self;
}

void
kp_areas_destroy (kp_areas_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    kp_areas_t *self = *self_p;
    zhashx_destroy (&self->organiser_of);
    zhashx_destroy (&self->registry);
    zhashx_destroy (&self->names);
    free (self);
    *self_p = NULL;
}

int
kp_areas_put_municipality (kp_areas_t *self, const char *code, const char *organiser, const char *name)
{
    if (!self || !code || !organiser || strlen (organiser) >= 8)
        return -1;
    char *copy = kp_strdup (organiser);
    char *name_copy = kp_strdup (name ? name : "");
    if (!copy || !name_copy) {
        free (copy);
        free (name_copy);
        return -1;
    }
    zhashx_update (self->organiser_of, code, copy);
    zhashx_update (self->names, code, name_copy);
    return 0;
}

int
kp_areas_put_organisation (kp_areas_t *self, const char *org_id, const char *org_type,
                           const char *area, int64_t from_us, int64_t to_us)
{
    area = area ? area : "";
    if (!self || !org_id || !*org_id || !org_type || strlen (org_type) >= 32 || strlen (area) >= 8)
        return -1;
    s_registration_t *entry = kp_calloc (1, sizeof *entry);
    if (!entry)
        return -1;
    memcpy (entry->org_type, org_type, strlen (org_type) + 1);
    memcpy (entry->area, area, strlen (area) + 1);
    entry->from_us = from_us;
    entry->to_us = to_us;
    zhashx_update (self->registry, org_id, entry);
    return 0;
}

//  The load's two statements run on a bare connection (the caller's, at
//  start and on SIGHUP), outside kp_db's prepared and checked ones, so
//  their columns are found by name here.
enum { AREAS_CODE, AREAS_ORGANISER, AREAS_NAME, AREAS_COLUMNS };
static const char *const s_areas_columns [AREAS_COLUMNS] = { "code", "organiser", "name" };
enum { ORGS_ORG_ID, ORGS_ORG_TYPE, ORGS_AREA, ORGS_FROM_US, ORGS_TO_US, ORGS_COLUMNS };
static const char *const s_orgs_columns [ORGS_COLUMNS] = { "org_id", "org_type", "area", "from_us", "to_us" };

//  Fills column [] with where each name is in result. 0, or -1 (logged)
//  if one is missing.
static int
s_columns (const PGresult *result, const char *const *names, int count, int *column)
{
    for (int index = 0; index < count; index++)
        if ((column [index] = PQfnumber (result, names [index])) < 0) {
            kp_error ("cannot read the areas and the organisation registry: no column %s", names [index]);
            return -1;
        }
    return 0;
}

kp_areas_t *
kp_areas_load (PGconn *conn)
{
    if (!conn)
        return NULL;
    kp_areas_t *self = kp_areas_new ();
    PGresult *areas = PQexec (conn, "SELECT code, organiser, name FROM kp.municipalities");
    PGresult *orgs = PQexec (conn,
        "SELECT org_id, org_type, coalesce (area, '') AS area,"
        " (extract (epoch FROM active_from) * 1000000)::int8 AS from_us,"
        " coalesce ((extract (epoch FROM active_to) * 1000000)::int8, 0) AS to_us"
        " FROM kp.organisations");
    bool ok = self && PQresultStatus (areas) == PGRES_TUPLES_OK && PQresultStatus (orgs) == PGRES_TUPLES_OK;
    if (!ok)
        kp_error ("cannot read the areas and the organisation registry: %s",
                  PQresultStatus (areas) != PGRES_TUPLES_OK ? PQresultErrorMessage (areas)
                                                            : PQresultErrorMessage (orgs));
    int area [AREAS_COLUMNS], org [ORGS_COLUMNS];
    ok = ok && s_columns (areas, s_areas_columns, AREAS_COLUMNS, area) == 0
            && s_columns (orgs, s_orgs_columns, ORGS_COLUMNS, org) == 0;
    for (int row = 0; ok && row < PQntuples (areas); row++)
        ok = kp_areas_put_municipality (self, kp_row_text (areas, row, area [AREAS_CODE]),
                                        kp_row_text (areas, row, area [AREAS_ORGANISER]),
                                        kp_row_text (areas, row, area [AREAS_NAME])) == 0;
    for (int row = 0; ok && row < PQntuples (orgs); row++)
        ok = kp_areas_put_organisation (self, kp_row_text (orgs, row, org [ORGS_ORG_ID]),
                                        kp_row_text (orgs, row, org [ORGS_ORG_TYPE]),
                                        kp_row_text (orgs, row, org [ORGS_AREA]),
                                        kp_row_int (orgs, row, org [ORGS_FROM_US]),
                                        kp_row_int (orgs, row, org [ORGS_TO_US])) == 0;
    PQclear (areas);
    PQclear (orgs);
    if (!ok)
        kp_areas_destroy (&self);
    return self;
}

void
kp_organiser_install (kp_areas_t **areas_p)
{
    kp_areas_t *areas = areas_p ? *areas_p : NULL;
    if (areas_p)
        *areas_p = NULL;
    pthread_mutex_lock (&s_lock);
    kp_areas_t *old = s_current;
    s_current = areas;
    pthread_mutex_unlock (&s_lock);
    kp_areas_destroy (&old);
}

bool
kp_organiser_installed (void)
{
    pthread_mutex_lock (&s_lock);
    bool installed = s_current != NULL;
    pthread_mutex_unlock (&s_lock);
    return installed;
}

//  The organiser of municipality in the installed record; lock held.
static const char *
s_organiser_of (const char *municipality)
{
    return s_current && municipality && *municipality
         ? zhashx_lookup (s_current->organiser_of, municipality) : NULL;
}

bool
kp_organiser_of (const kp_identity_t *org, const char *municipality)
{
    if (!org || !municipality || !*municipality)
        return false;
    if (strcmp (org->org_type, "municipality") == 0)
        return *org->municipality && strcmp (org->municipality, municipality) == 0;
    if (strcmp (org->org_type, "county") != 0 || !*org->county)
        return false;
    pthread_mutex_lock (&s_lock);
    const char *organiser = s_organiser_of (municipality);
    bool organises = organiser && strcmp (organiser, org->county) == 0;
    pthread_mutex_unlock (&s_lock);
    return organises;
}

bool
kp_organiser_is (kp_admitted_t *admitted, const char *org_id, const char *municipality)
{
    return admitted && org_id && *org_id
        && kp_organiser_of (kp_admitted_find_org (admitted, org_id), municipality);
}

bool
kp_organiser_area_of (const char *municipality, char *out, size_t size)
{
    pthread_mutex_lock (&s_lock);
    const char *organiser = s_organiser_of (municipality);
    if (organiser && size)
        snprintf (out, size, "%s", organiser);
    pthread_mutex_unlock (&s_lock);
    return organiser != NULL;
}

bool
kp_organiser_name_of (const char *municipality, char *out, size_t size)
{
    pthread_mutex_lock (&s_lock);
    const char *name = s_current && municipality ? zhashx_lookup (s_current->names, municipality) : NULL;
    if (name && *name && size)
        snprintf (out, size, "%s", name);
    pthread_mutex_unlock (&s_lock);
    return name && *name;
}

bool
kp_organiser_municipalities (const kp_identity_t *identity, char *out, size_t size)
{
    assert (out && size > 2);
    size_t used = (size_t) snprintf (out, size, "{");
    bool fits = true;
    if (identity && strcmp (identity->org_type, "municipality") == 0 && *identity->municipality)
        used += (size_t) snprintf (out + used, size - used, "%s", identity->municipality);
    else
    if (identity && strcmp (identity->org_type, "county") == 0 && *identity->county) {
        pthread_mutex_lock (&s_lock);
        zhashx_t *organiser_of = s_current ? s_current->organiser_of : NULL;
        for (const char *organiser = organiser_of ? zhashx_first (organiser_of) : NULL;
             organiser && fits; organiser = zhashx_next (organiser_of)) {
            if (strcmp (organiser, identity->county) != 0)
                continue;
            const char *code = zhashx_cursor (organiser_of);
            fits = used + strlen (code) + 3 < size;
            if (fits)
                used += (size_t) snprintf (out + used, size - used, "%s%s", used > 1 ? "," : "", code);
        }
        pthread_mutex_unlock (&s_lock);
    }
    if (!fits || used + 2 > size) {
        snprintf (out, size, "{}");
        return false;
    }
    snprintf (out + used, size - used, "}");
    return true;
}

const char *
kp_organiser_identity_area (const kp_identity_t *identity)
{
    return !identity ? "" : *identity->county ? identity->county : identity->municipality;
}

bool
kp_organiser_org_organises (const char *org_id, const char *municipality)
{
    if (!org_id || !*org_id || !municipality || !*municipality)
        return false;
    pthread_mutex_lock (&s_lock);
    const s_registration_t *entry = s_current ? zhashx_lookup (s_current->registry, org_id) : NULL;
    const char *organiser = s_organiser_of (municipality);
    bool organises = entry && *entry->area
        && ((strcmp (entry->org_type, "municipality") == 0 && strcmp (entry->area, municipality) == 0)
        ||  (strcmp (entry->org_type, "county") == 0 && organiser && strcmp (organiser, entry->area) == 0));
    pthread_mutex_unlock (&s_lock);
    return organises;
}

bool
kp_organiser_home (const kp_identity_t *identity, char *out, size_t size)
{
    if (size)
        *out = 0;
    if (!identity)
        return false;
    if (strcmp (identity->org_type, "municipality") == 0) {
        if (*identity->municipality)
            snprintf (out, size, "%s", identity->municipality);
        return *identity->municipality != 0;
    }
    if (strcmp (identity->org_type, "county") != 0 || !*identity->county)
        return false;
    pthread_mutex_lock (&s_lock);
    const char *lowest = NULL;
    for (const char *organiser = s_current ? zhashx_first (s_current->organiser_of) : NULL; organiser;
         organiser = zhashx_next (s_current->organiser_of))
        if (strcmp (organiser, identity->county) == 0) {
            const char *code = zhashx_cursor (s_current->organiser_of);
            if (!lowest || strcmp (code, lowest) < 0)
                lowest = code;
        }
    if (lowest)
        snprintf (out, size, "%s", lowest);
    pthread_mutex_unlock (&s_lock);
    return lowest != NULL;
}

//  The registration's state now; lock held.
static kp_org_state_t
s_state (const s_registration_t *entry)
{
    if (!entry)
        return KP_ORG_UNKNOWN;
    int64_t now = zclock_time () * 1000;
    if (now < entry->from_us || (entry->to_us && now >= entry->to_us))
        return KP_ORG_INACTIVE;
    return KP_ORG_ACTIVE;
}

kp_org_state_t
kp_organiser_registered (const char *org_id, const char *org_type, const char *area)
{
    if (!org_id || !*org_id)
        return KP_ORG_UNKNOWN;
    pthread_mutex_lock (&s_lock);
    const s_registration_t *entry = s_current ? zhashx_lookup (s_current->registry, org_id) : NULL;
    kp_org_state_t state = s_state (entry);
    if (entry && ((org_type && strcmp (org_type, entry->org_type) != 0)
              ||  (area && strcmp (area, entry->area) != 0)))
        state = KP_ORG_MISMATCH;
    pthread_mutex_unlock (&s_lock);
    return state;
}

kp_org_state_t
kp_organiser_lookup (const char *org_id, char *type_out, size_t size)
{
    if (!org_id || !*org_id)
        return KP_ORG_UNKNOWN;
    pthread_mutex_lock (&s_lock);
    const s_registration_t *entry = s_current ? zhashx_lookup (s_current->registry, org_id) : NULL;
    kp_org_state_t state = s_state (entry);
    if (entry && type_out && size)
        snprintf (type_out, size, "%s", entry->org_type);
    pthread_mutex_unlock (&s_lock);
    return state;
}

bool
kp_organiser_admits (const kp_identity_t *identity)
{
    if (!identity)
        return false;
    //  The system's own processes; and a certificate that names no
    //  organisation is admitted as nobody, which every route refuses
    //  (auth.no_organisation), so a forged id in its handshake gets that.
    if (strcmp (identity->org_type, "service") == 0 || !*identity->org_id)
        return true;
    return kp_organiser_registered (identity->org_id, identity->org_type,
                                    kp_organiser_identity_area (identity)) == KP_ORG_ACTIVE;
}
