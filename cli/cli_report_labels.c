/*  cli_report_labels — the one table of names for report codes: every
    column and category code the reporting service emits, in Finnish,
    Swedish and English. A code missing here still renders (the page
    shows it marked as unlabelled), and tests/unit/test_report_labels.c
    lists the missing ones, so a new report column is one line here. */
#include "cli_report_labels.h"

#include <string.h>

typedef struct {
    const char *code;
    const char *name [CLI_LANGS];       //  fi, sv, en
} s_label_t;

static const s_label_t s_reports [] = {
    { "participants",     { "Osallistujat (ESR)", "Deltagare (ESF)", "Participants (ESF)" } },
    { "targets",          { "Tavoitteet", "Mål", "Targets" } },
    { "groups",           { "Ryhmätoiminta", "Gruppverksamhet", "Group activities" } },
    { "talousneuvola",    { "Talousneuvola", "Ekonomisk rådgivning (talousneuvola)",
                            "Talousneuvola (financial counselling clinic)" } },
    { "referral_sla",     { "Yhteydenotot ja määräajat", "Kontakter och tidsfrister", "Referral SLA" } },
    { "outcomes",         { "Vaikuttavuus: mittarien muutos", "Resultat: förändring i mätarna",
                            "Outcomes: change in the instruments" } },
    { "social_reporting", { "Sosiaalinen raportointi", "Social rapportering",
                            "Social reporting (sosiaalinen raportointi)" } },
    { "workload",         { "Asiakastyön määrä", "Arbetsbelastning", "Workload" } },
    { "referral_partner_sla", { "Ohjausten vastaanotto kumppaneilla", "Mottagning av hänvisningar hos partner",
                            "Partner SLA: answers to referrals" } },
    { "placements",       { "Kuntouttavan työtoiminnan jaksot", "Perioder i arbetsverksamhet i rehabiliteringssyfte",
                            "Rehabilitative work activity placements" } },
    { "feedback",         { "Ryhmien palaute", "Gruppernas respons", "Group feedback" } },
    { "esf_participants", { "ESR-indikaattorit: osallistujat", "ESF-indikatorer: deltagare",
                            "ESF+ indicators: participants" } },
    { "esf_results",      { "ESR-indikaattorit: tulokset", "ESF-indikatorer: resultat",
                            "ESF+ indicators: results" } },
    { NULL }
};

static const s_label_t s_labels [] = {
    //  Shared
    { "all",                        { "Yhteensä", "Totalt", "Total" } },
    { "unknown",                    { "Ei tiedossa", "Okänt", "Unknown" } },
    { "other",                      { "Muu", "Annat", "Other" } },
    { "municipality",               { "Kunta", "Kommun", "Municipality" } },
    { "area",                       { "Alue", "Område", "Area" } },
    { "month",                      { "Kuukausi", "Månad", "Month" } },
    { "total",                      { "Yhteensä", "Totalt", "Total" } },
    { "dimension",                  { "Jaottelu", "Indelning", "Breakdown" } },
    { "category",                   { "Luokka", "Kategori", "Category" } },
    { "kind",                       { "Laji", "Typ", "Kind" } },

    //  participants
    { "snapshot",                   { "Ajankohta", "Tidpunkt", "Snapshot" } },
    { "start",                      { "Aloittaessa", "Vid start", "At entry" } },
    { "exit",                       { "Lopettaessa", "Vid avslut", "At exit" } },
    { "woman",                      { "Nainen", "Kvinna", "Woman" } },
    { "man",                        { "Mies", "Man", "Man" } },
    { "non_binary",                 { "Muu sukupuoli", "Icke-binär", "Non-binary" } },
    { "not_told",                   { "Ei kerrottu", "Ej uppgett", "Not told" } },
    { "age_band",                   { "Ikäryhmä", "Åldersgrupp", "Age band" } },
    { "under_18",                   { "Alle 18 v.", "Under 18 år", "Under 18" } },
    { "18_29",                      { "18–29 v.", "18–29 år", "18–29" } },
    { "30_54",                      { "30–54 v.", "30–54 år", "30–54" } },
    { "55_plus",                    { "55 v. tai yli", "55 år och äldre", "55 and over" } },
    { "labour_market_status",       { "Työmarkkina-asema", "Ställning på arbetsmarknaden", "Labour market status" } },
    { "unemployed",                 { "Työtön", "Arbetslös", "Unemployed" } },
    { "long_term_unemployed",       { "Pitkäaikaistyötön", "Långtidsarbetslös", "Long-term unemployed" } },
    { "inactive",                   { "Työvoiman ulkopuolella", "Utanför arbetskraften", "Inactive" } },
    { "inactive_not_in_education",  { "Työvoiman ulkopuolella, ei opiskele",
                                      "Utanför arbetskraften, studerar inte",
                                      "Inactive, not in education or training" } },
    { "employed",                   { "Työssä", "Sysselsatt", "Employed" } },
    { "student",                    { "Opiskelija", "Studerande", "Student" } },
    { "education_level",            { "Koulutustaso", "Utbildningsnivå", "Education level" } },
    { "isced_0_2",                  { "Perusaste (ISCED 0–2)", "Grundnivå (ISCED 0–2)", "Primary or lower secondary (ISCED 0–2)" } },
    { "isced_3_4",                  { "Toinen aste (ISCED 3–4)", "Andra stadiet (ISCED 3–4)", "Upper or post-secondary (ISCED 3–4)" } },
    { "isced_5_8",                  { "Korkea-aste (ISCED 5–8)", "Högre nivå (ISCED 5–8)", "Tertiary (ISCED 5–8)" } },
    { "target_group",               { "Kohderyhmä", "Målgrupp", "Target group" } },
    { "under_25",                   { "Alle 25-vuotiaat", "Under 25 år", "Under 25" } },
    { "under_34",                   { "Alle 34-vuotiaat", "Under 34 år", "Under 34" } },
    { "plan",                       { "Suunnitelma", "Plan", "Plan" } },
    { "planned_participants",       { "Suunniteltu osallistujamäärä", "Planerat antal deltagare", "Planned participants" } },

    //  targets
    { "target",                     { "Tavoite", "Mål", "Target" } },
    { "description",                { "Kuvaus", "Beskrivning", "Description" } },
    { "metric",                     { "Mittari", "Mått", "Metric" } },
    { "min",                        { "Vähintään", "Minst", "Minimum" } },
    { "max",                        { "Enintään", "Högst", "Maximum" } },
    { "actual",                     { "Toteutunut", "Utfall", "Actual" } },
    { "met",                        { "Saavutettu", "Uppnått", "Met" } },
    { "not_met",                    { "Ei saavutettu", "Ej uppnått", "Not met" } },
    { "talousneuvola_processes",    { "Talousneuvolaprosessit", "Processer för ekonomisk rådgivning", "Talousneuvola processes" } },
    { "peer_support_networks",      { "Vertaistukiverkostot", "Nätverk för kamratstöd", "Peer support networks" } },
    { "groups_meeting_min_times_per_area", { "Vähintään N kertaa kokoontuneet ryhmät alueittain",
                                      "Grupper som träffats minst N gånger per område",
                                      "Groups meeting at least N times per area" } },
    { "participants",               { "Osallistujat", "Deltagare", "Participants" } },
    { "clients_in_assessment",      { "Arvioinnissa olleet asiakkaat", "Klienter i bedömning", "Clients in assessment" } },

    //  groups
    { "activity_kind",              { "Toimintamuoto", "Verksamhetsform", "Activity" } },
    { "groups",                     { "Ryhmiä", "Grupper", "Groups" } },
    { "sessions_held",              { "Pidetyt kokoontumiset", "Hållna träffar", "Sessions held" } },
    { "meetings_per_group",         { "Kokoontumisia ryhmää kohden", "Träffar per grupp", "Meetings per group" } },
    { "groups_meeting_min_times",   { "Vähintään N kertaa kokoontuneet ryhmät", "Grupper som träffats minst N gånger",
                                      "Groups meeting at least N times" } },
    { "attendances",                { "Osallistumiskerrat", "Deltagartillfällen", "Attendances" } },
    { "headcount",                  { "Kävijät (nimettömät)", "Besökare (anonyma)", "Visitors (anonymous headcount)" } },
    { "compensation_eur",           { "Maksetut korvaukset (€)", "Utbetalda ersättningar (€)", "Compensation paid (€)" } },
    { "talousneuvola",              { "Talousneuvola", "Ekonomisk rådgivning", "Talousneuvola" } },
    { "peer_support",               { "Vertaistuki", "Kamratstöd", "Peer support" } },
    { "nature_based",               { "Luontolähtöinen toiminta", "Naturbaserad verksamhet", "Nature-based activity" } },
    { "upcycling",                  { "Tuunaus ja kierrätys", "Återbruk", "Upcycling" } },
    { "developer_clients",          { "Kehittäjäasiakkaat", "Utvecklarklienter", "Developer clients" } },
    { "discussion_cafe",            { "Keskustelukahvila", "Diskussionskafé", "Discussion café" } },
    { "meeting_place",              { "Kohtaamispaikka", "Mötesplats", "Meeting place" } },
    { "group_rehabilitative_work",  { "Kuntouttava työtoiminta ryhmässä", "Arbetsverksamhet i rehabiliteringssyfte i grupp",
                                      "Rehabilitative work activity in a group" } },
    { "exercise",                   { "Liikunta", "Motion", "Exercise" } },
    { "work_activity_placement",    { "Kuntouttavan työtoiminnan päivät", "Dagar i arbetsverksamhet i rehabiliteringssyfte",
                                      "Rehabilitative work activity days" } },

    //  talousneuvola
    { "visits",                     { "Käynnit", "Besök", "Visits" } },
    { "follow_ups",                 { "Sovitut jatkotapaamiset", "Överenskomna uppföljningar", "Follow-ups agreed" } },
    { "staff",                      { "Työntekijät", "Personal", "Staff" } },
    { "topic",                      { "Aihe", "Ämne", "Topic" } },
    { "staffing",                   { "Henkilöstö", "Bemanning", "Staffing" } },
    { "budget",                     { "Budjetointi", "Budget", "Budget" } },
    { "debts",                      { "Velat", "Skulder", "Debts" } },
    { "enforcement",                { "Ulosotto", "Utsökning", "Enforcement" } },
    { "benefits",                   { "Etuudet", "Förmåner", "Benefits" } },
    { "housing_costs",              { "Asumiskulut", "Boendekostnader", "Housing costs" } },
    { "social_work",                { "Sosiaalityö", "Socialt arbete", "Social work" } },
    { "debt_counselling",           { "Talous- ja velkaneuvonta", "Ekonomi- och skuldrådgivning", "Debt counselling" } },
    { "diaconia",                   { "Diakonia", "Diakoni", "Diaconia" } },
    { "social_credit",              { "Sosiaalinen luototus", "Social kreditgivning", "Social credit" } },
    { "kela",                       { "Kela", "FPA", "Kela" } },
    { "peer_expert",                { "Kokemusasiantuntija", "Erfarenhetsexpert", "Peer expert" } },
    { "walk_in",                    { "Paikan päällä", "På plats", "Walk-in" } },
    { "phone",                      { "Puhelimitse", "Per telefon", "By phone" } },
    { "contacts",                   { "Yhteydenotot yhteensä", "Kontakter totalt", "Contacts (both)" } },

    //  referral_sla
    { "received",                   { "Vastaanotetut", "Mottagna", "Received" } },
    { "acknowledged",               { "Kuitatut", "Kvitterade", "Acknowledged" } },
    { "ack_median_days",            { "Kuittaus, mediaani (työpv)", "Kvittens, median (arbetsdagar)", "Acknowledgement, median (working days)" } },
    { "ack_p90_days",               { "Kuittaus, 90 % (työpv)", "Kvittens, 90 % (arbetsdagar)", "Acknowledgement, 90th percentile (working days)" } },
    { "assessment_started",         { "Arviointi aloitettu", "Bedömning påbörjad", "Assessment started" } },
    { "assessment_median_days",     { "Arvioinnin alku, mediaani (työpv)", "Bedömningens start, median (arbetsdagar)",
                                      "Assessment start, median (working days)" } },
    { "assessment_p90_days",        { "Arvioinnin alku, 90 % (työpv)", "Bedömningens start, 90 % (arbetsdagar)",
                                      "Assessment start, 90th percentile (working days)" } },
    { "within_deadline",            { "Määräajassa", "Inom tidsfristen", "Within the deadline" } },
    { "breaches",                   { "Määräajan ylitykset", "Överskridna tidsfrister", "Breaches" } },
    { "share_within_deadline",      { "Osuus määräajassa", "Andel inom tidsfristen", "Share within the deadline" } },
    { "social_work_need",           { "Sosiaalihuollon tarve", "Behov av socialvård", "Need for social work" } },
    { "personal_discussion",        { "Henkilökohtainen keskustelu", "Personligt samtal", "Personal discussion" } },
    { "application_transfer",       { "Hakemuksen siirto", "Överföring av ansökan", "Application transfer" } },
    { "basic_amount_reduction",     { "Perusosan alentaminen", "Sänkning av grunddelen", "Basic amount reduction" } },
    { "partner",                    { "Kumppanin ohjaus", "Partnerns hänvisning", "Partner referral" } },
    { "section_35_notice",          { "Yhteydenotto (SHL 35 §)", "Kontakt (SvL 35 §)", "Notice (Social Welfare Act s. 35)" } },
    { "unspecified",                { "Määrittelemätön", "Ospecificerad", "Unspecified" } },
    { "held",                       { "Tauolle asetetut", "Pausade", "Put on hold" } },
    { "held_median_days",           { "Tauolla, mediaani (työpv)", "Pausad, median (arbetsdagar)",
                                      "On hold, median (working days)" } },
    { "held_p90_days",              { "Tauolla, 90 % (työpv)", "Pausad, 90 % (arbetsdagar)",
                                      "On hold, 90th percentile (working days)" } },

    //  referral_partner_sla (receiver types: referral_server.h's REFERRAL_RECEIVERS)
    { "receiver_type",              { "Vastaanottajan tyyppi", "Typ av mottagare", "Receiver type" } },
    { "answered",                   { "Vastatut", "Besvarade", "Answered" } },
    { "answer_median_days",         { "Vastaus, mediaani (työpv)", "Svar, median (arbetsdagar)",
                                      "Answer, median (working days)" } },
    { "answer_p90_days",            { "Vastaus, 90 % (työpv)", "Svar, 90 % (arbetsdagar)",
                                      "Answer, 90th percentile (working days)" } },
    { "accepted",                   { "Hyväksytyt", "Godkända", "Accepted" } },
    //  "declined" is also an esf_results status (the person would not say)
    { "declined",                   { "Kieltäytyneet", "Avböjt", "Declined" } },
    { "with_outcome",               { "Lopputulos kirjattu", "Utfall registrerat", "With an outcome recorded" } },
    { "share_with_outcome",         { "Osuus, jolla lopputulos", "Andel med utfall", "Share with an outcome" } },
    { "county",                     { "Hyvinvointialue", "Välfärdsområde", "Wellbeing services county" } },
    { "parish",                     { "Seurakunta", "Församling", "Parish" } },
    { "ngo",                        { "Järjestö", "Organisation (tredje sektorn)", "NGO" } },
    { "te_office",                  { "TE-toimisto", "TE-byrå", "TE Office" } },
    { "outreach",                   { "Etsivä työ", "Uppsökande arbete", "Outreach work" } },

    //  placements
    { "placements_started",         { "Alkaneet jaksot", "Inledda perioder", "Placements started" } },
    { "ended_completed",            { "Päättyneet: suoritettu loppuun", "Avslutade: fullföljda", "Ended: completed" } },
    { "ended_illness",              { "Keskeytyneet: sairaus", "Avbrutna: sjukdom", "Interrupted: illness" } },
    { "ended_moved_to_work",        { "Keskeytyneet: siirtyi työhön", "Avbrutna: övergick till arbete",
                                      "Interrupted: moved to work" } },
    { "ended_moved_to_education",   { "Keskeytyneet: siirtyi koulutukseen", "Avbrutna: övergick till utbildning",
                                      "Interrupted: moved to education" } },
    { "ended_client_decision",      { "Keskeytyneet: asiakkaan päätös", "Avbrutna: klientens beslut",
                                      "Interrupted: the client's decision" } },
    { "ended_no_shows",             { "Keskeytyneet: poissaolot", "Avbrutna: frånvaro", "Interrupted: no-shows" } },
    { "ended_other",                { "Keskeytyneet: muu syy", "Avbrutna: annan orsak", "Interrupted: other reason" } },
    { "days_attended",              { "Toteutuneet päivät", "Närvarodagar", "Days attended" } },

    //  feedback
    { "responses",                  { "Palautelomakkeet", "Responsformulär", "Forms returned" } },
    { "mean_overall",               { "Kokonaisarvio, ka. (1–5)", "Helhetsbedömning, medel (1–5)", "All in all, mean (1–5)" } },
    { "mean_social",                { "Sosiaalinen merkitys, ka. (1–5)", "Social betydelse, medel (1–5)",
                                      "Social meaning, mean (1–5)" } },
    { "mean_variety",               { "Monipuolisuus, ka. (1–5)", "Mångsidighet, medel (1–5)", "Variety, mean (1–5)" } },
    { "mean_usefulness",            { "Hyödyllisyys, ka. (1–5)", "Nytta, medel (1–5)", "Usefulness, mean (1–5)" } },

    //  outcomes
    { "instrument",                 { "Mittari", "Mätare", "Instrument" } },
    { "item",                       { "Osio", "Delområde", "Item" } },
    { "measure",                    { "Toimenpide", "Åtgärd", "Measure" } },
    { "n",                          { "Mittauspareja", "Mätpar", "Pairs" } },
    { "improved",                   { "Parantuneet", "Förbättrade", "Improved" } },
    { "mean_change",                { "Keskimääräinen muutos", "Genomsnittlig förändring", "Mean change" } },
    { "share_improved",             { "Osuus parantuneista", "Andel förbättrade", "Share improved" } },
    { "avain",                      { "AVAIN (THL)", "AVAIN (THL)", "AVAIN (THL)" } },
    { "kykyviisari",                { "Kykyviisari", "Kykyviisari (funktionsförmåga)", "Kykyviisari (functioning)" } },
    { "goals",                      { "Tavoitteet", "Mål", "Goals" } },
    { "situational_factors",        { "Tilannetekijät", "Situationsfaktorer", "Situational factors" } },
    { "services",                   { "Palvelut", "Tjänster", "Services" } },
    { "methods",                    { "Menetelmät", "Metoder", "Methods" } },
    { "overall",                    { "Kokonaisuus", "Helhet", "Overall" } },
    { "mental_wellbeing",           { "Mielen hyvinvointi", "Psykiskt välbefinnande", "Mental wellbeing" } },
    { "social_participation",       { "Osallisuus", "Delaktighet", "Social participation" } },
    { "physical_functioning",       { "Fyysinen toimintakyky", "Fysisk funktionsförmåga", "Physical functioning" } },
    { "skills",                     { "Osaaminen", "Kunnande", "Skills" } },
    { "everyday_coping",            { "Arjessa selviytyminen", "Att klara vardagen", "Everyday coping" } },
    { "service",                    { "Palvelu", "Tjänst", "Service" } },
    { "guidance",                   { "Ohjaus ja neuvonta", "Handledning och rådgivning", "Guidance" } },
    { "group",                      { "Ryhmä", "Grupp", "Group" } },
    { "referral",                   { "Ohjaus muualle", "Hänvisning", "Referral" } },
    { "rehabilitative_work",        { "Kuntouttava työtoiminta", "Arbetsverksamhet i rehabiliteringssyfte", "Rehabilitative work activity" } },
    { "case",                       { "Asiakkuus (suunnitelma)", "Klientskap (plan)", "Case (client plan)" } },

    //  social_reporting
    { "theme",                      { "Teema", "Tema", "Theme" } },
    { "observations",               { "Havaintoja", "Observationer", "Observations" } },
    { "clients_concerned",          { "Asiakkaita koskee", "Berörda klienter", "Clients concerned" } },
    { "housing",                    { "Asuminen", "Boende", "Housing" } },
    { "debt",                       { "Velkaantuminen", "Skuldsättning", "Debt" } },
    { "loneliness",                 { "Yksinäisyys", "Ensamhet", "Loneliness" } },
    { "income",                     { "Toimeentulo", "Försörjning", "Income" } },
    { "livelihood",                 { "Toimeentulo", "Försörjning", "Livelihood" } },
    { "health",                     { "Terveys", "Hälsa", "Health" } },
    { "mental_health",              { "Mielenterveys", "Psykisk hälsa", "Mental health" } },
    { "substance_use",              { "Päihteet", "Missbruk", "Substance use" } },
    { "employment",                 { "Työllistyminen", "Sysselsättning", "Employment" } },
    { "education",                  { "Koulutus", "Utbildning", "Education" } },
    { "relationships",              { "Ihmissuhteet", "Relationer", "Relationships" } },
    { "violence",                   { "Väkivalta", "Våld", "Violence" } },
    { "digital_exclusion",          { "Digisyrjäytyminen", "Digitalt utanförskap", "Digital exclusion" } },
    { "life_management",            { "Elämänhallinta", "Livshantering", "Life management" } },

    //  workload
    { "worker",                     { "Työntekijä", "Arbetstagare", "Worker" } },
    { "organisation",               { "Organisaatio", "Organisation", "Organisation" } },
    { "unassigned",                 { "Ei vastuutyöntekijää", "Ingen ansvarig arbetstagare", "Unassigned" } },
    { "open_cases",                 { "Avoimet asiakkuudet", "Öppna klientskap", "Open cases" } },
    { "opened",                     { "Alkaneet", "Inledda", "Opened" } },
    { "closed",                     { "Päättyneet", "Avslutade", "Closed" } },
    { "contacts_meeting",           { "Tapaamiset", "Möten", "Contacts: meetings" } },
    { "contacts_phone",             { "Puhelut", "Samtal", "Contacts: phone" } },
    { "contacts_home_visit",        { "Kotikäynnit", "Hembesök", "Contacts: home visits" } },
    { "contacts_network_meeting",   { "Verkostopalaverit", "Nätverksmöten", "Contacts: network meetings" } },
    { "contacts_digital",           { "Digitaaliset yhteydet", "Digitala kontakter", "Contacts: digital" } },
    { "assessments_in_time",        { "Arvioinnit ajallaan", "Bedömningar i tid", "Assessments in time" } },
    { "assessments_late",           { "Myöhästyneet arvioinnit", "Försenade bedömningar", "Assessments late" } },
    { "reviews_overdue",            { "Erääntyneet suunnitelman tarkistukset", "Försenade planeringsgenomgångar",
                                      "Plan reviews overdue" } },

    //  ESF+ indicators and answers (intake's attributes)
    { "yes",                        { "Kyllä", "Ja", "Yes" } },
    { "no",                         { "Ei", "Nej", "No" } },
    { "prefers_not_to_say",         { "Ei halua kertoa", "Vill inte uppge", "Prefers not to say" } },
    { "foreign_background",         { "Ulkomainen tausta", "Utländsk bakgrund", "Foreign background" } },
    { "disability",                 { "Vammaisuus", "Funktionsnedsättning", "Disability" } },
    { "homeless",                   { "Asunnottomuus", "Bostadslöshet", "Homelessness" } },
    { "homelessness",               { "Asunnottomuus", "Bostadslöshet", "Homelessness" } },
    { "living_alone",               { "Asuu yksin", "Bor ensam", "Living alone" } },
    { "language",                   { "Kieli", "Språk", "Language" } },
    { "fi",                         { "Suomi", "Finska", "Finnish" } },
    { "sv",                         { "Ruotsi", "Svenska", "Swedish" } },
    { "en",                         { "Englanti", "Engelska", "English" } },
    { "se",                         { "Saame", "Samiska", "Sámi" } },
    { "entry_route",                { "Osallistumisen reitti", "Deltagandets väg", "Entry route" } },

    //  esf_results (ESR:n yhteiset tulosindikaattorit)
    { "timepoint",                  { "Ajankohta", "Tidpunkt", "Timepoint" } },
    { "indicator",                  { "Indikaattori", "Indikator", "Indicator" } },
    { "six_months",                 { "Kuusi kuukautta lopettamisen jälkeen", "Sex månader efter avslut",
                                      "Six months after leaving" } },
    { "left",                       { "Lopettaneet", "Deltagare som lämnat", "Left" } },
    { "result_known",               { "Tilanne tiedossa", "Situationen känd", "Result known" } },
    { "not_reached",                { "Ei tavoitettu", "Ej nådda", "Not reached" } },
    { "not_due",                    { "Ei vielä ajankohtainen", "Ännu inte aktuell", "Not yet due" } },
    { "not_recorded",               { "Ei kirjattu", "Ej registrerat", "Not recorded" } },
    { "in_education_or_training",   { "Opiskelee tai koulutuksessa", "I utbildning", "In education or training" } },
    { "gained_qualification",       { "Suoritti tutkinnon tai sai pätevyyden", "Erhöll en kvalifikation",
                                      "Gained a qualification" } },
    { "in_employment",              { "Työssä (myös yrittäjät)", "Sysselsatt (även egenföretagare)",
                                      "In employment (self-employment included)" } },
    { "of_which_self_employed",     { "joista yrittäjiä", "varav egenföretagare", "of which self-employed" } },
    { "job_searching",              { "Hakee työtä", "Söker arbete", "Job searching" } },
    { "improved_situation",         { "Työmarkkinatilanne parantunut", "Förbättrad situation på arbetsmarknaden",
                                      "Improved labour-market situation" } },
    { NULL }
};

bool
cli_lang_parse (const char *text, cli_lang_t *lang)
{
    for (int index = 0; index < CLI_LANGS; index++)
        if (text && strcmp (text, cli_lang_code ((cli_lang_t) index)) == 0) {
            *lang = (cli_lang_t) index;
            return true;
        }
    return false;
}

const char *
cli_lang_code (cli_lang_t lang)
{
    return lang == CLI_LANG_SV ? "sv" : lang == CLI_LANG_EN ? "en" : "fi";
}

static const char *
s_find (const s_label_t *table, const char *code, cli_lang_t lang)
{
    for (; code && table->code; table++)
        if (strcmp (table->code, code) == 0)
            return table->name [lang];
    return NULL;
}

const char *
cli_label (const char *code, cli_lang_t lang)
{
    return s_find (s_labels, code, lang);
}

const char *
cli_label_report (const char *report, cli_lang_t lang)
{
    return s_find (s_reports, report, lang);
}

const char *
cli_label_at (size_t index)
{
    return index < sizeof s_labels / sizeof s_labels [0] ? s_labels [index].code : NULL;
}
