/*  kp_codec — the one place generated protobuf-c code meets the wire.
    Frames are untrusted: bounded before unpacking, invalid UTF-8 refused
    with the offending field's path, required fields checked. Unknown
    fields are skipped, as protobuf intends, and can be listed. Outgoing messages are packed with a size assertion. */
#ifndef KP_CODEC_H
#define KP_CODEC_H

#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_CORRELATION_ID_MAX 64

typedef struct {
    const char *code;               //  static machine code, e.g. "request.malformed"
    char field [128];               //  offending field path, "" if none
    //  The request's correlation id when the frame was read far enough to
    //  find a usable one (valid UTF-8, at most 64 bytes), else "".
    char correlation_id [KP_CORRELATION_ID_MAX + 1];
} kp_codec_error_t;

//  Decodes a Request. Returns 0 with *request set (free with
//  kp_codec_request_free), or -2 with error filled for malformed input.
int kp_codec_request_decode (const uint8_t *data, size_t size, size_t max_size,
                             Kumppani__V1__Request **request, kp_codec_error_t *error);
void kp_codec_request_free (Kumppani__V1__Request **request_p);
//  The correlation id of a frame that is not decoded as a request (one
//  part of a multi-frame message): 0 with it in out, or -1 if none is
//  found before the frame stops making sense.
int kp_codec_correlation_id (const uint8_t *data, size_t size, char *out, size_t out_size);

//  Generic checks on any unpacked message: valid UTF-8 in every string,
//  nesting bounded, recursively. 0, or -2 with error->field set to the path
//  (prefix is prepended, e.g. "body").
int kp_codec_check (const ProtobufCMessage *message, const char *prefix, kp_codec_error_t *error);

//  Calls visit for every string value of an unpacked message, recursively
//  through sub-messages and repeated fields (only the chosen member of a
//  oneof), with its field and path ("actor.person_id",
//  "define_project.municipalities[1]"; prefix is prepended). Stops at and
//  returns the first non-zero visit result; 0 when every visit returned 0.
typedef int (kp_codec_string_fn) (const ProtobufCFieldDescriptor *field, const char *path,
                                  const char *text, void *arg);
int kp_codec_walk_strings (const ProtobufCMessage *message, const char *prefix,
                           kp_codec_string_fn *visit, void *arg);

//  Calls visit with the path of every unknown field of an unpacked
//  message, recursively ("#17", "actor.#5", "items[2].#9"; prefix is
//  prepended).
typedef void (kp_codec_path_fn) (const char *path, void *arg);
void kp_codec_walk_unknown (const ProtobufCMessage *message, const char *prefix,
                            kp_codec_path_fn *visit, void *arg);

//  Packs any message into a malloc'd buffer; *size gets its length.
uint8_t *kp_codec_pack (const ProtobufCMessage *message, size_t *size);

//  Bounds for frames that come from our own services rather than clients:
//  an event is built from one request (at most KUMPPANI_MAX_MSG_SIZE, 1 MiB
//  by default) plus a few ids; a reply may carry a replay page of events.
#define KP_CODEC_EVENT_MAX  (4u * 1024 * 1024)
#define KP_CODEC_REPLY_MAX  (256u * 1024 * 1024)

//  Decodes an event (from the stream, the outbox or a replay page). 0 with
//  *event set (free with kp_codec_event_free), -2 when it is over
//  KP_CODEC_EVENT_MAX ("event.too_large") or malformed ("event.malformed");
//  error may be NULL. Unknown fields are kept: a newer producer may add some.
int kp_codec_event_decode (const uint8_t *data, size_t size, Kumppani__V1__Event **event_p,
                           kp_codec_error_t *error);
void kp_codec_event_free (Kumppani__V1__Event **event_p);

//  Decodes a reply, likewise ("reply.too_large", "reply.malformed").
int kp_codec_reply_decode (const uint8_t *data, size_t size, Kumppani__V1__Reply **reply_p,
                           kp_codec_error_t *error);
void kp_codec_reply_free (Kumppani__V1__Reply **reply_p);

//  A stored event's bytes with its seq: the encoded seq field (1, varint)
//  followed by the stored bytes, without decoding them. A field may come
//  before others on the wire, and the stored bytes carry no seq (the outbox
//  writes 0, which proto3 leaves out); should they carry one anyway it is
//  the first field (protobuf-c packs in field order) and is dropped, as a
//  later one would win. A malloc'd buffer, *out_size its length; NULL when
//  the stored bytes are over KP_CODEC_EVENT_MAX or memory runs out.
uint8_t *kp_codec_event_with_seq (uint64_t seq, const uint8_t *stored, size_t size, size_t *out_size);

//  The body sub-message of a request (NULL when no body is set).
const ProtobufCMessage *kp_codec_request_body (const Kumppani__V1__Request *request);
//  The oneof field name of a request's body ("submit_observation"), or "".
const char *kp_codec_request_body_name (const Kumppani__V1__Request *request);

//  True if text is valid UTF-8 (no overlongs, no surrogates).
bool kp_codec_utf8_valid (const char *text, size_t len);

#endif
