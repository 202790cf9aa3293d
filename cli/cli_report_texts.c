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
    { "chart_referral_partner_sla", { "Ohjaukset lajeittain ja vastaanottajittain: hyväksytyt ja hylätyt",
                          "Hänvisningar per typ och mottagare: godkända och avböjda",
                          "Referrals by kind and receiver: accepted and declined" } },
    { "chart_placements", { "Alkaneet ja loppuun suoritetut jaksot alueittain",
                          "Inledda och fullföljda perioder per område",
                          "Placements started and completed by area" } },
    { "chart_feedback", { "Palautelomakkeet alueittain ja toimintamuodoittain",
                          "Responsformulär per område och verksamhetsform",
                          "Feedback forms by area and kind of activity" } },
    { "chart_esf_participants", { "Aloittaneet osallistujat sukupuolen mukaan", "Deltagare vid start efter kön",
                          "Participants at entry by gender" } },
    { "chart_esf_results", { "Tulokset sukupuolen mukaan", "Resultat efter kön", "Results by gender" } },
    { "chart_workload", { "Asiakkuudet kuukausittain: avoimet, alkaneet ja päättyneet",
                          "Klientskap per månad: öppna, inledda och avslutade",
                          "Cases by month: open, opened and closed" } },
    { NULL }
};

//  Each report's counting rules, from the README.
static const s_text_t s_rules [] = {
    { "referral_partner_sla", {
        "Kaikki kaudella vastaanotetut ohjaukset, kunnalle tai kumppanille (järjestö, talous- ja "
        "velkaneuvonta, seurakunta …), ohjauksen lajin ja vastaanottajan tyypin mukaan: vastaanotetut; "
        "vastatut (vastaanottaja hyväksyi tai hylkäsi ohjauksen) ja työpäivät vastaanottopäivästä "
        "ensimmäiseen hyväksymiseen tai hylkäämiseen (mediaani ja 90 %, samana päivänä vastattu on 0); "
        "hyväksytyt ja hylätyt; ne, joille on kirjattu lopputulos, ja niiden osuus vastaanotetuista. "
        "Työpäivät lasketaan Suomen pyhäpäiväkalenterin mukaan, kuten yhteydenottojen määräajoissa.",
        "Alla hänvisningar som tagits emot under perioden, till en kommun eller till en partner "
        "(organisation, ekonomi- och skuldrådgivning, församling …), per typ av hänvisning och typ av "
        "mottagare: mottagna; besvarade (mottagaren godkände eller avböjde hänvisningen) och arbetsdagarna "
        "från mottagningsdagen till det första godkännandet eller avböjandet (median och 90 %, svar samma "
        "dag räknas som 0); godkända och avböjda; de med ett registrerat utfall och deras andel av de "
        "mottagna. Arbetsdagar räknas enligt den finländska helgdagskalendern, som för kontakternas tidsfrister.",
        "Every referral received in the period, to a municipality or to a partner (NGO, debt counselling, "
        "parish, …), by kind and receiver type: received; answered (the receiver accepted or declined it) "
        "and the working days from the day received to the first acceptance or decline (median, 90th "
        "percentile; an answer on the day it came counts 0); accepted and declined; those with an outcome "
        "recorded, and their share of those received. Working days follow the Finnish calendar of public "
        "holidays, as in the referral SLA." } },
    { "placements", {
        "Kuntouttava työtoiminta alueittain kaudella: alkaneet jaksot (sopimuksen alkupäivä osuu kaudelle), "
        "loppuun suoritetut ja keskeytyneet syittäin (sairaus, siirtyi työhön, siirtyi koulutukseen, "
        "asiakkaan päätös, poissaolot, muu; viimeinen päivä osuu kaudelle), toteutuneet päivät ja niistä "
        "maksetut korvaukset (päivien kuukausien mukaan) sekä yhteensä-rivi. Jaksot ovat ihmisiä: jokainen "
        "luku salataan tarvittaessa, ja päivät ja korvaukset salataan rivin alkaneiden jaksojen kanssa. "
        "Ei hankekohtainen.",
        "Arbetsverksamhet i rehabiliteringssyfte per område under perioden: inledda perioder (avtalets "
        "startdag infaller under perioden), fullföljda och avbrutna per orsak (sjukdom, övergick till arbete, "
        "övergick till utbildning, klientens beslut, uteblivna dagar, annan; sista dagen infaller under "
        "perioden), närvarodagar och ersättningar för dem (enligt dagarnas månader) samt en rad totalt. "
        "Perioderna är personer: varje siffra går genom röjandeskyddet, och dagar och ersättningar döljs "
        "med radens inledda perioder. Inte per projekt.",
        "Rehabilitative work activity by area over the period: placements started (the agreement's start "
        "falls in the period), ended as completed or interrupted, by reason (illness, moved to work, moved "
        "to education, the client's decision, no-shows, other; the last day falls in the period), days "
        "attended and the compensation paid for them (by the months of the days), with a total row. "
        "Placements are people: every count goes through disclosure control, and days and compensation "
        "are hidden with the row's placements started. Not per project." } },
    { "feedback", {
        "Ryhmien nimettömät palautelomakkeet alueittain ja toimintamuodoittain kaudella (kokoontumisen "
        "päivä tai koko ryhmää koskevan lomakkeen kirjauspäivä): lomakkeiden määrä ja kunkin asteikon "
        "keskiarvo, 1 (huonosti) – 5 (erittäin hyvin): kokonaisarvio, sosiaalinen merkitys, monipuolisuus, "
        "hyödyllisyys, sekä yhteensä-rivi. Lomakkeiden määrä salataan tarvittaessa ja keskiarvot sen mukana, "
        "joten salausrajaa harvemman lomakkeen keskiarvoa ei näytetä. Ei hankekohtainen.",
        "Gruppernas anonyma responsformulär per område och verksamhetsform under perioden (träffens dag, "
        "eller registreringsdagen för ett formulär om hela gruppen): antal formulär och medelvärdet för "
        "varje skala, 1 (dåligt) – 5 (mycket bra): helhetsbedömning, social betydelse, mångsidighet, nytta, "
        "samt en rad totalt. Antalet formulär går genom röjandeskyddet och medelvärdena döljs med det, så "
        "inget medelvärde av färre formulär än gränsen visas. Inte per projekt.",
        "The groups' anonymous feedback forms by area and kind of activity over the period (the day of the "
        "session, or of entry for a form about the whole group): how many forms, and the mean of each scale "
        "from 1 (poorly) to 5 (very well): all in all, social meaning, variety, usefulness, with a total "
        "row. The number of forms goes through disclosure control and the means are hidden with it, so no "
        "mean of fewer forms than the threshold is shown. Not per project." } },
    { "esf_participants", {
        "ESR+-osallistujat: samat henkilöt ja sama sääntö kuin osallistujaraportissa, kukin kerran "
        "aloittaessa ja lopettaessa, osallistumisen reitin, ulkomaisen taustan, vammaisuuden, "
        "asunnottomuuden ja yksin asumisen (kyllä, ei, ei halua kertoa, ei tiedossa: ei kysytty) sekä "
        "kielen (suomi, ruotsi, saame, muu, ei tiedossa) mukaan; sukupuoli joka rivillä. Kunkin jaottelun "
        "rivit summautuvat ajankohdan Yhteensä-riviin. Jos hanke laskee ryhmien osallistujat, mukana on "
        "myös se, joka oli läsnä hankkeen toiminnan kokoontumisessa (ei peruttu) alueella ja jolla ei ole "
        "rajaukseen kuuluvaa asiakkuutta: vain aloittaessa, ensimmäisestä tällaisesta kokoontumisesta, "
        "jonka on osuttava kaudelle (reitti ryhmät, tai talousneuvola, jos kaikki kokoontumiset olivat "
        "talousneuvolan). Henkilö, jolla on asiakkuus, lasketaan asiakkuuden kautta, vaikka hän "
        "osallistuisi myös ryhmiin. Tiedot ovat asiakkuuden avaamisen tai päättämisen ajalta, pelkkien "
        "ryhmäosallistujien asiakastiedoista raportin laatimishetkellä. Talousneuvolan nimettömät kävijät "
        "eivät ole osallistujia.",
        "ESF+-deltagare: samma personer och samma regel som i deltagarrapporten, var och en en gång vid "
        "start och vid avslut, efter deltagandets väg, utländsk bakgrund, funktionsnedsättning, "
        "bostadslöshet och boende ensam (ja, nej, vill inte uppge, okänt: inte frågat) samt språk "
        "(finska, svenska, samiska, annat, okänt); kön på varje rad. Varje indelnings rader summeras till "
        "tidpunktens rad Totalt. Om projektet räknar gruppdeltagare ingår även den som var närvarande vid "
        "en träff (inte inställd) i projektets verksamhet i området och inte har något klientskap inom "
        "avgränsningen: endast vid start, från den första sådana träffen, som ska infalla under perioden "
        "(vägen grupper, eller talousneuvola om alla träffar var talousneuvolans). Den som har ett "
        "klientskap räknas via det, oavsett vilka grupper hen också deltar i. Uppgifterna är de från när "
        "klientskapet öppnades eller avslutades, för enbart gruppdeltagare klientregistrets när rapporten "
        "tas fram. "
        "Talousneuvolans anonyma besökare är inte deltagare.",
        "ESF+ participants: the same people by the same rule as the participants report, each once at "
        "entry and at exit, by entry route, foreign background, disability, homelessness and living alone "
        "(yes, no, prefers not to say, unknown: never asked) and language (Finnish, Swedish, Sámi, other, "
        "unknown), with gender in every row. Each breakdown's rows add up to its snapshot's total row. "
        "When the project counts group participants, so is someone present at a session (not cancelled) "
        "of the project's activities in the area who has no case in scope: at entry only, on their first "
        "such session, which must fall in the period (route groups, or talousneuvola when every such "
        "session was one). Someone with a case is a case participant, whatever groups they also attend. "
        "The attributes are those of when the case opened or closed; a group-only participant's come from "
        "the client record when the report runs. Anonymous talousneuvola visitors are never participants." } },
    { "esf_results", {
        "Kaudella lopettaneet (osallistujaraportin lopetussääntö), kukin kerran, sukupuolen mukaan "
        "lopettaessa, ja heidän lopettamisen päättäneelle asiakkuudelle kirjatut tuloksensa lopettaessa ja "
        "kuusi kuukautta myöhemmin. Tilat summautuvat lopettaneisiin: tilanne tiedossa, ei tavoitettu, "
        "kieltäytyi, ei kirjattu, ja kuuden kuukauden kohdalla myös ei vielä ajankohtainen (kuusi kuukautta "
        "ei ole kulunut). Tiedossa olevista (sama henkilö voi olla useassa): opiskelee tai koulutuksessa, "
        "suoritti tutkinnon tai sai pätevyyden, työssä (myös yrittäjät), joista yrittäjiä, hakee työtä, ja "
        "kuuden kuukauden kohdalla työmarkkinatilanne parantunut.",
        "De som lämnat under perioden (deltagarrapportens avslutsregel), var och en en gång, efter kön vid "
        "avslut, med resultaten registrerade på det klientskap vars avslutande var deras avslut, vid avslut "
        "och sex månader senare. Statusarna summeras till dem som lämnat: situationen känd, ej nådda, "
        "avböjt, ej registrerat, och efter sex månader även ännu inte aktuell (sex månader har inte gått). "
        "Av de kända (samma person kan räknas i flera): i utbildning, erhöll en kvalifikation, sysselsatt "
        "(även egenföretagare), varav egenföretagare, söker arbete, och efter sex månader förbättrad "
        "situation på arbetsmarknaden.",
        "The people who left in the period (the participants report's exit rule), each once, by their "
        "gender at exit, with the results recorded on the case whose closing was their exit, at exit and "
        "six months after. The statuses add up to those who left: result known, not reached, declined, "
        "not recorded, and at six months also not yet due (six months have not passed). Of the known "
        "results (a person may count in several): in education or training, gained a qualification, in "
        "employment (self-employment included), of which self-employed, job searching, and at six months "
        "an improved labour-market situation." } },
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
        "määräajan jälkeen). Työpäivät lasketaan Suomen pyhäpäiväkalenterin mukaan. Tauolle asetetut: "
        "yhteydenotot, jotka on joskus asetettu tauolle, ja niiden työpäivät tauolla (mediaani ja 90 %) eli "
        "päivät, joilla määräaika siirtyi; tauolla olleen yhteydenoton määräaikaa verrataan siirrettyyn "
        "määräaikaan.",
        "Kontakter till socialvården per kommun, månad och typ: hur många som kvitterades och hur många "
        "arbetsdagar det tog (median och 90 %), detsamma för starten av bedömningen av servicebehovet, samt "
        "den lagstadgade tidsfristen: hållen eller överskriden (försenad eller fortfarande pågående efter "
        "fristen). Arbetsdagar räknas enligt den finländska helgdagskalendern. Pausade: kontakter som "
        "någon gång pausats och deras arbetsdagar i paus (median och 90 %), de dagar tidsfristen flyttades; "
        "en pausad kontakts tidsfrist bedöms mot den flyttade fristen.",
        "Notices to social services by municipality, month and kind: how many were acknowledged and how "
        "many working days that took (median, 90th percentile), the same for the start of the service-need "
        "assessment, and the statutory clock: met, or breached (missed, or still running past the "
        "deadline). Working days follow the Finnish calendar of public holidays. Put on hold: the notices "
        "ever put on hold and their working days on hold (median, 90th percentile), the days their deadline "
        "moved by; a held notice's clock is judged against the moved deadline." } },
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
