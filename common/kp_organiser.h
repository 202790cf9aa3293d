/*  kp_organiser — who organises social services for a municipality: the
    one decision that access to a client, the recipient of a notice, the
    linking of a referral's client to a case and a report's area all rest
    on, and the organisation registry that admission and recipients are
    checked against. Both come from the database (kp.municipalities,
    kp.organisers, kp.organisations): a process reads them at start and
    on every SIGHUP into a record it installs here, replacing the last one
    whole. One record per process, not per caller, because every access
    rule in every service asks it; it is read under a lock because
    background workers may ask while the loop installs a new one.

    An organisation organises a municipality when
      type county        the municipality's organiser is the county its
                         certificate names (metadata county, e.g. EP; the
                         City of Helsinki is the organiser HKI)
      type municipality  it is the municipality its certificate names
    and nobody else organises any. */
#ifndef KP_ORGANISER_H
#define KP_ORGANISER_H

#include "kp_admitted.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  The organisation types that organise social services (route tables
//  and access rules spell them with this).
#define KP_ORGANISER_TYPES "municipality county"

typedef struct _kp_areas_t kp_areas_t;

//  Whether an organisation may act, by the installed registry.
typedef enum {
    KP_ORG_ACTIVE = 0,
    KP_ORG_UNKNOWN,                 //  not registered
    KP_ORG_INACTIVE,                //  registered, outside active_from..active_to
    KP_ORG_MISMATCH                 //  registered with another type or area
} kp_org_state_t;

kp_areas_t *kp_areas_new (void);
void kp_areas_destroy (kp_areas_t **self_p);
//  Adds a municipality and its organiser; 0 or -1.
int kp_areas_put_municipality (kp_areas_t *self, const char *code, const char *organiser,
                               const char *name);
//  Adds a registered organisation (area "" for none; to_us 0 for open-ended);
//  0 or -1.
int kp_areas_put_organisation (kp_areas_t *self, const char *org_id, const char *org_type,
                               const char *area, int64_t from_us, int64_t to_us);
//  Reads all three tables; NULL (logged) if they cannot be read.
kp_areas_t *kp_areas_load (PGconn *conn);

//  Installs *areas_p as the process's record (taking it; the old one is
//  destroyed). NULL uninstalls: then nobody organises anything and no
//  organisation is registered.
void kp_organiser_install (kp_areas_t **areas_p);
bool kp_organiser_installed (void);

//  True when org (an admitted certificate's identity) organises social
//  services in municipality (a Statistics Finland code).
bool kp_organiser_of (const kp_identity_t *org, const char *municipality);
//  True when the admitted organisation org_id organises municipality;
//  false for an organisation that is not admitted.
bool kp_organiser_is (kp_admitted_t *admitted, const char *org_id, const char *municipality);
//  The organiser of municipality ("EP", "HKI", "AX") into out; false if
//  the municipality is unknown.
bool kp_organiser_area_of (const char *municipality, char *out, size_t size);
//  The name of municipality (kp.municipalities.name) into out; false if
//  it is unknown.
bool kp_organiser_name_of (const char *municipality, char *out, size_t size);
//  The area an identity organises or is bound to: its county, else its
//  municipality, else "".
const char *kp_organiser_identity_area (const kp_identity_t *identity);
//  org_id against the registry: active with this type and area (area ""
//  for none)? type or area NULL: not compared.
kp_org_state_t kp_organiser_registered (const char *org_id, const char *org_type, const char *area);
//  Same, for now, with the registered type into type_out (may be NULL).
kp_org_state_t kp_organiser_lookup (const char *org_id, char *type_out, size_t size);
//  Whether the registered organisation org_id organises municipality, by
//  its registered type and area (for a recipient that need not be
//  connected: the registry, not a certificate, says what it organises).
bool kp_organiser_org_organises (const char *org_id, const char *municipality);
//  A municipality the identity organises into out (its own; for a county
//  the lowest code of its area), for rules that ask "may this caller act
//  for any client at all"; false if it organises none.
bool kp_organiser_home (const kp_identity_t *identity, char *out, size_t size);
//  Every municipality the identity organises, as a PostgreSQL array
//  literal ("{179,410}", "{}" for none) into out, for queries that take
//  an area as `= ANY ($n::text[])`; false if out is too small.
bool kp_organiser_municipalities (const kp_identity_t *identity, char *out, size_t size);
//  Whether an admitted identity's organisation may act now. Service
//  certificates (the system's own processes) are not registered and pass.
bool kp_organiser_admits (const kp_identity_t *identity);

#endif
