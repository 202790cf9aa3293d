/*  intake_sql — every statement the intake service prepares. Parameters
    only; enum values are cast in SQL so PostgreSQL refuses unknown codes. */
#include "intake_server.h"

#define CLIENT_COLUMNS \
    "municipality, coalesce(birth_date::text, ''), coalesce(birth_year, 0), coalesce(gender::text, '')," \
    " coalesce(language, ''), coalesce(labour_market_status::text, ''), coalesce(education_level::text, '')," \
    " coalesce(living_alone::text, ''), coalesce(foreign_background::text, ''), coalesce(disability::text, '')," \
    " coalesce(homelessness::text, ''), coalesce(other_disadvantage::text, ''), hetu_hash IS NOT NULL"

const kp_stmt_t intake_statements [] = {
    //  Clients
    { "client_by_hash",
      "SELECT client_id, municipality FROM intake.clients WHERE hetu_hash = $1::bytea"
      " ORDER BY created_at, client_id" },
    { "client_insert",
      "INSERT INTO intake.clients (client_id, hetu_hash, hetu_box, municipality, birth_date, birth_year,"
      " gender, language, labour_market_status, education_level, living_alone, foreign_background,"
      " disability, homelessness, other_disadvantage, created_by_org)"
      " VALUES ($1::text, $2::bytea, $3::bytea, $4::text, $5::date, $6::int4, $7::intake.gender, $8::text,"
      " $9::intake.labour_market_status, $10::intake.education_level, $11::intake.answer,"
      " $12::intake.answer, $13::intake.answer, $14::intake.answer, $15::intake.answer, $16::text)"
      " ON CONFLICT (municipality, hetu_hash) DO NOTHING RETURNING client_id" },
    { "client_update",
      "UPDATE intake.clients SET municipality = $2::text, birth_date = $3::date, birth_year = $4::int4,"
      " gender = $5::intake.gender, language = $6::text, labour_market_status = $7::intake.labour_market_status,"
      " education_level = $8::intake.education_level, living_alone = $9::intake.answer,"
      " foreign_background = $10::intake.answer, disability = $11::intake.answer,"
      " homelessness = $12::intake.answer, other_disadvantage = $13::intake.answer, updated_at = now()"
      " WHERE client_id = $1::text" },
    { "client_get", "SELECT " CLIENT_COLUMNS " FROM intake.clients WHERE client_id = $1::text" },
    { "client_municipality", "SELECT municipality FROM intake.clients WHERE client_id = $1::text" },

    //  Consent
    { "consent_insert",
      "INSERT INTO intake.consents (consent_id, client_id, counterparty_org, scope, given_at, recorded_by_org)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, coalesce($5::date, current_date), $6::text)"
      " RETURNING given_at::text" },
    { "consent_lock",
      "SELECT client_id, counterparty_org, scope, given_at::text, coalesce(withdrawn_at::text, '')"
      " FROM intake.consents WHERE consent_id = $1::text FOR UPDATE" },
    { "consent_withdraw",
      "UPDATE intake.consents SET withdrawn_at = now() WHERE consent_id = $1::text AND withdrawn_at IS NULL"
      " RETURNING withdrawn_at::text" },
    //  Referrals behind this client's cases that the consent's counterparty
    //  sent: what a withdrawn consent stops them from disclosing further.
    //  (Intake may read the referral service's view; see migration 0005.)
    { "consent_referrals",
      "SELECT cr.referral_id FROM intake.case_referrals cr"
      " JOIN intake.cases c ON c.case_id = cr.case_id"
      " JOIN referral.intake_referral_clients v ON v.referral_id = cr.referral_id"
      " WHERE c.client_id = $1::text AND v.sender_org = $2::text ORDER BY cr.referral_id" },
    //  The same for a ban: the banned organisation's referrals ('' everyone's).
    { "ban_referrals",
      "SELECT cr.referral_id FROM intake.case_referrals cr"
      " JOIN intake.cases c ON c.case_id = cr.case_id"
      " JOIN referral.intake_referral_clients v ON v.referral_id = cr.referral_id"
      " WHERE c.client_id = $1::text AND ($2::text = '' OR v.sender_org = $2::text) ORDER BY cr.referral_id" },
    { "consent_list",
      "SELECT consent_id, counterparty_org, scope, given_at::text, coalesce(withdrawn_at::text, '')"
      " FROM intake.consents WHERE client_id = $1::text ORDER BY recorded_at, consent_id" },
    { "ban_insert",
      "INSERT INTO intake.disclosure_bans (ban_id, client_id, counterparty_org, scope, recorded_by_org)"
      " VALUES ($1::text, $2::text, NULLIF($3::text, ''), NULLIF($4::text, ''), $5::text)" },
    { "ban_list",
      "SELECT ban_id, coalesce(counterparty_org, ''), coalesce(scope, ''), recorded_at::text"
      " FROM intake.disclosure_bans WHERE client_id = $1::text ORDER BY recorded_at, ban_id" },
    //  The client's disclosure log, a page after a seq (migration 0020).
    { "disclosure_log",
      "SELECT seq, to_char (at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), service, actor_org,"
      " actor_person, recipient_org, kind, basis, consent_id, object_id"
      " FROM kp.disclosure_log ($1::text, $2::int8, $3::int4)" },

    //  Cases
    { "case_insert",
      "INSERT INTO intake.cases (case_id, client_id, municipality, channel, responsible_worker, opened_by_org)"
      " VALUES ($1::text, $2::text, $3::text, $4::intake.case_channel, $5::text, $6::text)" },
    //  ESF participant snapshot of a case (migration 0012): 1 row written.
    { "snapshot_take",
      "SELECT intake.take_participant_snapshot ($1::text, $2::intake.snapshot_kind)" },
    { "case_lock",
      "SELECT client_id, municipality, state::text FROM intake.cases WHERE case_id = $1::text FOR UPDATE" },
    { "case_set_state",
      "UPDATE intake.cases SET state = $2::intake.case_state WHERE case_id = $1::text" },
    { "case_set_review",
      "UPDATE intake.cases SET state = $2::intake.case_state, next_review_date = $3::date"
      " WHERE case_id = $1::text" },
    { "case_close",
      "UPDATE intake.cases SET state = 'closed', closed_at = now(), closure_reason = $2::intake.closure_reason,"
      " final_evaluation = $3::text WHERE case_id = $1::text" },
    { "case_get",
      "SELECT client_id, municipality, channel::text, responsible_worker, state::text, opened_at::text,"
      " coalesce(closed_at::text, ''), coalesce(closure_reason::text, ''), coalesce(next_review_date::text, '')"
      " FROM intake.cases WHERE case_id = $1::text" },
    { "case_referral_ids",
      "SELECT referral_id FROM intake.case_referrals WHERE case_id = $1::text ORDER BY linked_at, referral_id" },
    { "case_open_of_client",
      "SELECT case_id FROM intake.cases WHERE client_id = $1::text AND municipality = $2::text"
      " AND state <> 'closed' ORDER BY opened_at DESC, case_id DESC LIMIT 1 FOR UPDATE" },
    { "case_link_referral",
      "INSERT INTO intake.case_referrals (case_id, referral_id) VALUES ($1::text, $2::text)"
      " ON CONFLICT (referral_id) DO NOTHING RETURNING case_id" },
    { "assessment_start", "INSERT INTO intake.assessments (case_id) VALUES ($1::text)" },
    { "assessment_complete",
      "UPDATE intake.assessments SET completed_at = now(), summary = $2::text WHERE case_id = $1::text" },
    { "assessment_domain_insert",
      "INSERT INTO intake.assessment_domains (case_id, domain, need, strengths)"
      " VALUES ($1::text, $2::intake.survey_domain, $3::text, $4::text)" },
    { "assessment_domains_of",
      "SELECT d.domain::text, d.need, d.strengths FROM intake.assessment_domains d"
      " WHERE d.case_id = $1::text ORDER BY d.domain" },
    { "plan_insert",
      "INSERT INTO intake.plans (case_id, version, goals, situational_factors, services, methods,"
      " participants, evaluation_method, next_review_date, client_view, worker_view, review_evaluation, made_by)"
      " SELECT $1::text, coalesce(max(version), 0) + 1, $2::text, $3::text, $4::text, $5::text,"
      " string_to_array($6::text, E'\\n'), $7::text, $8::date, $9::text, $10::text, NULLIF($11::text, ''), $12::text"
      " FROM intake.plans WHERE case_id = $1::text RETURNING version" },
    { "plan_current",
      "SELECT version, goals, situational_factors, services, methods, array_to_string(participants, E'\\n'),"
      " evaluation_method, next_review_date::text, client_view, worker_view"
      " FROM intake.plans WHERE case_id = $1::text ORDER BY version DESC LIMIT 1" },

    //  Ecomap and measures
    { "ecomap_insert",
      "INSERT INTO intake.ecomap_entries (entry_id, case_id, kind, label, direction, strength, role)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::int2, $7::text)" },
    { "ecomap_of",
      "SELECT entry_id, kind, label, direction, strength, role FROM intake.ecomap_entries"
      " WHERE case_id = $1::text ORDER BY entry_id" },
    { "measure_insert",
      "INSERT INTO intake.measures (measure_id, case_id, kind, description, responsible_person, linked_ref)"
      " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text)" },
    { "measures_of",
      "SELECT measure_id, kind, description, responsible_person, linked_ref FROM intake.measures"
      " WHERE case_id = $1::text ORDER BY measure_id" },
    { "measure_in_case",
      "SELECT 1 FROM intake.measures WHERE measure_id = $1::text AND case_id = $2::text" },

    //  Outcome instruments: the current version of an instrument's items.
    { "instrument_items",
      "SELECT it.version, it.item_code, it.scale_min, it.scale_max, it.higher_is_better"
      " FROM intake.instrument_items it WHERE it.code = $1::text"
      " AND it.version = (SELECT max(version) FROM intake.instruments WHERE code = $1::text)"
      " ORDER BY it.position" },
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
      " SELECT it.item_code, ss.score, es.score, it.higher_is_better"
      " FROM intake.instrument_items it"
      " LEFT JOIN intake.measurement_scores ss ON ss.measurement_id = (SELECT measurement_id FROM s)"
      "   AND ss.item_code = it.item_code"
      " LEFT JOIN intake.measurement_scores es ON es.measurement_id = (SELECT measurement_id FROM e)"
      "   AND es.item_code = it.item_code"
      " WHERE it.code = $3::text"
      "   AND it.version = (SELECT max(version) FROM intake.instruments WHERE code = $3::text)"
      " ORDER BY it.position" },

    //  Anonymous contacts: no client, ever, unless converted with consent.
    { "anonymous_insert",
      "INSERT INTO intake.anonymous_contacts (contact_id, session_ref, channel, topics, follow_up_agreed,"
      " municipality, recorded_by_org, converted_case_id) VALUES ($1::text, $2::text, $3::text,"
      " string_to_array($4::text, E'\\n'), $5::bool, $6::text, $7::text, NULLIF($8::text, ''))" },

    //  From referrals (intake_referrals.c), through intake.referral_source.
    { "referral_case", "SELECT case_id FROM intake.case_referrals WHERE referral_id = $1::text" },
    { "referral_source",
      "SELECT municipality, coalesce(client_ref, ''), coalesce(sender_type, ''), hetu_hash IS NOT NULL"
      " FROM intake.referral_source ($1::text)" },
    //  Every client the referral could mean, best match first; the
    //  consumer takes the first the recipient organises (kp_organiser).
    { "referral_client",
      "SELECT c.client_id, c.municipality FROM intake.referral_source ($1::text) r JOIN intake.clients c"
      " ON c.hetu_hash = r.hetu_hash OR c.client_id = r.client_ref"
      " ORDER BY (c.hetu_hash = r.hetu_hash) DESC NULLS LAST, c.created_at, c.client_id LIMIT 64" },
    { "referral_client_insert",
      "INSERT INTO intake.clients (client_id, hetu_hash, hetu_box, municipality, created_by_org)"
      " SELECT $2::text, r.hetu_hash, r.hetu_box, r.municipality, coalesce(r.sender_org, '')"
      " FROM intake.referral_source ($1::text) r RETURNING municipality" },

    //  Review reminders (intake_reminder.c)
    { "review_candidates",
      "SELECT case_id, next_review_date::text FROM intake.cases c"
      " WHERE state IN ('plan_made', 'reviewed') AND next_review_date <= $1::date"
      " AND NOT EXISTS (SELECT 1 FROM intake.review_reminders r"
      "                 WHERE r.case_id = c.case_id AND r.review_date = c.next_review_date)"
      " ORDER BY next_review_date, case_id LIMIT 100" },
    { "review_lock",
      "SELECT 1 FROM intake.cases WHERE case_id = $1::text AND next_review_date = $2::date"
      " AND state IN ('plan_made', 'reviewed') FOR UPDATE SKIP LOCKED" },
    { "review_remind",
      "INSERT INTO intake.review_reminders (case_id, review_date) VALUES ($1::text, $2::date)"
      " ON CONFLICT DO NOTHING RETURNING case_id" },
    { NULL }
};
