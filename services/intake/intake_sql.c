/*  intake_sql — every statement the intake service prepares. Parameters
    only; enum values are cast in SQL so PostgreSQL refuses unknown codes. */
#include "intake_sql.h"
#include "kp_db.h"

//  INTAKE_CLIENT_ROW.
#define CLIENT_COLUMNS \
    "municipality, coalesce(birth_date::text, '') AS birth_date, coalesce(birth_year, 0) AS birth_year," \
    " coalesce(gender::text, '') AS gender, coalesce(language, '') AS language," \
    " coalesce(labour_market_status::text, '') AS labour_market_status," \
    " coalesce(education_level::text, '') AS education_level, coalesce(living_alone::text, '') AS living_alone," \
    " coalesce(foreign_background::text, '') AS foreign_background," \
    " coalesce(disability::text, '') AS disability, coalesce(homelessness::text, '') AS homelessness," \
    " coalesce(other_disadvantage::text, '') AS other_disadvantage, hetu_hash IS NOT NULL AS has_hetu"

//  INTAKE_CASE_LOCK_ROW, then INTAKE_CASE_MORE.
#define CASE_LOCK_COLUMNS "client_id, municipality, state::text AS state"
#define CASE_COLUMNS CASE_LOCK_COLUMNS ", channel::text AS channel, responsible_worker," \
    " opened_at::text AS opened_at, coalesce(closed_at::text, '') AS closed_at," \
    " coalesce(closure_reason::text, '') AS closure_reason," \
    " coalesce(next_review_date::text, '') AS next_review_date," \
    " (extract (epoch FROM opened_at) * 1000000)::int8 AS opened_at_us," \
    " coalesce ((extract (epoch FROM closed_at) * 1000000)::int8, 0) AS closed_at_us"

//  INTAKE_CONSENT_ROW (the lock without the id, which the caller has).
#define CONSENT_COLUMNS \
    "client_id, counterparty_org, scope, given_at::text AS given_at," \
    " coalesce(withdrawn_at::text, '') AS withdrawn_at," \
    " coalesce ((extract (epoch FROM withdrawn_at) * 1000000)::int8, 0) AS withdrawn_at_us"

static const kp_col_t s_client_row [] = { INTAKE_CLIENT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_client_match_row [] = { INTAKE_CLIENT_MATCH_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_disclosure_log_row [] = { INTAKE_DISCLOSURE_LOG_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_case_lock_row [] = { INTAKE_CASE_LOCK_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_case_row [] = { INTAKE_CASE_LOCK_ROW (KP_ROW_COLUMN) INTAKE_CASE_MORE (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_case_view_row [] = {
    INTAKE_CASE_LOCK_ROW (KP_ROW_COLUMN) INTAKE_CASE_MORE (KP_ROW_COLUMN) INTAKE_CASE_VIEW_MORE (KP_ROW_COLUMN) { NULL }
};
static const kp_col_t s_details_row [] = { INTAKE_DETAILS_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_consent_row [] = { INTAKE_CONSENT_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_ban_row [] = { INTAKE_BAN_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_domain_row [] = { INTAKE_DOMAIN_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_plan_row [] = { INTAKE_PLAN_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_ecomap_row [] = { INTAKE_ECOMAP_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_measure_row [] = { INTAKE_MEASURE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_change_row [] = { INTAKE_CHANGE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_source_row [] = { INTAKE_SOURCE_ROW (KP_ROW_COLUMN) { NULL } };
static const kp_col_t s_review_row [] = { INTAKE_REVIEW_ROW (KP_ROW_COLUMN) { NULL } };
//  One-column rows.
static const kp_col_t s_client_id_row [] = { { "client_id", "text" }, { NULL } };
static const kp_col_t s_case_id_row [] = { { "case_id", "text" }, { NULL } };
static const kp_col_t s_referral_id_row [] = { { "referral_id", "text" }, { NULL } };
static const kp_col_t s_municipality_row [] = { { "municipality", "text" }, { NULL } };
static const kp_col_t s_hetu_box_row [] = { { "hetu_box", "bytea" }, { NULL } };
static const kp_col_t s_given_at_row [] = { { "given_at", "text" }, { NULL } };
static const kp_col_t s_withdrawn_at_row [] = { { "withdrawn_at", "text" }, { "withdrawn_at_us", "int8" }, { NULL } };
static const kp_col_t s_version_row [] = { { "version", "int4" }, { NULL } };
static const kp_col_t s_written_row [] = { { "written", "int4" }, { NULL } };
static const kp_col_t s_one_row [] = { { "one", "int4" }, { NULL } };

const kp_stmt_t intake_statements [] = {
    //  Clients
    { "client_by_hash",
      "SELECT client_id, municipality FROM intake.clients WHERE hetu_hash = $1::bytea"
      " ORDER BY created_at, client_id", s_client_match_row },
    { "client_insert",
      "INSERT INTO intake.clients (client_id, hetu_hash, hetu_box, municipality, birth_date, birth_year,"
      " gender, language, labour_market_status, education_level, living_alone, foreign_background,"
      " disability, homelessness, other_disadvantage, created_by_org)"
      " VALUES ($1::text, $2::bytea, $3::bytea, $4::text, $5::date, $6::int4, $7::intake.gender, $8::text,"
      " $9::intake.labour_market_status, $10::intake.education_level, $11::intake.answer,"
      " $12::intake.answer, $13::intake.answer, $14::intake.answer, $15::intake.answer, $16::text)"
      " ON CONFLICT (municipality, hetu_hash) DO NOTHING RETURNING client_id", s_client_id_row },
    { "client_update",
      "UPDATE intake.clients SET municipality = $2::text, birth_date = $3::date, birth_year = $4::int4,"
      " gender = $5::intake.gender, language = $6::text, labour_market_status = $7::intake.labour_market_status,"
      " education_level = $8::intake.education_level, living_alone = $9::intake.answer,"
      " foreign_background = $10::intake.answer, disability = $11::intake.answer,"
      " homelessness = $12::intake.answer, other_disadvantage = $13::intake.answer, updated_at = kp.clock ()"
      " WHERE client_id = $1::text" },
    //  RegisterClient finding the person (intake_client_apply.c): only the
    //  attributes given change, the rest stay (NULL = not given).
    { "client_apply",
      "UPDATE intake.clients SET municipality = coalesce ($2::text, municipality),"
      " birth_date = coalesce ($3::date, birth_date), birth_year = coalesce ($4::int4, birth_year),"
      " gender = coalesce ($5::intake.gender, gender), language = coalesce ($6::text, language),"
      " labour_market_status = coalesce ($7::intake.labour_market_status, labour_market_status),"
      " education_level = coalesce ($8::intake.education_level, education_level),"
      " living_alone = coalesce ($9::intake.answer, living_alone),"
      " foreign_background = coalesce ($10::intake.answer, foreign_background),"
      " disability = coalesce ($11::intake.answer, disability),"
      " homelessness = coalesce ($12::intake.answer, homelessness),"
      " other_disadvantage = coalesce ($13::intake.answer, other_disadvantage), updated_at = kp.clock ()"
      " WHERE client_id = $1::text" },
    { "client_get", "SELECT " CLIENT_COLUMNS " FROM intake.clients WHERE client_id = $1::text", s_client_row },
    { "client_municipality", "SELECT municipality FROM intake.clients WHERE client_id = $1::text",
      s_municipality_row },

    //  Consent
    { "consent_insert",
      "INSERT INTO intake.consents (consent_id, client_id, counterparty_org, scope, given_at, recorded_by_org)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, coalesce($5::date, (kp.clock () AT TIME ZONE 'Europe/Helsinki')::date), $6::text)"
      " RETURNING given_at::text AS given_at", s_given_at_row },
    { "consent_lock",
      "SELECT consent_id, " CONSENT_COLUMNS " FROM intake.consents WHERE consent_id = $1::text FOR UPDATE",
      s_consent_row },
    { "consent_withdraw",
      "UPDATE intake.consents SET withdrawn_at = kp.clock () WHERE consent_id = $1::text AND withdrawn_at IS NULL"
      " RETURNING withdrawn_at::text AS withdrawn_at,"
      " (extract (epoch FROM withdrawn_at) * 1000000)::int8 AS withdrawn_at_us", s_withdrawn_at_row },
    //  Referrals behind this client's cases that the consent's counterparty
    //  sent: what a withdrawn consent stops them from disclosing further.
    //  (Intake may read the referral service's view; see migration 0005.)
    { "consent_referrals",
      "SELECT cr.referral_id FROM intake.case_referrals cr"
      " JOIN intake.cases c ON c.case_id = cr.case_id"
      " JOIN referral.intake_referral_clients v ON v.referral_id = cr.referral_id"
      " WHERE c.client_id = $1::text AND v.sender_org = $2::text ORDER BY cr.referral_id",
      s_referral_id_row },
    //  The same for a ban: the banned organisation's referrals ('' everyone's).
    { "ban_referrals",
      "SELECT cr.referral_id FROM intake.case_referrals cr"
      " JOIN intake.cases c ON c.case_id = cr.case_id"
      " JOIN referral.intake_referral_clients v ON v.referral_id = cr.referral_id"
      " WHERE c.client_id = $1::text AND ($2::text = '' OR v.sender_org = $2::text) ORDER BY cr.referral_id",
      s_referral_id_row },
    { "consent_list",
      "SELECT consent_id, " CONSENT_COLUMNS " FROM intake.consents WHERE client_id = $1::text"
      " ORDER BY recorded_at, consent_id", s_consent_row },
    { "ban_insert",
      "INSERT INTO intake.disclosure_bans (ban_id, client_id, counterparty_org, scope, recorded_by_org)"
      " VALUES ($1::text, $2::text, NULLIF($3::text, ''), NULLIF($4::text, ''), $5::text)" },
    { "ban_list",
      "SELECT ban_id, coalesce(counterparty_org, '') AS counterparty_org, coalesce(scope, '') AS scope,"
      " recorded_at::text AS recorded_at, (extract (epoch FROM recorded_at) * 1000000)::int8 AS recorded_at_us"
      " FROM intake.disclosure_bans WHERE client_id = $1::text ORDER BY recorded_at, ban_id", s_ban_row },
    //  The shared consent view is the one truth for "may we disclose".
    { "disclosure_permitted",
      "SELECT 1 AS one FROM intake.disclosure_permissions WHERE client_id = $1::text"
      " AND counterparty_org = $2::text AND scope = $3::text AND active AND NOT banned LIMIT 1", s_one_row },
    //  The client's disclosure log, a page after a seq (migration 0020).
    { "disclosure_log",
      "SELECT seq, to_char (at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at, service,"
      " actor_org, actor_person, recipient_org, kind, basis, consent_id, object_id,"
      " (extract (epoch FROM at) * 1000000)::int8 AS at_us"
      " FROM kp.disclosure_log ($1::text, $2::int8, $3::int4)", s_disclosure_log_row },

    //  Cases
    { "case_insert",
      "INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker, opened_by_org)"
      " VALUES ($1::text, $2::text, $3::text, $4::intake.case_channel, $5::text, $6::text)" },
    //  ESF participant snapshot of a case (migration 0012): 1 row written.
    { "snapshot_take",
      "SELECT intake.take_participant_snapshot ($1::text, $2::intake.snapshot_kind) AS written", s_written_row },
    //  The start snapshots of the client's notice cases in their entry
    //  window, retaken from the record now (migration 0025).
    { "snapshot_retake",
      "SELECT intake.retake_start_snapshots ($1::text) AS written", s_written_row },
    { "case_lock",
      "SELECT " CASE_LOCK_COLUMNS " FROM intake.cases WHERE case_id = $1::text FOR UPDATE", s_case_lock_row },
    { "case_set_state",
      "UPDATE intake.cases SET state = $2::intake.case_state WHERE case_id = $1::text" },
    { "case_set_review",
      "UPDATE intake.cases SET state = $2::intake.case_state, next_review_date = $3::date"
      " WHERE case_id = $1::text" },
    { "case_close",
      "UPDATE intake.cases SET state = 'closed', closed_at = kp.clock (), closure_reason = $2::intake.closure_reason,"
      " final_evaluation = $3::text WHERE case_id = $1::text" },
    { "case_get",
      "SELECT " CASE_COLUMNS " FROM intake.cases WHERE case_id = $1::text", s_case_row },
    //  case_get's columns and the referral ids (ids have no spaces) in one
    //  round trip: what a reply and an event need of the case row.
    { "case_view",
      "SELECT " CASE_COLUMNS ","
      " coalesce((SELECT string_agg(r.referral_id, ' ' ORDER BY r.linked_at, r.referral_id)"
      " FROM intake.case_referrals r WHERE r.case_id = c.case_id), '') AS referral_ids"
      " FROM intake.cases c WHERE case_id = $1::text", s_case_view_row },
    //  case_view for many cases at once, in the order of $1 (the
    //  referral consumer's batch; intake_referrals_batch.c).
    { "cases_view",
      "SELECT " CASE_COLUMNS ","
      " coalesce((SELECT string_agg(r.referral_id, ' ' ORDER BY r.linked_at, r.referral_id)"
      " FROM intake.case_referrals r WHERE r.case_id = c.case_id), '') AS referral_ids"
      " FROM unnest ($1::text[]) WITH ORDINALITY AS u (case_id, n) JOIN intake.cases c USING (case_id)"
      " ORDER BY u.n", s_case_view_row },
    //  The rest of a case reply in one round trip: survey, current plan,
    //  ecomap and measures as tagged rows (section, then each part's own
    //  order as n), the columns of each as assessment_domains_of,
    //  plan_current, ecomap_of and measures_of give them.
    { "case_details",
      "SELECT section, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 FROM ("
      " SELECT 1 AS section, row_number() OVER (ORDER BY d.domain) AS n, d.domain::text AS c1, d.need AS c2,"
      "  d.strengths AS c3, NULL::text AS c4, NULL::text AS c5, NULL::text AS c6, NULL::text AS c7,"
      "  NULL::text AS c8, NULL::text AS c9, NULL::text AS c10"
      "  FROM intake.assessment_domains d WHERE d.case_id = $1::text"
      " UNION ALL"
      " SELECT 2, 1, * FROM (SELECT version::text, goals, situational_factors, services, methods,"
      "  array_to_string(participants, E'\\n'), evaluation_method, next_review_date::text, client_view, worker_view"
      "  FROM intake.plans WHERE case_id = $1::text ORDER BY version DESC LIMIT 1) p"
      " UNION ALL"
      " SELECT 3, row_number() OVER (ORDER BY entry_id), entry_id, kind::text, label, direction::text,"
      "  strength::text, role::text, NULL, NULL, NULL, NULL FROM intake.ecomap_entries WHERE case_id = $1::text"
      " UNION ALL"
      " SELECT 4, row_number() OVER (ORDER BY measure_id), measure_id, kind::text, description,"
      "  responsible_person, linked_ref, NULL, NULL, NULL, NULL, NULL FROM intake.measures WHERE case_id = $1::text"
      ") t ORDER BY section, n", s_details_row },
    { "case_referral_ids",
      "SELECT referral_id FROM intake.case_referrals WHERE case_id = $1::text ORDER BY linked_at, referral_id",
      s_referral_id_row },
    { "case_open_of_client",
      "SELECT case_id FROM intake.cases WHERE client_id = $1::text AND municipality = $2::text"
      " AND state <> 'closed' ORDER BY opened_at DESC, case_id DESC LIMIT 1 FOR UPDATE", s_case_id_row },
    { "case_link_referral",
      "INSERT INTO intake.case_referrals (case_id, referral_id) VALUES ($1::text, $2::text)"
      " ON CONFLICT (referral_id) DO NOTHING RETURNING case_id", s_case_id_row },
    { "assessment_start", "INSERT INTO intake.assessments (case_id) VALUES ($1::text)" },
    { "assessment_complete",
      "UPDATE intake.assessments SET completed_at = kp.clock (), summary = $2::text WHERE case_id = $1::text" },
    { "assessment_domain_insert",
      "INSERT INTO intake.assessment_domains (case_id, domain, need, strengths)"
      " VALUES ($1::text, $2::intake.survey_domain, $3::text, $4::text)" },
    { "assessment_domains_of",
      "SELECT d.domain::text AS domain, d.need, d.strengths FROM intake.assessment_domains d"
      " WHERE d.case_id = $1::text ORDER BY d.domain", s_domain_row },
    { "plan_insert",
      "INSERT INTO intake.plans (case_id, version, goals, situational_factors, services, methods,"
      " participants, evaluation_method, next_review_date, client_view, worker_view, review_evaluation, made_by)"
      " SELECT $1::text, coalesce(max(version), 0) + 1, $2::text, $3::text, $4::text, $5::text,"
      " string_to_array($6::text, E'\\n'), $7::text, $8::date, $9::text, $10::text, NULLIF($11::text, ''), $12::text"
      " FROM intake.plans WHERE case_id = $1::text RETURNING version", s_version_row },
    { "plan_current",
      "SELECT version, goals, situational_factors, services, methods,"
      " array_to_string(participants, E'\\n') AS participants, evaluation_method,"
      " next_review_date::text AS next_review_date, client_view, worker_view"
      " FROM intake.plans WHERE case_id = $1::text ORDER BY version DESC LIMIT 1", s_plan_row },

    //  Ecomap and measures
    { "ecomap_insert",
      "INSERT INTO intake.ecomap_entries (entry_id, case_id, kind, label, direction, strength, role)"
      " VALUES ($1::text, $2::text, $3::intake.ecomap_kind, $4::text, $5::intake.ecomap_direction, $6::int2,"
      " $7::intake.ecomap_role)" },
    { "ecomap_of",
      "SELECT entry_id, kind, label, direction, strength, role FROM intake.ecomap_entries"
      " WHERE case_id = $1::text ORDER BY entry_id", s_ecomap_row },
    { "measure_insert",
      "INSERT INTO intake.measures (measure_id, case_id, kind, description, responsible_person, linked_ref)"
      " VALUES ($1::text, $2::text, $3::intake.measure_kind, $4::text, $5::text, $6::text)" },
    { "measures_of",
      "SELECT measure_id, kind, description, responsible_person, linked_ref FROM intake.measures"
      " WHERE case_id = $1::text ORDER BY measure_id", s_measure_row },
    { "measure_in_case",
      "SELECT 1 AS one FROM intake.measures WHERE measure_id = $1::text AND case_id = $2::text", s_one_row },

    { "measurement_insert",
      "INSERT INTO intake.measurements (measurement_id, client_id, case_id, measure_id, code, version,"
      " timepoint, recorded_by) VALUES ($1::text, $2::text, $3::text, NULLIF($4::text, ''), $5::text,"
      " $6::int4, $7::intake.timepoint, $8::text)" },
    { "score_insert",
      "INSERT INTO intake.measurement_scores (measurement_id, code, version, item_code, score)"
      " VALUES ($1::text, $2::text, $3::int4, $4::text, $5::int4)" },
    //  Change start → end per item: the first start and the last end
    //  measurement of the measure (or of the plan when measure is '').
    { "outcome_change",
      "WITH m AS (SELECT measurement_id, timepoint, recorded_at FROM intake.measurements"
      "           WHERE case_id = $1::text AND measure_id IS NOT DISTINCT FROM NULLIF($2::text, '')"
      "             AND code = $3::text),"
      " s AS (SELECT measurement_id FROM m WHERE timepoint = 'start' ORDER BY recorded_at, measurement_id LIMIT 1),"
      " e AS (SELECT measurement_id FROM m WHERE timepoint = 'end'"
      "       ORDER BY recorded_at DESC, measurement_id DESC LIMIT 1)"
      " SELECT it.item_code, ss.score AS start_score, es.score AS end_score, it.higher_is_better"
      " FROM intake.instrument_items it"
      " LEFT JOIN intake.measurement_scores ss ON ss.measurement_id = (SELECT measurement_id FROM s)"
      "   AND ss.item_code = it.item_code"
      " LEFT JOIN intake.measurement_scores es ON es.measurement_id = (SELECT measurement_id FROM e)"
      "   AND es.item_code = it.item_code"
      " WHERE it.code = $3::text"
      "   AND it.version = (SELECT max(version) FROM intake.instruments WHERE code = $3::text)"
      " ORDER BY it.position", s_change_row },

    //  Anonymous contacts: no client, ever, unless converted with consent.
    { "anonymous_insert",
      "INSERT INTO intake.anonymous_contacts (contact_id, session_ref, channel, topics, follow_up_agreed,"
      " municipality, recorded_by_org, converted_case_id) VALUES ($1::text, $2::text, $3::intake.contact_channel,"
      " string_to_array($4::text, E'\\n'), $5::bool, $6::text, $7::text, NULLIF($8::text, ''))" },

    //  From referrals (intake_referrals.c), through intake.referral_source.
    { "referral_case", "SELECT case_id FROM intake.case_referrals WHERE referral_id = $1::text", s_case_id_row },
    { "referral_source",
      "SELECT municipality, coalesce(client_ref, '') AS client_ref, coalesce(sender_type, '') AS sender_type,"
      " hetu_hash IS NOT NULL AS has_hetu FROM intake.referral_source ($1::text)", s_source_row },
    //  Every client the referral could mean, best match first; the
    //  consumer takes the first the recipient organises (kp_organiser).
    { "referral_client",
      "SELECT c.client_id, c.municipality FROM intake.referral_source ($1::text) r JOIN intake.clients c"
      " ON c.hetu_hash = r.hetu_hash OR c.client_id = r.client_ref"
      " ORDER BY (c.hetu_hash = r.hetu_hash) DESC NULLS LAST, c.created_at, c.client_id LIMIT 64",
      s_client_match_row },
    //  A client the notice created: its identity box, to give the birth
    //  date the henkilötunnus holds (as register_client does).
    { "client_hetu_box",
      "SELECT hetu_box FROM intake.clients WHERE client_id = $1::text AND hetu_box IS NOT NULL"
      " AND birth_date IS NULL", s_hetu_box_row },
    { "client_birth_set",
      "UPDATE intake.clients SET birth_date = $2::date, birth_year = $3::int4 WHERE client_id = $1::text"
      " AND birth_date IS NULL" },
    { "referral_client_insert",
      "INSERT INTO intake.clients (client_id, hetu_hash, hetu_box, municipality, created_by_org)"
      " SELECT $2::text, r.hetu_hash, r.hetu_box, r.municipality, coalesce(r.sender_org, '')"
      " FROM intake.referral_source ($1::text) r RETURNING municipality", s_municipality_row },

    //  Review reminders (intake_reminder.c)
    //  The cases whose review day has come and is not reminded yet, by
    //  their index (migration 0042); each reminder probed by key.
    { "review_candidates",
      "SELECT case_id, next_review_date::text AS next_review_date FROM intake.cases c"
      " WHERE c.review_due_on <= $1::date"
      " AND state IN ('plan_made', 'reviewed') AND next_review_date <= $1::date"
      " AND NOT EXISTS (SELECT 1 FROM intake.review_reminders r"
      "                 WHERE r.case_id = c.case_id AND r.review_date = c.next_review_date OFFSET 0)"
      " ORDER BY next_review_date, case_id LIMIT 100", s_review_row },
    //  A day reminded before (a plan moved back to it) leaves the index.
    { "review_settle",
      "UPDATE intake.cases c SET review_reminded_on = c.next_review_date"
      " WHERE c.review_due_on <= $1::date AND EXISTS (SELECT 1 FROM intake.review_reminders r"
      "       WHERE r.case_id = c.case_id AND r.review_date = c.next_review_date OFFSET 0)" },
    { "review_lock",
      "SELECT 1 AS one FROM intake.cases WHERE case_id = $1::text AND next_review_date = $2::date"
      " AND state IN ('plan_made', 'reviewed') FOR UPDATE SKIP LOCKED", s_one_row },
    //  The case is locked (review_lock) and due on $2: reminded for it,
    //  now or before.
    { "review_remind",
      "WITH reminded AS (INSERT INTO intake.review_reminders (case_id, review_date)"
      "                  VALUES ($1::text, $2::date) ON CONFLICT DO NOTHING RETURNING case_id),"
      " settled AS (UPDATE intake.cases SET review_reminded_on = $2::date WHERE case_id = $1::text)"
      " SELECT case_id FROM reminded", s_case_id_row },
    { NULL }
};
