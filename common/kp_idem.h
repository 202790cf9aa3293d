/*  kp_idem — idempotency keys. The first reply to (service, organisation,
    key) is stored in the same transaction as the request's effect; a retry
    gets that reply back, and a different request under a used key is a
    conflict. The service is the database role, so keys never cross
    services. A service that holds the henkilötunnus keys stores its
    replies sealed and its request hashes keyed, so the store shows no
    identity; keys are kept for a retention period and then swept. */
#ifndef KP_IDEM_H
#define KP_IDEM_H

#include "kp_db.h"
#include "kp_hetu.h"

#include <czmq.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KP_IDEM_HASH_BYTES 32

extern const kp_stmt_t kp_idem_statements [];

//  Every function taking keys seals / opens replies and keys the request
//  hash with them when they are set (NULL: stored as they are).

//  Hash of what makes two requests "the same": operation and body.
void kp_idem_request_hash (const kp_hetu_keys_t *keys, const char *operation,
                           const ProtobufCMessage *body, uint8_t *hash);
//  1 if found (*reply malloc'd, or NULL if the stored reply cannot be
//  opened; *same_request says whether the hash matched), 0 if the key is
//  new, -1 on a database error.
int kp_idem_lookup (kp_db_t *db, const kp_hetu_keys_t *keys, const char *org_id, const char *key,
                    const uint8_t *hash, uint8_t **reply, size_t *reply_size, bool *same_request);
//  0, or -1 (kp_db_class is KP_DB_DUPLICATE when a concurrent twin won).
int kp_idem_store (kp_db_t *db, const kp_hetu_keys_t *keys, const char *org_id, const char *key,
                   const char *operation, const uint8_t *hash, const uint8_t *reply, size_t reply_size);

//  The same for a whole group commit, one round trip each (pipelined).
typedef struct {
    const char *org_id;
    const char *key;
    const uint8_t *hash;            //  KP_IDEM_HASH_BYTES
    //  kp_idem_lookup_batch fills these:
    bool found;
    bool same_request;
    uint8_t *reply;                 //  malloc'd when found
    size_t reply_size;
} kp_idem_entry_t;
//  0 (each entry's found / reply set), or -1 on a database error.
int kp_idem_lookup_batch (kp_db_t *db, const kp_hetu_keys_t *keys, kp_idem_entry_t *entries,
                          size_t count);
//  Stores replies [i] (sizes [i] bytes) for entries [i] under operations [i];
//  0, or -1 (KP_DB_DUPLICATE when a key was taken meanwhile).
int kp_idem_store_batch (kp_db_t *db, const kp_hetu_keys_t *keys, const kp_idem_entry_t *entries,
                         const char *const *operations, const uint8_t *const *replies,
                         const size_t *sizes, size_t count);
//  A group commit's two ends without round trips of their own: BEGIN and
//  the lookups in one (kp_db_begin_with; on -1 the caller rolls back),
//  and the stores with the COMMIT's first (kp_db_commit_with; -1 rolled
//  back).
int kp_idem_begin_lookup_batch (kp_db_t *db, const kp_hetu_keys_t *keys, kp_idem_entry_t *entries,
                                size_t count);
int kp_idem_store_commit (kp_db_t *db, const kp_hetu_keys_t *keys, const kp_idem_entry_t *entries,
                          const char *const *operations, const uint8_t *const *replies,
                          const size_t *sizes, size_t count);

//  Deletes at most limit of this service's keys older than retention_days,
//  oldest first, outside any transaction. Rows deleted, or -1.
int kp_idem_sweep (kp_db_t *db, int retention_days, int limit);

//  The periodic sweep on a server's loop: a batch at start, then one a
//  minute, or one a second while batches come back full (catching up).
typedef struct _kp_idem_sweeper_t kp_idem_sweeper_t;
kp_idem_sweeper_t *kp_idem_sweeper_new (zloop_t *loop, kp_db_t *db, int retention_days);
void kp_idem_sweeper_destroy (kp_idem_sweeper_t **self_p);

#endif
