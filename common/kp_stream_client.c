/*  kp_stream_client — see kp_stream_client.h. */
#include "kp_stream_client.h"
#include "kp_log.h"

#include <string.h>

//  Sends one subscription upstream: XSUB's way of saying SUBSCRIBE.
static void
s_subscribe (zsock_t *xsub, const char *prefix)
{
    size_t len = strlen (prefix);
    zframe_t *frame = zframe_new (NULL, len + 1);
    zframe_data (frame) [0] = 1;
    memcpy (zframe_data (frame) + 1, prefix, len);
    zframe_send (&frame, xsub, 0);
}

zsock_t *
kp_stream_sub_new (const char *pub_endpoint, const char *stream_cert_path,
                   const char *client_cert_path, char *const *prefixes, size_t prefix_count)
{
    zcert_t *stream_cert = zcert_load (stream_cert_path);
    zcert_t *own_cert = zcert_load (client_cert_path);
    zsock_t *sub = NULL;
    if (stream_cert && own_cert) {
        //  XSUB, not SUB: the relay delivers "scope|topic" frames, entitled
        //  per certificate, which a SUB socket's own prefix filter would
        //  drop. XSUB filters nothing locally and resends its subscriptions
        //  after a reconnect.
        sub = zsock_new (ZMQ_XSUB);
        zsock_set_linger (sub, 0);
        zcert_apply (own_cert, sub);
        zsock_set_curve_serverkey (sub, zcert_public_txt (stream_cert));
        zsock_connect (sub, "%s", pub_endpoint);
        for (size_t index = 0; index < prefix_count; index++)
            s_subscribe (sub, prefixes [index]);
        //  Heartbeats let an idle reader see that it missed something.
        s_subscribe (sub, prefix_count ? "heartbeat" : "");
    }
    zcert_destroy (&stream_cert);
    zcert_destroy (&own_cert);
    return sub;
}

Kumppani__V1__ReplayReply *
kp_stream_replay_page (kp_client_t *client, uint64_t after_seq, char **prefixes, size_t prefix_count,
                       uint32_t page_size, int timeout_ms, int retries, const char *who,
                       Kumppani__V1__Reply **reply_p)
{
    Kumppani__V1__ReplayRequest body = KUMPPANI__V1__REPLAY_REQUEST__INIT;
    body.after_seq = after_seq;
    body.topic_prefixes = prefixes;
    body.n_topic_prefixes = prefix_count;
    body.page_size = page_size;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_REPLAY;
    request.replay = &body;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, timeout_ms, retries);
    if (reply && reply->status == KUMPPANI__V1__STATUS__STATUS_OK && reply->replay) {
        *reply_p = reply;
        return reply->replay;
    }
    kp_warn ("%s: replay after %llu failed: %s", who, (unsigned long long) after_seq,
             reply && reply->error ? reply->error->code : "no answer");
    if (reply)
        kumppani__v1__reply__free_unpacked (reply, NULL);
    *reply_p = NULL;
    return NULL;
}
