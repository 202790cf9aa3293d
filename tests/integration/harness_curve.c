/*  harness_curve — see harness_curve.h. The byte layouts follow RFC 23/37
    (ZMTP 3.0 framing) and RFC 26 (CurveZMQ), as libzmq's curve_client
    builds them; the boxes are libsodium's crypto_box with the RFC's nonce
    prefixes and 8-byte big-endian counters. */
#include "harness_curve.h"
#include "harness.h"
#include "kp_codec.h"

#include <criterion/criterion.h>
#include <czmq.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

//  A frame bigger than this from the server is a broken stream here.
#define S_MAX_FRAME (64u * 1024 * 1024)

struct _kpt_curve_t {
    int fd;
    uint8_t public_key [32];        //  C, the certificate's
    uint8_t secret_key [32];        //  c
    uint8_t server_key [32];        //  S
    uint8_t cn_public [32];         //  C', ours for this connection
    uint8_t cn_secret [32];         //  c'
    uint8_t cn_server [32];         //  S', from WELCOME
    uint8_t cookie [96];            //  from WELCOME, echoed in INITIATE
    uint8_t precom [crypto_box_BEFORENMBYTES];     //  c' with S'
    uint64_t nonce;                 //  the next short nonce we send
};

static void
s_put_uint64 (uint8_t *out, uint64_t value)
{
    for (int index = 7; index >= 0; index--) {
        out [index] = (uint8_t) (value & 0xff);
        value >>= 8;
    }
}

static uint64_t
s_get_uint64 (const uint8_t *in)
{
    uint64_t value = 0;
    for (int index = 0; index < 8; index++)
        value = (value << 8) | in [index];
    return value;
}

size_t
kpt_curve_property (uint8_t *buffer, size_t size, size_t at, const char *name,
                    const void *value, size_t value_size)
{
    size_t name_size = strlen (name);
    cr_assert_leq (name_size, 255);
    cr_assert_leq (at + 1 + name_size + 4 + value_size, size, "metadata buffer too small");
    buffer [at++] = (uint8_t) name_size;
    memcpy (buffer + at, name, name_size);
    at += name_size;
    for (int shift = 24; shift >= 0; shift -= 8)
        buffer [at++] = (uint8_t) ((value_size >> shift) & 0xff);
    memcpy (buffer + at, value, value_size);
    return at + value_size;
}

size_t
kpt_curve_string (uint8_t *buffer, size_t size, size_t at, const char *name, const char *value)
{
    return kpt_curve_property (buffer, size, at, name, value, strlen (value));
}

static int64_t
s_deadline (int timeout_ms)
{
    return zclock_mono () + timeout_ms;
}

//  Waits for events until the deadline; false on timeout or error.
static bool
s_wait (int fd, short events, int64_t deadline)
{
    while (true) {
        int64_t left = deadline - zclock_mono ();
        if (left <= 0)
            return false;
        struct pollfd item = { .fd = fd, .events = events };
        int rc = poll (&item, 1, (int) left);
        if (rc > 0)
            return true;
        if (rc < 0 && errno != EINTR)
            return false;
    }
}

static int
s_write_all (int fd, const uint8_t *data, size_t size, int64_t deadline)
{
    while (size > 0) {
        ssize_t sent = send (fd, data, size, MSG_NOSIGNAL);
        if (sent > 0) {
            data += sent;
            size -= (size_t) sent;
        }
        else
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!s_wait (fd, POLLOUT, deadline))
                return -1;
        }
        else
            return -1;
    }
    return 0;
}

static int
s_read_all (int fd, uint8_t *data, size_t size, int64_t deadline)
{
    while (size > 0) {
        ssize_t got = recv (fd, data, size, 0);
        if (got > 0) {
            data += got;
            size -= (size_t) got;
        }
        else
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!s_wait (fd, POLLIN, deadline))
                return -1;
        }
        else
            return -1;              //  closed by the server, or broken
    }
    return 0;
}

//  One ZMTP 3.0 frame: flags (MORE 1, LONG 2, COMMAND 4), then the size in
//  one byte, or in eight when LONG.
static int
s_send_frame (kpt_curve_t *self, uint8_t flags, const uint8_t *body, size_t size, int64_t deadline)
{
    uint8_t header [9];
    size_t header_size;
    if (size > 255) {
        header [0] = flags | 0x02;
        s_put_uint64 (header + 1, size);
        header_size = 9;
    }
    else {
        header [0] = flags;
        header [1] = (uint8_t) size;
        header_size = 2;
    }
    if (s_write_all (self->fd, header, header_size, deadline))
        return -1;
    return s_write_all (self->fd, body, size, deadline);
}

//  The next frame; *body is the caller's to free. -1 on timeout or close.
static long
s_recv_frame (kpt_curve_t *self, uint8_t *flags, uint8_t **body, int64_t deadline)
{
    uint8_t header [8];
    if (s_read_all (self->fd, flags, 1, deadline))
        return -1;
    uint64_t size;
    if (*flags & 0x02) {
        if (s_read_all (self->fd, header, 8, deadline))
            return -1;
        size = s_get_uint64 (header);
    }
    else {
        if (s_read_all (self->fd, header, 1, deadline))
            return -1;
        size = header [0];
    }
    if (size > S_MAX_FRAME)
        return -1;
    *body = malloc (size ? size : 1);
    cr_assert_not_null (*body);
    if (s_read_all (self->fd, *body, size, deadline)) {
        free (*body);
        *body = NULL;
        return -1;
    }
    return (long) size;
}

//  The next handshake command; NULL (and logged) for ERROR or anything
//  but the expected name.
static uint8_t *
s_expect_command (kpt_curve_t *self, const char *name, size_t *size, int64_t deadline)
{
    uint8_t flags, *body = NULL;
    long got = s_recv_frame (self, &flags, &body, deadline);
    if (got < 0)
        return NULL;
    size_t name_size = strlen (name);
    if (!(flags & 0x04) || (size_t) got < 1 + name_size || body [0] != name_size
    ||  memcmp (body + 1, name, name_size) != 0) {
        if ((flags & 0x04) && got >= 7 && memcmp (body, "\x05" "ERROR", 6) == 0)
            cr_log_info ("harness_curve: server sent ERROR %.*s", (int) body [6],
                         (const char *) body + 7);
        free (body);
        return NULL;
    }
    *size = (size_t) got;
    return body;
}

static int
s_parse_endpoint (const char *endpoint, struct sockaddr_in *address)
{
    int port = 0;
    if (sscanf (endpoint, "tcp://127.0.0.1:%d", &port) != 1)
        return -1;
    *address = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                      .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    return 0;
}

static int
s_greet (kpt_curve_t *self, int64_t deadline)
{
    uint8_t greeting [64] = { 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0 };
    memcpy (greeting + 12, "CURVE", 5);             //  mechanism, 20 bytes null-padded
    //  as-server 0 and the filler are the zeros already there.
    if (s_write_all (self->fd, greeting, sizeof greeting, deadline))
        return -1;
    uint8_t theirs [64];
    if (s_read_all (self->fd, theirs, sizeof theirs, deadline))
        return -1;
    if (theirs [0] != 0xff || (theirs [9] & 1) != 1 || theirs [10] < 3
    ||  memcmp (theirs + 12, "CURVE", 6) != 0)
        return -1;
    return 0;
}

static int
s_hello (kpt_curve_t *self, int64_t deadline)
{
    uint8_t nonce [24], plain [32 + 64] = { 0 }, box [32 + 64];
    memcpy (nonce, "CurveZMQHELLO---", 16);
    s_put_uint64 (nonce + 16, self->nonce);
    if (crypto_box (box, plain, sizeof plain, nonce, self->server_key, self->cn_secret))
        return -1;
    uint8_t hello [200] = { 0 };
    memcpy (hello, "\x05" "HELLO", 6);
    hello [6] = 1;                                  //  CurveZMQ 1.0
    memcpy (hello + 80, self->cn_public, 32);       //  after 72 bytes of padding
    memcpy (hello + 112, nonce + 16, 8);
    memcpy (hello + 120, box + 16, 80);             //  Box [64 zeros] (C'->S)
    self->nonce++;
    return s_send_frame (self, 0x04, hello, sizeof hello, deadline);
}

static int
s_welcome (kpt_curve_t *self, int64_t deadline)
{
    size_t size;
    uint8_t *welcome = s_expect_command (self, "WELCOME", &size, deadline);
    if (!welcome)
        return -1;
    int rc = -1;
    if (size == 168) {
        uint8_t nonce [24], box [16 + 144] = { 0 }, plain [sizeof box];
        memcpy (nonce, "WELCOME-", 8);
        memcpy (nonce + 8, welcome + 8, 16);
        memcpy (box + 16, welcome + 24, 144);
        if (crypto_box_open (plain, box, sizeof box, nonce, self->server_key, self->cn_secret) == 0) {
            memcpy (self->cn_server, plain + 32, 32);
            memcpy (self->cookie, plain + 64, 96);
            rc = crypto_box_beforenm (self->precom, self->cn_server, self->cn_secret);
        }
    }
    free (welcome);
    return rc;
}

static int
s_initiate (kpt_curve_t *self, const uint8_t *metadata, size_t metadata_size, int64_t deadline)
{
    //  The vouch: Box [C', S] (C->S'), proving we hold the long-term key.
    uint8_t vouch_nonce [24], vouch_plain [32 + 64] = { 0 }, vouch_box [32 + 64];
    memcpy (vouch_nonce, "VOUCH---", 8);
    randombytes_buf (vouch_nonce + 8, 16);
    memcpy (vouch_plain + 32, self->cn_public, 32);
    memcpy (vouch_plain + 64, self->server_key, 32);
    if (crypto_box (vouch_box, vouch_plain, sizeof vouch_plain, vouch_nonce, self->cn_server,
                    self->secret_key))
        return -1;
    //  Box [C + vouch + metadata] (C'->S').
    size_t plain_size = 32 + 128 + metadata_size;
    uint8_t *plain = calloc (1, plain_size), *box = malloc (plain_size);
    size_t command_size = 113 + 16 + 128 + metadata_size;
    uint8_t *command = malloc (command_size);
    cr_assert (plain && box && command);
    memcpy (plain + 32, self->public_key, 32);
    memcpy (plain + 64, vouch_nonce + 8, 16);
    memcpy (plain + 80, vouch_box + 16, 80);
    if (metadata_size)
        memcpy (plain + 160, metadata, metadata_size);
    uint8_t nonce [24];
    memcpy (nonce, "CurveZMQINITIATE", 16);
    s_put_uint64 (nonce + 16, self->nonce);
    int rc = crypto_box_afternm (box, plain, plain_size, nonce, self->precom);
    if (rc == 0) {
        memcpy (command, "\x08" "INITIATE", 9);
        memcpy (command + 9, self->cookie, 96);
        memcpy (command + 105, nonce + 16, 8);
        memcpy (command + 113, box + 16, plain_size - 16);
        self->nonce++;
        rc = s_send_frame (self, 0x04, command, command_size, deadline);
    }
    free (plain);
    free (box);
    free (command);
    return rc;
}

static int
s_ready (kpt_curve_t *self, int64_t deadline)
{
    size_t size;
    uint8_t *ready = s_expect_command (self, "READY", &size, deadline);
    if (!ready)
        return -1;
    int rc = -1;
    if (size >= 30) {
        size_t box_size = 16 + size - 14;
        uint8_t nonce [24], *box = calloc (1, box_size), *plain = malloc (box_size);
        cr_assert (box && plain);
        memcpy (nonce, "CurveZMQREADY---", 16);
        memcpy (nonce + 16, ready + 6, 8);
        memcpy (box + 16, ready + 14, size - 14);
        rc = crypto_box_open_afternm (plain, box, box_size, nonce, self->precom);
        free (box);
        free (plain);
    }
    free (ready);
    return rc;
}

static int
s_load_keys (kpt_curve_t *self, const char *service, const char *org)
{
    zcert_t *server = zcert_load (kpt_cert_path ("services", service));
    zcert_t *client = zcert_load (kpt_cert_path ("clients", org));
    int rc = server && client ? 0 : -1;
    if (rc == 0) {
        memcpy (self->server_key, zcert_public_key (server), 32);
        memcpy (self->public_key, zcert_public_key (client), 32);
        memcpy (self->secret_key, zcert_secret_key (client), 32);
    }
    zcert_destroy (&server);
    zcert_destroy (&client);
    return rc;
}

kpt_curve_t *
kpt_curve_connect (const char *service, const char *org, const uint8_t *metadata,
                   size_t metadata_size, int rcvbuf)
{
    kpt_curve_t *self = calloc (1, sizeof *self);
    cr_assert_not_null (self);
    self->fd = -1;
    self->nonce = 1;
    cr_assert_eq (s_load_keys (self, service, org), 0, "no certificates for %s / %s", service, org);
    crypto_box_keypair (self->cn_public, self->cn_secret);

    struct sockaddr_in address;
    cr_assert_eq (s_parse_endpoint (kpt_endpoint (service), &address), 0);
    self->fd = socket (AF_INET, SOCK_STREAM, 0);
    cr_assert_geq (self->fd, 0);
    if (rcvbuf > 0)
        setsockopt (self->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int one = 1;
    setsockopt (self->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect (self->fd, (struct sockaddr *) &address, sizeof address)) {
        kpt_curve_destroy (&self);
        return NULL;
    }
    fcntl (self->fd, F_SETFL, fcntl (self->fd, F_GETFL) | O_NONBLOCK);
    int64_t deadline = s_deadline (5000);
    if (s_greet (self, deadline)
    ||  s_hello (self, deadline)
    ||  s_welcome (self, deadline)
    ||  s_initiate (self, metadata, metadata_size, deadline)
    ||  s_ready (self, deadline))
        kpt_curve_destroy (&self);
    return self;
}

kpt_curve_t *
kpt_curve_connect_as (const char *service, const char *org, const char *const *extra)
{
    uint8_t metadata [4096];
    size_t size = kpt_curve_string (metadata, sizeof metadata, 0, "Socket-Type", "DEALER");
    for (const char *const *name = extra; name && *name; name += 2)
        size = kpt_curve_string (metadata, sizeof metadata, size, name [0], name [1]);
    return kpt_curve_connect (service, org, metadata, size, 0);
}

void
kpt_curve_destroy (kpt_curve_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    kpt_curve_t *self = *self_p;
    if (self->fd >= 0)
        close (self->fd);
    sodium_memzero (self, sizeof *self);
    free (self);
    *self_p = NULL;
}

int
kpt_curve_send (kpt_curve_t *self, const void *data, size_t size, int timeout_ms)
{
    //  MESSAGE: the short nonce, then Box [flags + frame] (C'->S').
    size_t plain_size = 32 + 1 + size;
    uint8_t *plain = calloc (1, plain_size), *box = malloc (plain_size);
    uint8_t *message = malloc (16 + plain_size - 16);
    cr_assert (plain && box && message);
    if (size)
        memcpy (plain + 33, data, size);        //  flags 0: the last (only) frame
    uint8_t nonce [24];
    memcpy (nonce, "CurveZMQMESSAGEC", 16);
    s_put_uint64 (nonce + 16, self->nonce++);
    int rc = crypto_box_afternm (box, plain, plain_size, nonce, self->precom);
    if (rc == 0) {
        memcpy (message, "\x07" "MESSAGE", 8);
        memcpy (message + 8, nonce + 16, 8);
        memcpy (message + 16, box + 16, plain_size - 16);
        rc = s_send_frame (self, 0, message, plain_size, s_deadline (timeout_ms));
    }
    free (plain);
    free (box);
    free (message);
    return rc;
}

int
kpt_curve_send_request (kpt_curve_t *self, const Kumppani__V1__Request *request, int timeout_ms)
{
    size_t size;
    uint8_t *packed = kp_codec_pack (&request->base, &size);
    cr_assert_not_null (packed);
    int rc = kpt_curve_send (self, packed, size, timeout_ms);
    free (packed);
    return rc;
}

long
kpt_curve_recv (kpt_curve_t *self, uint8_t **data, int timeout_ms)
{
    int64_t deadline = s_deadline (timeout_ms);
    uint8_t *joined = NULL;
    size_t joined_size = 0;
    while (true) {
        uint8_t flags, *frame = NULL;
        long size = s_recv_frame (self, &flags, &frame, deadline);
        if (size < 0)
            break;
        if (flags & 0x04) {             //  a command (PING): not a message
            free (frame);
            continue;
        }
        if (size < 8 + 8 + 16 + 1 || memcmp (frame, "\x07" "MESSAGE", 8) != 0) {
            free (frame);
            break;
        }
        size_t box_size = 16 + (size_t) size - 16;
        uint8_t nonce [24], *box = calloc (1, box_size), *plain = malloc (box_size);
        cr_assert (box && plain);
        memcpy (nonce, "CurveZMQMESSAGES", 16);
        memcpy (nonce + 16, frame + 8, 8);
        memcpy (box + 16, frame + 16, (size_t) size - 16);
        free (frame);
        int rc = crypto_box_open_afternm (plain, box, box_size, nonce, self->precom);
        free (box);
        if (rc) {
            free (plain);
            break;
        }
        size_t payload = box_size - 33;
        joined = realloc (joined, joined_size + payload + 1);
        cr_assert_not_null (joined);
        memcpy (joined + joined_size, plain + 33, payload);
        joined_size += payload;
        bool more = plain [32] & 1;
        free (plain);
        if (!more) {
            *data = joined;
            return (long) joined_size;
        }
    }
    free (joined);
    return -1;
}

Kumppani__V1__Reply *
kpt_curve_call (kpt_curve_t *self, const Kumppani__V1__Request *request, int timeout_ms)
{
    if (kpt_curve_send_request (self, request, timeout_ms))
        return NULL;
    int64_t deadline = s_deadline (timeout_ms);
    while (zclock_mono () < deadline) {
        uint8_t *data = NULL;
        long size = kpt_curve_recv (self, &data, (int) (deadline - zclock_mono ()));
        if (size < 0)
            return NULL;
        Kumppani__V1__Reply *reply = kumppani__v1__reply__unpack (NULL, (size_t) size, data);
        free (data);
        if (reply && strcmp (reply->correlation_id, request->correlation_id) == 0)
            return reply;
        if (reply)
            kumppani__v1__reply__free_unpacked (reply, NULL);
    }
    return NULL;
}
