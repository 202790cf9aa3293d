/*  referral_exchange_sql — the statements of Kela's statement requests and
    of the message thread (migration 0024). Kept apart from referral_sql.c
    so the exchange's SQL reads whole in one place. */
#include "referral_exchange.h"
#include "kp_db.h"

static const kp_col_t s_request_row [] = { REFERRAL_STATEMENT_REQUEST_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_due_row [] = { REFERRAL_STATEMENT_DUE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_message_row [] = { REFERRAL_MESSAGE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_id_row [] = { { "id", "text" }, { NULL } };
static const kp_col_t s_seq_row [] = { { "message_seq", "int8" }, { NULL } };

//  The referral states a statement can no longer be given in: an open
//  request there has lapsed, its clock stopped (referral_fsm's
//  REFERRAL_OP_GIVE_STATEMENT row says the same from the other side).
#define STATEMENT_LAPSED_STATES "('declined', 'transferred', 'closed', 'cancelled', 'forwarded')"

//  A request's standing on $today (StatementRequestState's labels).
#define STATEMENT_STATE(today) \
    " CASE WHEN s.answered_at IS NULL THEN" \
    "   CASE WHEN r.state IN " STATEMENT_LAPSED_STATES " THEN 'lapsed'" \
    "        WHEN s.due_on < " today " THEN 'overdue' ELSE 'open' END" \
    "  WHEN (s.answered_at AT TIME ZONE 'Europe/Helsinki')::date <= s.due_on THEN 'answered'" \
    "  ELSE 'answered_late' END"

const kp_stmt_t referral_exchange_statements [] = {
    //  One open request per referral (the partial unique index): no row
    //  back means one is open already.
    { "referral_statement_request_insert",
      "INSERT INTO referral.statement_requests (request_id, referral_id, requested_by_org,"
      " requested_by_person, requested_by_role, due_on, note, requested_at, past_at_import)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::date, $7::text, kp.clock (), $8::bool)"
      " ON CONFLICT DO NOTHING RETURNING request_id AS id", s_id_row },
    //  A referral's requests, oldest first; $2 today.
    { "referral_statement_requests",
      "SELECT s.request_id, s.requested_by_org, s.due_on::text AS due_on,"
      " (extract (epoch FROM s.requested_at) * 1000000)::int8 AS requested_at,"
      " coalesce ((extract (epoch FROM s.answered_at) * 1000000)::int8, 0) AS answered_at,"
      STATEMENT_STATE ("$2::date") " AS state, s.note, s.breach_sent_at IS NOT NULL AS breach_notified,"
      " coalesce (s.statement, '') AS statement"
      " FROM referral.statement_requests s JOIN referral.referrals r USING (referral_id)"
      " WHERE s.referral_id = $1::text ORDER BY s.requested_at, s.request_id", s_request_row },
    //  The breach watch: an unanswered request past its due date ($1
    //  today) not yet notified, on a referral where it can still be met.
    { "referral_statement_due",
      "SELECT s.request_id, s.referral_id, s.due_on::text AS due_on"
      " FROM referral.statement_requests s JOIN referral.referrals r USING (referral_id)"
      " WHERE s.answered_at IS NULL AND s.breach_sent_at IS NULL AND NOT s.past_at_import AND s.due_on < $1::date"
      " AND r.state NOT IN " STATEMENT_LAPSED_STATES
      " ORDER BY s.due_on, s.request_id LIMIT 1 FOR UPDATE OF s SKIP LOCKED", s_due_row },
    { "referral_statement_breached",
      "UPDATE referral.statement_requests SET breach_sent_at = kp.clock ()"
      " WHERE request_id = $1::text AND breach_sent_at IS NULL AND answered_at IS NULL"
      " RETURNING request_id AS id", s_id_row },

    { "referral_message_insert",
      "INSERT INTO referral.referral_messages (message_id, referral_id, author_org, author_type,"
      " author_person, author_role, body, posted_at)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, kp.clock ())"
      " RETURNING message_seq", s_seq_row },
    //  Where a cursor (a message id of this thread) stands.
    { "referral_message_seq",
      "SELECT message_seq FROM referral.referral_messages WHERE referral_id = $1::text AND message_id = $2::text",
      s_seq_row },
    //  The thread in order after $2 (a message_seq, 0 from the start), $3 rows.
    { "referral_message_list",
      "SELECT message_id, author_org, author_role, author_person, body, octet_length (body) AS length,"
      " (extract (epoch FROM posted_at) * 1000000)::int8 AS posted_at"
      " FROM referral.referral_messages WHERE referral_id = $1::text AND message_seq > $2::int8"
      " ORDER BY message_seq LIMIT $3::int4", s_message_row },
    { NULL }
};
