/*  bench_calendar — the Finnish working-day calendar as rows, so the
    report benchmark's data and hand-written SQL count working days by the
    same rule as the services (kp_calendar, the one definition) instead of
    a second copy of the holidays in SQL. One line per day from FROM to TO:

        day <TAB> working days from FROM up to and including day

    With n that count, working days in (a, b] are n(b) - n(a), and the 7th
    working day after a is the first day whose n is n(a) + 7. bench/run.sh
    loads it into bench.calendar.

        bench_calendar FROM TO      (YYYY-MM-DD) */
#include "kp_calendar.h"

#include <stdio.h>

int
main (int argc, char **argv)
{
    kp_date_t from, to;
    if (argc != 3 || kp_date_parse (argv [1], &from) || kp_date_parse (argv [2], &to) || to < from) {
        fprintf (stderr, "usage: bench_calendar FROM TO   (YYYY-MM-DD, FROM <= TO)\n");
        return 2;
    }
    int working = 0;
    for (kp_date_t date = from; date <= to; date++) {
        char text [11];
        working += kp_calendar_is_working_day (date);
        kp_date_format (date, text);
        printf ("%s\t%d\n", text, working);
    }
    return 0;
}
