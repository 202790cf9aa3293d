/*  The report writers of `kumppani report`: a list of ReportTable replies
    as CSV, JSON, one self-contained HTML page or that page as a PDF. Suppressed cells (the
    disclosure control's) are written as ".." in CSV and HTML and as null in
    JSON: never a value. */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#include "cli_report_labels.h"
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
//  The funder's page in lang (cli_report_html.c).
int cli_report_write_html (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count, cli_lang_t lang);
//  The same page printed to an A4 PDF by headless Chromium (cli_report_pdf.c):
//  0, or -1 with the reason on stderr.
int cli_report_write_pdf (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count, cli_lang_t lang);

#endif
