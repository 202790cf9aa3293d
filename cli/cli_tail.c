/*  kumppani tail — follows the event stream as JSON lines, for integrators'
    scripts and operators' eyes. kp_subscriber does the work (replay, then
    live, deduplicated by seq, recovering from gaps and reconnects); this
    file parses flags and prints. */
#include "cli.h"
#include "kp_client.h"
#include "kp_codec.h"
#include "kp_json.h"
#include "kp_subscriber.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAIL_MAX_TOPICS 16              //  what the stream accepts per replay

static int
s_usage (void)
{
    printf (
        "usage: kumppani tail [--from SEQ] [--topic PREFIX]... [--count N] [--timeout MS]\n"
        "Prints the events this certificate may see, one JSON object per line:\n"
        "  {\"seq\":N,\"topic\":\"...\",\"occurred_at\":\"2024-05-01T09:30:00.123456Z\",\n"
        "   \"aggregate_id\":\"...\",\"<payload>\":{...}}\n"
        "where <payload> is the event's payload field, e.g. \"observation_recorded\".\n"
        "  --from SEQ       start after seq SEQ (0: all history); default: the current\n"
        "                   head, i.e. only events from now on\n"
        "  --topic PREFIX   only topics starting with PREFIX (repeatable, at most %d)\n"
        "  --count N        exit 0 after N events\n"
        "  --timeout MS     exit 0 after MS ms without an event; default: follow\n"
        "                   until interrupted (Ctrl-C)\n"
        "Uses KUMPPANI_STREAM_ENDPOINT, KUMPPANI_STREAM_PUB_ENDPOINT,\n"
        "KUMPPANI_SERVICE_CERTS_DIR (stream.cert) and KUMPPANI_CLIENT_CERT.\n"
        "Exit status 1 if the stream cannot be reached or refuses, 2 on bad usage.\n",
        TAIL_MAX_TOPICS);
    return 0;
}

//  Whole decimal numbers only: "10x" or "-1" is a usage error, not 10 or 0.
static int
s_parse_number (const char *text, uint64_t max, uint64_t *value)
{
    if (!text || *text < '0' || *text > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long parsed = strtoull (text, &end, 10);
    if (errno || *end || parsed > max)
        return -1;
    *value = parsed;
    return 0;
}

//  The stream's head seq, which also proves that the stream answers and
//  admits our certificate before we start waiting on it. -1 with a message.
static int
s_stream_head (const kp_config_t *config, const char *stream_cert, uint64_t *head)
{
    kp_client_t *client = kp_client_new (config->endpoints [KP_SERVICE_STREAM], stream_cert,
                                         config->client_cert);
    if (!client) {
        fprintf (stderr, "kumppani tail: cannot load %s or %s\n", stream_cert, config->client_cert);
        return -1;
    }
    //  The stream's health names the head its relay has published (a
    //  replay after a seq beyond the head is refused, replay.after_head).
    Kumppani__V1__HealthRequest body = KUMPPANI__V1__HEALTH_REQUEST__INIT;
    Kumppani__V1__Request request = KUMPPANI__V1__REQUEST__INIT;
    request.body_case = KUMPPANI__V1__REQUEST__BODY_HEALTH;
    request.health = &body;
    Kumppani__V1__Reply *reply = kp_client_call (client, &request, config->request_timeout_ms, 1);
    int rc = -1;
    if (!reply)
        fprintf (stderr, "kumppani tail: no answer from the stream at %s\n",
                 config->endpoints [KP_SERVICE_STREAM]);
    else
    if (reply->status != KUMPPANI__V1__STATUS__STATUS_OK || !reply->health)
        fprintf (stderr, "kumppani tail: the stream refused: %s\n",
                 reply->error && *reply->error->code ? reply->error->code : "no reason given");
    else {
        *head = (uint64_t) reply->health->head_seq;
        rc = 0;
    }
    kp_codec_reply_free (&reply);
    kp_client_destroy (&client);
    return rc;
}

//  One event as one line. The envelope fields are always there, so scripts
//  can rely on them; the payload goes under its oneof field's name.
static int
s_print (FILE *out, const Kumppani__V1__Event *event)
{
    fprintf (out, "{\"seq\":%" PRIu64 ",\"topic\":", event->seq);
    kp_json_write_string (out, event->topic);
    fputs (",\"occurred_at\":", out);
    kp_json_write_time_us (out, event->occurred_at);
    fputs (",\"aggregate_id\":", out);
    kp_json_write_string (out, event->aggregate_id);
    const ProtobufCFieldDescriptor *field = event->payload_case
        ? protobuf_c_message_descriptor_get_field (&kumppani__v1__event__descriptor, event->payload_case)
        : NULL;
    if (field && field->type == PROTOBUF_C_TYPE_MESSAGE) {
        const ProtobufCMessage *payload =
            *(ProtobufCMessage *const *) ((const char *) event + field->offset);
        fputc (',', out);
        kp_json_write_string (out, field->name);
        fputc (':', out);
        kp_json_write_message (out, payload);
    }
    fputs ("}\n", out);
    //  Flushed per line: a pipe reader (jq, a test) sees each event at once.
    return fflush (out) == 0 && !ferror (out) ? 0 : -1;
}

int
cli_tail (int argc, char **argv, const kp_config_t *config)
{
    const char *topics [TAIL_MAX_TOPICS + 1] = { NULL };
    size_t topic_count = 0;
    uint64_t from = 0, count = 0, timeout_ms = 0;
    bool from_set = false;
    for (int index = 1; index < argc; index++) {
        const char *flag = argv [index];
        const char *value = index + 1 < argc ? argv [index + 1] : NULL;
        if (strcmp (flag, "--help") == 0)
            return s_usage ();
        if (!value) {
            fprintf (stderr, "kumppani tail: %s needs a value (kumppani tail --help)\n", flag);
            return 2;
        }
        index++;
        if (strcmp (flag, "--from") == 0 && s_parse_number (value, INT64_MAX, &from) == 0)
            from_set = true;
        else
        if (strcmp (flag, "--count") == 0 && s_parse_number (value, UINT64_MAX, &count) == 0 && count > 0)
            ;
        else
        if (strcmp (flag, "--timeout") == 0 && s_parse_number (value, INT32_MAX, &timeout_ms) == 0
        &&  timeout_ms > 0)
            ;
        else
        if (strcmp (flag, "--topic") == 0 && *value && topic_count < TAIL_MAX_TOPICS)
            topics [topic_count++] = value;
        else {
            fprintf (stderr, "kumppani tail: bad option %s %s (kumppani tail --help)\n", flag, value);
            return 2;
        }
    }
    if (!config->client_cert) {
        fprintf (stderr, "kumppani tail: set KUMPPANI_CLIENT_CERT to your organisation's certificate\n");
        return 2;
    }
    char *stream_cert = kp_config_service_cert_path (config, KP_SERVICE_STREAM);
    uint64_t head = 0;
    int rc = 1;
    kp_subscriber_t *subscriber = NULL;
    if (s_stream_head (config, stream_cert, &head))
        goto cleanup;
    subscriber = kp_subscriber_new (config->endpoints [KP_SERVICE_STREAM], config->stream_pub_endpoint,
                                    stream_cert, config->client_cert, topics, from_set ? from : head);
    if (!subscriber) {
        fprintf (stderr, "kumppani tail: cannot subscribe to %s\n", config->stream_pub_endpoint);
        goto cleanup;
    }
    //  Without --timeout, wake now and then only to wait again: silence is
    //  normal for a follower, and Ctrl-C ends the process directly.
    int wait_ms = timeout_ms ? (int) timeout_ms : 60000;
    uint64_t printed = 0;
    rc = 0;
    while (count == 0 || printed < count) {
        Kumppani__V1__Event *event = kp_subscriber_next (subscriber, wait_ms);
        if (!event) {
            if (timeout_ms)
                break;
            continue;
        }
        int written = s_print (stdout, event);
        kp_codec_event_free (&event);
        if (written) {
            fprintf (stderr, "kumppani tail: cannot write to standard output\n");
            rc = 1;
            break;
        }
        printed++;
    }
cleanup:
    kp_subscriber_destroy (&subscriber);
    free (stream_cert);
    return rc;
}
