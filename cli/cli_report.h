/*  The report writers of `kumppani report`: a list of ReportTable replies
    as CSV, JSON or one self-contained HTML page. Suppressed cells (the
    disclosure control's) are written as ".." in CSV and HTML and as null in
    JSON: never a value. */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>
#include <stdio.h>

#define CLI_SUPPRESSED_MARK ".."
#define CLI_STRUCTURAL_ZERO_MARK "-"     //  a structural zero (ReportCell.structural_zero)

//  True if text is a plain decimal number (what JSON may carry unquoted).
bool cli_report_is_number (const char *text);
//  What a reader sees of a cell: a municipality's name where the service
//  gave one (CSV and HTML), else its value.
const char *cli_report_shown (const Kumppani__V1__ReportCell *cell);
//  0, or -1 if writing failed.
int cli_report_write_csv (FILE *out, const Kumppani__V1__ReportTable *table);
int cli_report_write_json (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count);
int cli_report_write_html (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count);

#endif
