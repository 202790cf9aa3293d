/*  groups_participant — participants without a case: the pseudonymous
    record an organiser keeps of a person intake does not know (its own
    reference, birth year or age band, residence, the ESF+ attributes and
    the consent to their use), its link to the client the person may later
    become, what enrolment asks of it, and the outcome measurements the
    organiser records of it. Only the organiser that created
    a record learns that it exists. */
#ifndef GROUPS_PARTICIPANT_H
#define GROUPS_PARTICIPANT_H

#include "groups_activity.h"
#include "kp_db.h"
#include "kp_server.h"

#define GROUPS_AGE_BANDS "under_18 18_24 25_29 30_54 55_64 65_plus"
#define GROUPS_CONSENT_PURPOSES "esf_reporting"

int groups_create_pseudonymous_participant (kp_call_t *call);
int groups_withdraw_participant_consent (kp_call_t *call);
int groups_link_participant_to_client (kp_call_t *call);
int groups_get_pseudonymous_participant (kp_call_t *call);
//  An AVAIN / Kykyviisari start or end form of the caller's participant in
//  one of its groups (groups_participant_measure.c).
int groups_record_participant_measurement (kp_call_t *call);

//  Is id a pseudonymous participant the caller may enrol in activity (its
//  own record, in a group it organises)? 1 yes, 0 no (the caller then
//  meets what any id intake does not know meets), -1 the call failed.
int groups_participant_enrollable (kp_call_t *call, const groups_activity_t *activity, const char *id);

extern const kp_stmt_t groups_participant_statements [];
extern const kp_stmt_t groups_measure_statements [];

#endif
