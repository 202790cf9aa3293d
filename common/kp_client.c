/*  kp_client — request/reply over CURVE with Lazy Pirate retries. The
    endpoint may list several instances of the service (kp_endpoints): the
    DEALER connects to each and ZeroMQ deals the requests out in turn. */
#include "kp_client.h"
#include "kp_alloc.h"
#include "kp_codec.h"
#include "kp_endpoints.h"
#include "kp_ids.h"

#include <assert.h>
#include <string.h>

struct _kp_client_t {
    char *endpoint;
    zcert_t *server_cert;
    zcert_t *client_cert;
    zsock_t *dealer;
};

static int
s_connect (kp_client_t *self)
{
    zsock_destroy (&self->dealer);
    self->dealer = zsock_new (ZMQ_DEALER);
    if (!self->dealer)
        return -1;
    zsock_set_linger (self->dealer, 0);
    zcert_apply (self->client_cert, self->dealer);
    zsock_set_curve_serverkey (self->dealer, zcert_public_txt (self->server_cert));
    //  With several instances a request goes only to one whose handshake
    //  has completed: otherwise round robin would queue every other
    //  request for an instance that is down, and a retry on the rebuilt
    //  socket would start with the same one again. Sending then waits
    //  while none is up, so a call bounds it (kp_client_call).
    if (kp_endpoints_count (self->endpoint) > 1)
        zsock_set_immediate (self->dealer, 1);
    return kp_endpoints_connect (self->dealer, self->endpoint);
}

kp_client_t *
kp_client_new (const char *endpoint, const char *server_cert_path, const char *client_cert_path)
{
    kp_client_t *self = kp_calloc (1, sizeof (kp_client_t));
    if (!self)
        return NULL;
    self->endpoint = kp_strdup (endpoint);
    self->server_cert = zcert_load (server_cert_path);
    self->client_cert = zcert_load (client_cert_path);
    if (!self->endpoint || !self->server_cert || !self->client_cert || s_connect (self)) {
        kp_client_destroy (&self);
        return NULL;
    }
    return self;
}

void
kp_client_destroy (kp_client_t **self_p)
{
    assert (self_p);
    if (!*self_p)
        return;
    kp_client_t *self = *self_p;
    zsock_destroy (&self->dealer);
    zcert_destroy (&self->server_cert);
    zcert_destroy (&self->client_cert);
    free (self->endpoint);
    free (self);
    *self_p = NULL;
}

int
kp_client_send_bytes (kp_client_t *self, const void *data, size_t size)
{
    zframe_t *frame = zframe_new (data, size);
    return zframe_send (&frame, self->dealer, 0);
}

zsock_t *
kp_client_socket (kp_client_t *self)
{
    return self->dealer;
}

Kumppani__V1__Reply *
kp_client_recv (kp_client_t *self, int timeout_ms)
{
    zpoller_t *poller = zpoller_new (self->dealer, NULL);
    Kumppani__V1__Reply *reply = NULL;
    if (zpoller_wait (poller, timeout_ms) == self->dealer) {
        zframe_t *frame = zframe_recv (self->dealer);
        if (frame)
            kp_codec_reply_decode (zframe_data (frame), zframe_size (frame), &reply, NULL);
        zframe_destroy (&frame);
    }
    zpoller_destroy (&poller);
    return reply;
}

Kumppani__V1__Reply *
kp_client_call (kp_client_t *self, Kumppani__V1__Request *request, int timeout_ms, int retries)
{
    char correlation_id [KP_ID_LEN + 1];
    if (!request->correlation_id || !*request->correlation_id) {
        kp_id_new (correlation_id);
        request->correlation_id = correlation_id;
    }
    size_t size;
    uint8_t *packed = kp_codec_pack (&request->base, &size);
    Kumppani__V1__Reply *reply = NULL;
    for (int attempt = 0; packed && attempt <= retries && !reply; attempt++) {
        if (attempt > 0 && s_connect (self))
            break;
        int64_t deadline = zclock_mono () + timeout_ms;
        zsock_set_sndtimeo (self->dealer, timeout_ms);
        if (kp_client_send_bytes (self, packed, size))
            continue;
        while (!reply) {
            int64_t left = deadline - zclock_mono ();
            if (left <= 0)
                break;
            reply = kp_client_recv (self, (int) left);
            //  A late reply to an earlier attempt: not ours, keep waiting.
            if (reply && strcmp (reply->correlation_id, request->correlation_id) != 0)
                kp_codec_reply_free (&reply);
        }
    }
    free (packed);
    //  Lazy Pirate: a socket whose request went unanswered is rebuilt, so
    //  nothing stale is delivered when the peer comes back.
    if (!reply)
        s_connect (self);
    if (request->correlation_id == correlation_id)
        request->correlation_id = NULL;
    return reply;
}
