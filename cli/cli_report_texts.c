/*  cli_report_texts — the sentences of the funder's page in Finnish,
    Swedish and English: headings, the explanation of disclosure control
    and each report's counting rules. The rules follow the README's
    Reporting section; when the README's rules change, change them here
    (one entry per report, three languages side by side). */
#include "cli_report_labels.h"

#include <string.h>

typedef struct {
    const char *key;
    const char *text [CLI_LANGS];       //  fi, sv, en
} s_text_t;

static const s_text_t s_texts [] = {
    { "title",          { "Raportti rahoittajalle", "Rapport till finansiären", "Report for the funder" } },
    { "project",        { "Hanke", "Projekt", "Project" } },
    { "owner",          { "Hallinnoija", "Förvaltare", "Owner" } },
    { "areas",          { "Alueet", "Områden", "Areas" } },
    { "period",         { "Raportointikausi", "Rapporteringsperiod", "Reporting period" } },
    { "project_period", { "Hankkeen kesto", "Projektets löptid", "Project period" } },
    { "generated",      { "Laadittu", "Sammanställd", "Generated" } },
    { "threshold",      { "Salausraja", "Gräns för röjandeskydd", "Disclosure threshold" } },
    { "no_area",        { "Ei aluerajausta", "Ingen områdesavgränsning", "Not limited to an area" } },
    { "no_project",     { "Ei hanketta (kaikki oman alueen asiakkaat)", "Inget projekt (alla klienter i området)",
                          "No project (all clients of the area)" } },
    { "contents",       { "Sisältö", "Innehåll", "Contents" } },
    { "no_rows",        { "Ei raportoitavaa tällä kaudella ja rajauksella.",
                          "Inget att rapportera för perioden och avgränsningen.",
                          "Nothing to report for this period and scope." } },
    { "part",           { "osa", "del", "part" } },
    { "rules",          { "Miten luvut lasketaan", "Hur siffrorna räknas", "How the figures are counted" } },
    { "suppression_heading", { "Tietosuoja: salatut luvut", "Röjandeskydd: dolda siffror",
                          "Disclosure control: suppressed figures" } },
    { "suppression",    { "Luvut, joissa on vähemmän ihmisiä kuin salausraja (oletus 5, ei koskaan alle 3), "
                          "on salattu, myös nollat. Lisäksi on salattu ne luvut, joista salatun luvun voisi "
                          "laskea rivi- tai sarakesummista tai päällekkäisten rivien erotuksesta. Salattu luku "
                          "näkyy taulukossa merkkinä .. eikä sitä piirretä kaavioihin. Mediaanit, osuudet ja "
                          "korvaukset salataan yhdessä niiden lukujen kanssa, joista ne lasketaan. Salaus tehdään "
                          "palvelussa ennen kuin luvut lähtevät, joten tämäkään sivu ei sisällä salattuja arvoja.",
                          "Siffror som gäller färre personer än gränsen (standard 5, aldrig under 3) är dolda, "
                          "även nollor. Dolda är också de siffror ur vilka en dold siffra kunde räknas fram "
                          "via rad- eller kolumnsummor eller skillnaden mellan överlappande rader. En dold "
                          "siffra visas som .. i tabellen och ritas inte i diagrammen. Medianer, andelar och "
                          "ersättningar döljs tillsammans med de siffror de räknas ur. Skyddet tillämpas i "
                          "tjänsten innan siffrorna lämnar den, så inte heller denna sida innehåller dolda värden.",
                          "Counts of fewer people than the threshold (default 5, never below 3) are suppressed, "
                          "zeros included. So is every further figure from which a suppressed one could be "
                          "recovered through row or column totals or the difference of overlapping rows. A "
                          "suppressed figure shows as .. in the tables and is left out of the charts. Medians, "
                          "shares and compensation are hidden with the counts they are computed from. The "
                          "service applies this before any figure leaves it, so this page holds no hidden value "
                          "either." } },
    { "suppressed_cell", { "salattu (tietosuoja)", "dold (röjandeskydd)", "suppressed by disclosure control" } },
    { "unlabelled",     { "koodi ilman nimeä", "kod utan namn", "code without a name" } },
    { "chart_left_out", { "Kaavioon ei ole piirretty salattuja lukuja (..); niitä on",
                          "Dolda siffror (..) har inte ritats i diagrammet; de är",
                          "Suppressed figures (..) are left out of the chart:" } },
    { "chart_all_hidden", { "Kaaviota ei piirretty: kaikki sen luvut ovat salattuja.",
                          "Diagrammet ritades inte: alla dess siffror är dolda.",
                          "No chart: every figure it would show is suppressed." } },
    { "chart_participants", { "Osallistujat sukupuolen ja ikäryhmän mukaan", "Deltagare efter kön och åldersgrupp",
                          "Participants by gender and age band" } },
    { "chart_referral_sla", { "Yhteydenotot kuukausittain: määräajassa ja ylitykset",
                          "Kontakter per månad: inom tidsfristen och överskridna",
                          "Referrals by month: within the deadline and breaches" } },
    { "chart_groups",   { "Kävijät kuukausittain: osallistumiskerrat ja nimettömät kävijät",
                          "Besökare per månad: deltagartillfällen och anonyma besökare",
                          "Visitors by month: attendances and anonymous headcounts" } },
    { "chart_talousneuvola", { "Käynnit kuukausittain", "Besök per månad", "Visits by month" } },
    { "chart_outcomes", { "Parantuneet osioittain", "Förbättrade per delområde", "Clients improved per item" } },
    { "chart_social_reporting", { "Asiakkaita koskee teemoittain ja alueittain", "Berörda klienter per tema och område",
                          "Clients concerned by theme and area" } },
    { "chart_workload", { "Asiakkuudet kuukausittain: avoimet, alkaneet ja päättyneet",
                          "Klientskap per månad: öppna, inledda och avslutade",
                          "Cases by month: open, opened and closed" } },
    { NULL }
};

//  Each report's counting rules, from the README.
static const s_text_t s_rules [] = {
    { "participants", {
        "Jokainen henkilö lasketaan kerran (hankkeen raportissa kerran hanketta kohden). Aloittaessa: "
        "tiedot sellaisina kuin ne olivat, kun henkilön ensimmäinen asiakkuus avattiin kaudella. "
        "Lopettaessa: tiedot, kun henkilön viimeinen asiakkuus päättyi, jos kaikki hänen asiakkuutensa "
        "olivat päättyneet kauden loppuun mennessä; yhä asiakkaana olevilla ei ole lopetusriviä. Tiedot "
        "(ikä, sukupuoli, työmarkkina-asema, koulutustaso, kunta) tallennetaan ilman henkilöllisyyttä "
        "asiakkuuden avaamisen tai päättämisen yhteydessä. Kohderyhmät (alle 25 ja alle 34) ovat "
        "päällekkäisiä ikäryhmien kanssa eivätkä summaudu.",
        "Varje person räknas en gång (i ett projekts rapport en gång per projekt). Vid start: uppgifterna "
        "som de var när personens första klientskap öppnades under perioden. Vid avslut: uppgifterna när "
        "personens sista klientskap avslutades, om alla hade avslutats före periodens slut; den som "
        "fortfarande är klient har ingen avslutsrad. Uppgifterna (ålder, kön, ställning på arbetsmarknaden, "
        "utbildningsnivå, kommun) sparas utan identitet när klientskapet öppnas eller avslutas. Målgrupperna "
        "(under 25 och under 34) överlappar åldersgrupperna och summeras inte.",
        "Each person is counted once (in a project's report, once per project). At entry: as they were "
        "when their first case in scope opened in the period. At exit: as they were when the last of their "
        "cases closed, if all had closed by the period's end; people still open have no exit row. The "
        "attributes (age, gender, labour-market status, education level, municipality) are kept without "
        "identity when the case opens or closes. The target groups (under 25, under 34) overlap the age "
        "bands and do not add up." } },
    { "workload", {
        "Organisaatioittain (kunnittain) ja kuukausittain: kuukauden lopussa avoinna olleet asiakkuudet, "
        "kuukauden aikana alkaneet ja päättyneet, asiakaskontaktit lajeittain, ajallaan ja myöhässä "
        "aloitetut palvelutarpeen arvioinnit sekä kuukauden lopussa erääntyneet suunnitelman tarkistukset. "
        "Työntekijäkohtaiset rivit näkee vain organisaation oma koordinaattori.",
        "Per organisation (kommun) och månad: klientskap öppna vid månadens slut, inledda och avslutade "
        "under månaden, kontakter per typ, bedömningar av servicebehovet påbörjade i tid och försenade samt "
        "planeringsgenomgångar försenade vid månadens slut. Rader per arbetstagare ser endast "
        "organisationens egen koordinator.",
        "Per organisation (municipality) and month: cases open at the month's end, opened and closed in "
        "it, contacts by kind, service-need assessments started in time and late, and plan reviews overdue "
        "at the month's end. Only the organisation's own coordinator sees the rows per worker." } },
    { "referral_sla", {
        "Sosiaalihuollolle tulleet yhteydenotot kunnittain, kuukausittain ja lajeittain: kuinka moni "
        "kuitattiin ja montako työpäivää se kesti (mediaani ja 90 %), sama palvelutarpeen arvioinnin "
        "aloittamisesta, sekä lakisääteinen määräaika: pidetty tai ylitetty (myöhästynyt tai yhä kesken "
        "määräajan jälkeen). Työpäivät lasketaan Suomen pyhäpäiväkalenterin mukaan.",
        "Kontakter till socialvården per kommun, månad och typ: hur många som kvitterades och hur många "
        "arbetsdagar det tog (median och 90 %), detsamma för starten av bedömningen av servicebehovet, samt "
        "den lagstadgade tidsfristen: hållen eller överskriden (försenad eller fortfarande pågående efter "
        "fristen). Arbetsdagar räknas enligt den finländska helgdagskalendern.",
        "Notices to social services by municipality, month and kind: how many were acknowledged and how "
        "many working days that took (median, 90th percentile), the same for the start of the service-need "
        "assessment, and the statutory clock: met, or breached (missed, or still running past the "
        "deadline). Working days follow the Finnish calendar of public holidays." } },
    { "groups", {
        "Alueittain ja toimintamuodoittain, kuukausittain ja koko kaudelta: ryhmät, joilla oli pidetty "
        "kokoontuminen, pidetyt kokoontumiset, kokoontumisia ryhmää kohden, vähintään N kertaa kokoontuneet "
        "ryhmät (kauden riveillä), osallistumiskerrat, nimettömät kävijämäärät ja maksetut korvaukset. "
        "Osallistumiskerrat ja kävijät ovat ihmisten lukumääriä; kuukaudet summautuvat kauden riviin.",
        "Per område och verksamhetsform, per månad och för hela perioden: grupper med en hållen träff, "
        "hållna träffar, träffar per grupp, grupper som träffats minst N gånger (periodens rader), "
        "deltagartillfällen, anonyma besökarantal och utbetalda ersättningar. Deltagartillfällen och besökare "
        "räknar personer; månaderna summeras till periodens rad.",
        "By area and kind, each month and then the whole period: groups with a session held, sessions held, "
        "meetings per group, groups meeting at least N times (period rows), attendances, anonymous "
        "headcounts and compensation paid. Attendances and headcounts count people; the months add up to "
        "the period row." } },
    { "talousneuvola", {
        "Pidetyt vastaanotot, kävijät ja sovitut jatkotapaamiset alueittain ja kuukausittain sekä yhteensä; "
        "kävijät aiheittain (yksi käynti voi koskea useaa aihetta, joten aiheet eivät summaudu); henkilöstö "
        "organisaatiotyypeittäin (työntekijöitä, ei asiakkaita).",
        "Hållna mottagningar, besökare och överenskomna uppföljningar per område och månad samt totalt; "
        "besökare per ämne (ett besök kan gälla flera ämnen, så ämnena summeras inte); bemanning per "
        "organisationstyp (anställda, inte klienter).",
        "Sessions held, visitors and follow-ups agreed by area and month, with their total; visitors per "
        "topic (a visit may touch several topics, so these do not add up); staffing by organisation type "
        "(staff are workers, not clients)." } },
    { "outcomes", {
        "Mittarin (AVAIN, Kykyviisari) muutos alku- ja loppumittauksen välillä osioittain ja toimenpiteen "
        "lajeittain: mittausparien määrä, parantuneet (osion hyvään suuntaan) ja keskimääräinen muutos. "
        "Pari on saman asiakkuuden (ja toimenpiteen) ensimmäinen alku- ja viimeinen loppumittaus samalla "
        "mittarilla; loppumittaus on kaudella.",
        "Förändringen i en mätare (AVAIN, Kykyviisari) mellan start- och slutmätning per delområde och "
        "typ av åtgärd: antal mätpar, förbättrade (i delområdets goda riktning) och genomsnittlig förändring. "
        "Ett par är samma klientskaps (och åtgärds) första startmätning och sista slutmätning med samma "
        "mätare; slutmätningen ligger inom perioden.",
        "Change in an outcome instrument (AVAIN, Kykyviisari) from the start to the end measurement, per "
        "item and kind of measure: how many pairs, how many improved (in the item's good direction), the "
        "mean change. A pair is one case's (and measure's) first start and last end measurement with the "
        "same instrument; the end falls in the period." } },
    { "social_reporting", {
        "Työntekijöiden havainnot, joiden ajanjakso osuu raportointikaudelle, teemoittain ja alueittain: "
        "havaintojen määrä ja kuinka moni asiakas niitä koskee. Havainnot eivät nimeä asiakkaita.",
        "Arbetstagarnas observationer vars period sammanfaller med rapporteringsperioden, per tema och "
        "område: antal observationer och hur många klienter de gäller. Observationerna namnger inga klienter.",
        "Workers' observations whose period meets the report's, by theme and area: how many observations "
        "and how many clients they concern. Observations name no client." } },
    { "targets", {
        "Hankkeen tavoitteet ja niiden toteuma kaudella: tavoite on saavutettu, kun toteuma on vähintään "
        "alaraja (ja enintään yläraja, jos sellainen on). Ihmisiä laskeva toteuma salataan kuten muutkin "
        "luvut. Tavoite ilman mittaria seurataan käsin.",
        "Projektets mål och utfallet under perioden: ett mål är uppnått när utfallet är minst den nedre "
        "gränsen (och högst den övre, om en sådan finns). Ett utfall som räknar personer döljs som andra "
        "siffror. Ett mål utan mått följs upp manuellt.",
        "The project's targets with their actual figure over the period: a target is met when the actual "
        "is at least its minimum (and at most its maximum, when it has one). An actual that counts people "
        "goes through disclosure control like every count. A target without a metric is tracked by hand." } },
    { NULL }
};

static const char *const s_months [CLI_LANGS][12] = {
    { "tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu",
      "syyskuu", "lokakuu", "marraskuu", "joulukuu" },
    { "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
      "november", "december" },
    { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December" }
};

const char *
cli_text (const char *key, cli_lang_t lang)
{
    for (const s_text_t *text = s_texts; text->key; text++)
        if (strcmp (text->key, key) == 0)
            return text->text [lang];
    return key;
}

const char *
cli_text_rules (const char *report, cli_lang_t lang)
{
    for (const s_text_t *text = s_rules; text->key; text++)
        if (strcmp (text->key, report) == 0)
            return text->text [lang];
    return NULL;
}

const char *
cli_text_month (int month, cli_lang_t lang)
{
    return month >= 1 && month <= 12 ? s_months [lang][month - 1] : NULL;
}

const char *
cli_text_key_at (size_t index)
{
    return index < sizeof s_texts / sizeof s_texts [0] ? s_texts [index].key : NULL;
}
