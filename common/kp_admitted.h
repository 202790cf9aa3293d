/*  kp_admitted — the server's own record of the admitted certificates.
    Who a caller is comes from here, looked up by the public key that the
    CURVE handshake proved (ZAP's User-Id), and never from the properties
    on a message: libzmq also fills those from the metadata the client
    sent in its own INITIATE command for any name the ZAP reply did not
    set, so a certificate naming no organisation could otherwise call
    itself an operator. */
#ifndef KP_ADMITTED_H
#define KP_ADMITTED_H

#include <stddef.h>

//  Who is calling, from the admitted certificate, never from the body.
typedef struct {
    char org_id [64];
    char org_type [32];             //  kela, municipality, ngo, debt_counselling, …
    char municipality [16];         //  municipality code, "" if not bound to one
    char public_key [48];           //  Z85 CURVE key
    char county [8];                //  organiser of a county ("EP"), "" if none
} kp_identity_t;

typedef struct _kp_admitted_t kp_admitted_t;

//  Reads every certificate in certs_dir (as zauth does). A certificate
//  whose metadata does not fit kp_identity_t, and a key that two files
//  give different identities, are left out (and logged): such a key is
//  not admitted at all rather than admitted as someone. So is one whose
//  organisation the installed registry (kp_organiser) does not hold as
//  active with the same type and area. NULL if the directory cannot be
//  read.
kp_admitted_t *kp_admitted_load (const char *certs_dir);
void kp_admitted_destroy (kp_admitted_t **self_p);
//  The identity of the certificate with this Z85 public key, or NULL.
const kp_identity_t *kp_admitted_lookup (kp_admitted_t *self, const char *public_key);
//  The identity of an admitted certificate naming org_id, or NULL. An
//  organisation with several keys (a rotation) has the same identity in
//  each; the first found is returned. Reads nothing but memory fixed at
//  load: safe beside the loop's own lookups on another thread.
const kp_identity_t *kp_admitted_find_org (kp_admitted_t *self, const char *org_id);
size_t kp_admitted_size (kp_admitted_t *self);

#endif
