/*  referral_deadline — the clock a referral starts (see the header). The
    counting itself is kp_calendar's: "by the 7th working day after the
    matter became pending" is kp_calendar_add_working_days (received, 7). */
#include "referral_deadline.h"
#include "kp_calendar.h"

kp_date_t
referral_deadline_previous_working_day (kp_date_t date)
{
    kp_date_t day = date - 1;
    while (!kp_calendar_is_working_day (day))
        day--;
    return day;
}

referral_deadline_t
referral_deadline_for (Kumppani__V1__ReferralKind kind, bool urgent, bool to_municipality,
                       kp_date_t received)
{
    referral_deadline_t clock = { NULL, 0, 0 };
    if (!to_municipality)
        return clock;
    int days;
    switch (kind) {
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_APPLICATION_TRANSFER:
            clock.kind = "decision";
            days = urgent ? REFERRAL_URGENT_DECISION_DAYS : REFERRAL_DECISION_DAYS;
            break;
        case KUMPPANI__V1__REFERRAL_KIND__REFERRAL_KIND_PERSONAL_DISCUSSION:
            clock.kind = "personal_discussion";
            days = REFERRAL_PERSONAL_DISCUSSION_DAYS;
            break;
        default:
            clock.kind = "assessment_start";
            days = REFERRAL_ASSESSMENT_TARGET_DAYS;
            break;
    }
    clock.deadline = kp_calendar_add_working_days (received, days);
    clock.warning_on = referral_deadline_previous_working_day (clock.deadline);
    return clock;
}

int
referral_deadline_held_days (kp_date_t since, kp_date_t until)
{
    return until > since ? kp_calendar_working_days_between (since - 1, until - 1) : 0;
}

kp_date_t
referral_deadline_moved (kp_date_t deadline, int held_days)
{
    return held_days > 0 ? kp_calendar_add_working_days (deadline, held_days) : deadline;
}
