/*  kp_admitted — public key → identity, from the admitted certificates'
    metadata (see kp_admitted.h). Loaded at start and on every SIGHUP;
    the old record stays until a new one has been read whole. */
#include "kp_admitted.h"
#include "kp_alloc.h"
#include "kp_log.h"
#include "kp_organiser.h"

#include <assert.h>
#include <czmq.h>
#include <string.h>

struct _kp_admitted_t {
    zhashx_t *by_key;               //  Z85 public key → kp_identity_t
    zhashx_t *refused;              //  keys left out: ambiguous or oversized
    //  by_key's identities in an array made once loaded, for
    //  kp_admitted_find_org: walking a zhashx moves its cursor, which a
    //  reader on another thread (a consumer's handler) must not do.
    const kp_identity_t **all;
    size_t count;
};

static void
s_identity_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

//  Copies a metadata value into a field; false if it does not fit, so
//  that a long org id is never cut into someone else's.
static bool
s_copy (char *field, size_t size, const char *value)
{
    if (!value)
        value = "";
    if (strlen (value) >= size)
        return false;
    memcpy (field, value, strlen (value) + 1);
    return true;
}

static bool
s_same (const kp_identity_t *a, const kp_identity_t *b)
{
    return strcmp (a->org_id, b->org_id) == 0
        && strcmp (a->org_type, b->org_type) == 0
        && strcmp (a->municipality, b->municipality) == 0
        && strcmp (a->county, b->county) == 0;
}

static void
s_add (kp_admitted_t *self, zcert_t *cert, const char *filename)
{
    const char *key = zcert_public_txt (cert);
    if (zhashx_lookup (self->refused, key))
        return;
    kp_identity_t *identity = kp_calloc (1, sizeof *identity);
    if (!identity) {
        zhashx_insert (self->refused, key, (void *) 1);
        return;
    }
    if (!s_copy (identity->org_id, sizeof identity->org_id, zcert_meta (cert, "org_id"))
    ||  !s_copy (identity->org_type, sizeof identity->org_type, zcert_meta (cert, "org_type"))
    ||  !s_copy (identity->municipality, sizeof identity->municipality, zcert_meta (cert, "municipality"))
    ||  !s_copy (identity->county, sizeof identity->county, zcert_meta (cert, "county"))
    ||  !s_copy (identity->public_key, sizeof identity->public_key, key)) {
        kp_warn ("certificate %s: metadata too long, its key is not admitted", filename);
        zhashx_insert (self->refused, key, (void *) 1);
        free (identity);
        return;
    }
    //  Left out, not refused: registering the organisation and a reload
    //  admits the same file.
    if (!kp_organiser_admits (identity)) {
        kp_warn ("certificate %s: organisation '%s' (%s%s%s) is not registered as active with that"
                 " type and area; its key is not admitted", filename, identity->org_id,
                 identity->org_type, *kp_organiser_identity_area (identity) ? " " : "",
                 kp_organiser_identity_area (identity));
        free (identity);
        return;
    }
    const kp_identity_t *earlier = zhashx_lookup (self->by_key, key);
    if (earlier && !s_same (earlier, identity)) {
        kp_warn ("certificate %s: its key is also admitted as another organisation; admitting neither",
                 filename);
        zhashx_delete (self->by_key, key);
        zhashx_insert (self->refused, key, (void *) 1);
        free (identity);
        return;
    }
    if (earlier)
        free (identity);
    else
        zhashx_insert (self->by_key, key, identity);
}

kp_admitted_t *
kp_admitted_load (const char *certs_dir)
{
    zdir_t *dir = zdir_new (certs_dir, "-");
    if (!dir) {
        kp_error ("cannot read the admitted certificates in %s", certs_dir);
        return NULL;
    }
    kp_admitted_t *self = kp_calloc (1, sizeof *self);
    if (self) {
        self->by_key = zhashx_new ();
        self->refused = zhashx_new ();
    }
    if (!self || !self->by_key || !self->refused) {
        kp_admitted_destroy (&self);
        zdir_destroy (&dir);
        return NULL;
    }
    zhashx_set_destructor (self->by_key, s_identity_free);
    zfile_t **files = zdir_flatten (dir);
    for (size_t index = 0; files && files [index]; index++) {
        const char *filename = zfile_filename (files [index], NULL);
        zcert_t *cert = zcert_load (filename);
        if (cert)
            s_add (self, cert, filename);
        zcert_destroy (&cert);
    }
    zdir_flatten_free (&files);
    zdir_destroy (&dir);
    self->all = kp_calloc (zhashx_size (self->by_key) + 1, sizeof *self->all);
    if (!self->all) {
        kp_admitted_destroy (&self);
        return NULL;
    }
    for (const kp_identity_t *identity = zhashx_first (self->by_key); identity;
         identity = zhashx_next (self->by_key))
        self->all [self->count++] = identity;
    return self;
}

void
kp_admitted_destroy (kp_admitted_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_admitted_t *self = *self_p;
    zhashx_destroy (&self->by_key);
    zhashx_destroy (&self->refused);
    free (self->all);
    free (self);
    *self_p = NULL;
}

const kp_identity_t *
kp_admitted_lookup (kp_admitted_t *self, const char *public_key)
{
    if (!self || !public_key || !*public_key)
        return NULL;
    return zhashx_lookup (self->by_key, public_key);
}

const kp_identity_t *
kp_admitted_find_org (kp_admitted_t *self, const char *org_id)
{
    if (!self || !org_id || !*org_id)
        return NULL;
    for (size_t index = 0; index < self->count; index++)
        if (strcmp (self->all [index]->org_id, org_id) == 0)
            return self->all [index];
    return NULL;
}

size_t
kp_admitted_size (kp_admitted_t *self)
{
    return self ? zhashx_size (self->by_key) : 0;
}
