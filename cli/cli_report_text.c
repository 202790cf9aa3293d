/*  CSV (RFC 4180) and JSON for report tables. */
#include "cli_report.h"
#include "kp_json.h"

#include <ctype.h>
#include <string.h>

bool
cli_report_is_number (const char *text)
{
    const char *cursor = text;
    if (*cursor == '-')
        cursor++;
    if (!isdigit ((unsigned char) *cursor))
        return false;
    //  No leading zeros ("091" is a municipality code, not ninety-one).
    if (*cursor == '0' && isdigit ((unsigned char) cursor [1]))
        return false;
    while (isdigit ((unsigned char) *cursor))
        cursor++;
    if (*cursor == '.') {
        cursor++;
        if (!isdigit ((unsigned char) *cursor))
            return false;
        while (isdigit ((unsigned char) *cursor))
            cursor++;
    }
    return *cursor == 0;
}

static void
s_csv_field (FILE *out, const char *text)
{
    if (!strpbrk (text, ",\"\r\n")) {
        fputs (text, out);
        return;
    }
    fputc ('"', out);
    for (const char *cursor = text; *cursor; cursor++) {
        if (*cursor == '"')
            fputc ('"', out);
        fputc (*cursor, out);
    }
    fputc ('"', out);
}

int
cli_report_write_csv (FILE *out, const Kumppani__V1__ReportTable *table)
{
    for (size_t column = 0; column < table->n_columns; column++) {
        if (column)
            fputc (',', out);
        s_csv_field (out, table->columns [column]);
    }
    fputs ("\r\n", out);
    for (size_t row = 0; row < table->n_rows; row++) {
        const Kumppani__V1__ReportRow *cells = table->rows [row];
        for (size_t column = 0; column < cells->n_cells; column++) {
            if (column)
                fputc (',', out);
            const Kumppani__V1__ReportCell *cell = cells->cells [column];
            s_csv_field (out, cell->suppressed ? CLI_SUPPRESSED_MARK : cli_report_shown (cell));
        }
        fputs ("\r\n", out);
    }
    return ferror (out) ? -1 : 0;
}

const char *
cli_report_shown (const Kumppani__V1__ReportCell *cell)
{
    //  "-": nil by construction (the statistical convention), not a count
    //  that happened to be 0 (those are suppressed: "..").
    if (cell->structural_zero)
        return CLI_STRUCTURAL_ZERO_MARK;
    return cell->name && *cell->name ? cell->name : cell->value;
}

static void
s_json_table (FILE *out, const Kumppani__V1__ReportTable *table)
{
    fputs ("{\"report\":", out);
    kp_json_write_string (out, table->report);
    fputs (",\"period_start\":", out);
    kp_json_write_string (out, table->period_start);
    fputs (",\"period_end\":", out);
    kp_json_write_string (out, table->period_end);
    fprintf (out, ",\"threshold\":%u,\"columns\":[", table->threshold);
    for (size_t column = 0; column < table->n_columns; column++) {
        if (column)
            fputc (',', out);
        kp_json_write_string (out, table->columns [column]);
    }
    fputs ("],\"rows\":[", out);
    size_t suppressed = 0, structural = 0;
    for (size_t row = 0; row < table->n_rows; row++) {
        const Kumppani__V1__ReportRow *cells = table->rows [row];
        fputs (row ? ",{" : "{", out);
        for (size_t column = 0; column < cells->n_cells && column < table->n_columns; column++) {
            const Kumppani__V1__ReportCell *cell = cells->cells [column];
            if (column)
                fputc (',', out);
            kp_json_write_string (out, table->columns [column]);
            fputc (':', out);
            if (cell->suppressed) {
                fputs ("null", out);
                suppressed++;
            }
            else
            if (cell->structural_zero) {
                fputs ("0", out);
                structural++;
            }
            else
            if (!cell->label && cli_report_is_number (cell->value))
                fputs (cell->value, out);
            else
                kp_json_write_string (out, cell->value);
        }
        fputc ('}', out);
    }
    //  Which zeros are structural: [row, column] pairs (0 in the rows).
    fprintf (out, "],\"suppressed_cells\":%zu,\"structural_zeros\":[", suppressed);
    for (size_t row = 0, listed = 0; row < table->n_rows && listed < structural; row++)
        for (size_t column = 0; column < table->rows [row]->n_cells && column < table->n_columns; column++)
            if (table->rows [row]->cells [column]->structural_zero) {
                fprintf (out, "%s[%zu,", listed++ ? "," : "", row);
                kp_json_write_string (out, table->columns [column]);
                fputc (']', out);
            }
    //  The additive relations the service audited the suppression against
    //  (cell = row * columns + column; from rows * columns on, a count the
    //  table never publishes): a reader can audit this output again.
    fprintf (out, "],\"unpublished_counts\":%u,\"relations\":[", table->unpublished_counts);
    for (size_t relation = 0; relation < table->n_relations; relation++) {
        fputs (relation ? ",[" : "[", out);
        for (size_t index = 0; index < table->relations [relation]->n_cells; index++)
            fprintf (out, "%s%u", index ? "," : "", table->relations [relation]->cells [index]);
        fputc (']', out);
    }
    fputs ("]}", out);
}

//  One table as an object; several as an array of them.
int
cli_report_write_json (FILE *out, Kumppani__V1__ReportTable *const *tables, size_t count)
{
    if (count != 1)
        fputc ('[', out);
    for (size_t index = 0; index < count; index++) {
        if (index)
            fputc (',', out);
        s_json_table (out, tables [index]);
    }
    if (count != 1)
        fputc (']', out);
    fputc ('\n', out);
    return ferror (out) ? -1 : 0;
}
