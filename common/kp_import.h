/*  kp_import — the record format of `kumppani import` (JSON lines), in
    one place for the CLI and the tests that enter the same records live:
    which operations a record may be, the service that owns each and
    where its reply names the id the record becomes; times; the dotted
    paths by which a record's refs reach into its body and an id is read
    out of a reply. */
#ifndef KP_IMPORT_H
#define KP_IMPORT_H

#include <cjson/cJSON.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

typedef struct {
    const char *op;                 //  the Request body's field name: "open_case"
    const char *service;            //  "intake"
    const char *id_path;            //  in the Reply: "intake_case.case_id"
} kp_import_op_t;

//  A consumer inside kumppani that writes on another service's events
//  (a Kela notice opens or joins a case in intake; an assessment's start
//  stops the referral's clock), and the topics it acts on, as its service
//  subscribes them. The import lets it act on a record's events before it
//  sends the next record, as the live system would have had time to.
typedef struct {
    const char *consumer;           //  kp.consumer_cursors.consumer
    const char *topics;             //  space-separated topic names
} kp_import_consumer_t;
extern const kp_import_consumer_t kp_import_consumers [];

//  The operation a record may be, or NULL.
const kp_import_op_t *kp_import_op (const char *name);
//  "YYYY-MM-DD" (noon in Helsinki) or "YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)"
//  as microseconds since the epoch; -1 if it is neither.
int64_t kp_import_parse_time (const char *text);
//  Sets the text at a dotted path of a JSON object ("plan.linked_ref",
//  "scores.0.item_code"), making objects on the way; 0, or -1 when the
//  path runs into something else.
int kp_import_set_path (cJSON *body, const char *path, const char *value);
//  The text at a dotted path of a message ("referral.referral_id",
//  "session_list.sessions.0.session_id"; oneof members only when set);
//  NULL when there is none or it is empty. Borrowed from message.
const char *kp_import_message_path (const ProtobufCMessage *message, const char *path);

#endif
