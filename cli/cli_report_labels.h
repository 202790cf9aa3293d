/*  The words of the funder's page (kumppani report --format html|pdf) in
    Finnish, Swedish and English: names for the reports, their columns and
    every category code the reporting service emits (cli_report_labels.c),
    and the page's own sentences: headings, the explanation of disclosure
    control and each report's counting rules (cli_report_texts.c, kept in
    one file so they can be updated with the README). */
#ifndef CLI_REPORT_LABELS_H
#define CLI_REPORT_LABELS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { CLI_LANG_FI = 0, CLI_LANG_SV, CLI_LANG_EN, CLI_LANGS } cli_lang_t;

//  "fi", "sv", "en" into *lang; false for anything else.
bool cli_lang_parse (const char *text, cli_lang_t *lang);
//  "fi", "sv" or "en".
const char *cli_lang_code (cli_lang_t lang);

//  The name of a column or category code in lang, or NULL if the table
//  has none (the page then shows the code, marked, and the label test
//  lists it).
const char *cli_label (const char *code, cli_lang_t lang);
//  A report's title in lang, or NULL for a report the page does not know.
const char *cli_label_report (const char *report, cli_lang_t lang);

//  The page's sentences, by key ("title", "suppression", …); never NULL
//  for a key the page uses (a missing one is the key itself, and the
//  label test fails).
const char *cli_text (const char *key, cli_lang_t lang);
//  A report's counting rules in lang, or NULL when none are written.
const char *cli_text_rules (const char *report, cli_lang_t lang);
//  A month's name ("tammikuu" / "januari" / "January"), month 1-12.
const char *cli_text_month (int month, cli_lang_t lang);

//  For the label test: the codes and the page's text keys in the tables,
//  in order; NULL past the end.
const char *cli_label_at (size_t index);
const char *cli_text_key_at (size_t index);

#endif
