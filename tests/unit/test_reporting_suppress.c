/*  reporting_suppress: small tables whose suppression was worked out by
    hand (primary, whole rows, secondary against recovery from totals),
    the threshold's floor, and a property check over random tables. The
    module is compiled in here: unit tests link only libkp. */
#include "../../services/reporting/reporting_suppress.c"

#include <criterion/criterion.h>
#include <stdio.h>

TestSuite (reporting_suppress);

#define MAX_CELLS 64

//  Runs the cross-table helper and compares with the expected map, in
//  which 'x' marks a hidden cell and '.' a published one, one string per
//  row of the table as published (totals last).
static void
s_check (const int64_t *counts, size_t rows, size_t cols, int threshold,
         const char *const *expected, int expected_hidden)
{
    bool hidden [MAX_CELLS];
    int count = reporting_suppress_cross (counts, rows, cols, threshold, hidden);
    cr_assert_eq (count, expected_hidden, "%d hidden, expected %d", count, expected_hidden);
    for (size_t row = 0; row <= rows; row++)
        for (size_t col = 0; col <= cols; col++) {
            bool want = expected [row][col] == 'x';
            cr_assert_eq (hidden [row * (cols + 1) + col], want, "cell (%zu,%zu): %s, expected %s",
                          row, col, hidden [row * (cols + 1) + col] ? "hidden" : "shown",
                          want ? "hidden" : "shown");
        }
}

Test (reporting_suppress, large_cells_are_published)
{
    const int64_t counts [] = { 10, 20, 30, 40 };
    const char *const expected [] = { "...", "...", "..." };
    s_check (counts, 2, 2, 0, expected, 0);
}

//  2 is hidden; its row total 24 would give it back (24 - 10 - 12), so the
//  row's next smallest, 10, goes too; the columns then have one hidden
//  cell each (2 in column 0, 10 in column 1), so 8 and 7 go; that leaves
//  rows 1 and 2 with one each (8, 7): 9 and 11; then column 2 has only 9:
//  12. Every row and column now hides 0 or at least 2 cells.
Test (reporting_suppress, secondary_blocks_recovery_from_totals)
{
    const int64_t counts [] = {
         2, 10, 12,
         8, 15,  9,
        11,  7, 20
    };
    const char *const expected [] = { "xxx.", "x.x.", "xx..", "...." };
    s_check (counts, 3, 3, 5, expected, 7);
}

//  Row 0 totals 3: hidden whole, total included. Each column then has one
//  hidden cell, recoverable from the column totals, so row 1's cells (the
//  smallest visible in each column) go too; row 2 and the totals stay.
Test (reporting_suppress, small_row_is_hidden_whole)
{
    const int64_t counts [] = {
         1,  2,
        10, 20,
        15, 25
    };
    const char *const expected [] = { "xxx", "xxx", "...", "..." };
    s_check (counts, 3, 2, 5, expected, 6);
}

//  Column 0 totals 3 (the total is a small count too). Each row then has
//  one hidden cell, so its other cell goes: the whole first two columns.
Test (reporting_suppress, small_column_total)
{
    const int64_t counts [] = {
        2, 20,
        1, 30
    };
    const char *const expected [] = { "xx.", "xx.", "xx." };
    s_check (counts, 2, 2, 5, expected, 6);
}

//  A zero is a count under the threshold: publishing it says nobody in
//  the group has the attribute.
Test (reporting_suppress, zero_is_suppressed)
{
    const int64_t counts [] = { 0, 12, 9, 8 };
    const char *const expected [] = { "xx.", "xx.", "..." };
    s_check (counts, 2, 2, 5, expected, 4);
}

//  Equal candidates: the first in the line is taken, so the outcome is
//  the same every run.
Test (reporting_suppress, ties_take_the_first)
{
    const int64_t counts [] = {
        3, 7, 7,
        9, 9, 9
    };
    const char *const expected [] = { "xx..", "xx..", "...." };
    s_check (counts, 2, 3, 5, expected, 4);
}

//  A one-cell table under the threshold: cell and every total hidden.
Test (reporting_suppress, single_small_cell)
{
    const int64_t counts [] = { 3 };
    const char *const expected [] = { "xx", "xx" };
    s_check (counts, 1, 1, 5, expected, 4);
}

Test (reporting_suppress, threshold_never_below_three)
{
    reporting_suppress_t *rule = reporting_suppress_new (0);
    cr_assert_eq (reporting_suppress_threshold (rule), 5);
    reporting_suppress_destroy (&rule);
    reporting_suppress_destroy (&rule);         //  safe twice
    cr_assert_null (rule);
    int asked [] = { 1, 2, 3, 4, 10 }, got [] = { 3, 3, 3, 4, 10 };
    for (size_t index = 0; index < 5; index++) {
        rule = reporting_suppress_new (asked [index]);
        cr_assert_eq (reporting_suppress_threshold (rule), got [index]);
        reporting_suppress_destroy (&rule);
    }
    //  Asked for 2, the rule still hides a 2 (and its complements) ...
    const int64_t twos [] = { 2, 10, 10, 10 };
    const char *const hidden_two [] = { "xx.", "xx.", "..." };
    s_check (twos, 2, 2, 2, hidden_two, 4);
    //  ... but a 3 is published at 3 and hidden at the default 5.
    const int64_t threes [] = { 3, 10, 10, 10 };
    const char *const shown [] = { "...", "...", "..." };
    s_check (threes, 2, 2, 2, shown, 0);
    const char *const hidden_three [] = { "xx.", "xx.", "..." };
    s_check (threes, 2, 2, 0, hidden_three, 4);
}

//  The general form: a row whose people total is small hides every cell
//  declared in it, even cells that are large on their own (a statistic
//  row's parts); lines over other cells are left alone.
Test (reporting_suppress, declared_row_and_lines)
{
    reporting_suppress_t *rule = reporting_suppress_new (5);
    int a = reporting_suppress_cell (rule, 7);
    int b = reporting_suppress_cell (rule, 9);
    int c = reporting_suppress_cell (rule, 40);
    int d = reporting_suppress_cell (rule, 41);
    int row [] = { a, b };
    cr_assert_eq (reporting_suppress_row (rule, row, 2, 4), 0);
    int column [] = { a, c, d };            //  a + c = d
    cr_assert_eq (reporting_suppress_line (rule, column, 3), 0);
    cr_assert_eq (reporting_suppress_run (rule), 3);
    cr_assert (reporting_suppress_is_hidden (rule, a) && reporting_suppress_is_primary (rule, a));
    cr_assert (reporting_suppress_is_hidden (rule, b) && reporting_suppress_is_primary (rule, b));
    //  c is the complement that keeps a from being d - c.
    cr_assert (reporting_suppress_is_hidden (rule, c) && !reporting_suppress_is_primary (rule, c));
    cr_assert (!reporting_suppress_is_hidden (rule, d));
    reporting_suppress_destroy (&rule);
}

//  Random tables: after the rule, every small cell and every small row is
//  hidden, and no row or column (totals included) has exactly one hidden
//  cell, so none can be recovered from a published total by subtraction.
Test (reporting_suppress, random_tables_hold_the_invariants)
{
    srand (20230228);
    for (int round = 0; round < 2000; round++) {
        size_t rows = 1 + (size_t) (rand () % 5), cols = 1 + (size_t) (rand () % 5);
        int threshold = 3 + rand () % 4;
        int64_t counts [25];
        for (size_t index = 0; index < rows * cols; index++)
            counts [index] = rand () % 3 == 0 ? rand () % threshold : rand () % 40;
        bool hidden [36];
        cr_assert_geq (reporting_suppress_cross (counts, rows, cols, threshold, hidden), 0);
        size_t width = cols + 1;
        int64_t table [36] = { 0 };
        for (size_t row = 0; row < rows; row++)
            for (size_t col = 0; col < cols; col++) {
                table [row * width + col] = counts [row * cols + col];
                table [row * width + cols] += counts [row * cols + col];
                table [rows * width + col] += counts [row * cols + col];
                table [rows * width + cols] += counts [row * cols + col];
            }
        for (size_t row = 0; row <= rows; row++) {
            int in_row = 0;
            for (size_t col = 0; col <= cols; col++) {
                size_t cell = row * width + col;
                if (table [cell] < threshold)
                    cr_assert (hidden [cell], "round %d: small cell shown", round);
                if (table [row * width + cols] < threshold)
                    cr_assert (hidden [cell], "round %d: small row shown", round);
                in_row += hidden [cell];
            }
            cr_assert_neq (in_row, 1, "round %d: row %zu recoverable", round, row);
        }
        for (size_t col = 0; col <= cols; col++) {
            int in_col = 0;
            for (size_t row = 0; row <= rows; row++)
                in_col += hidden [row * width + col];
            cr_assert_neq (in_col, 1, "round %d: column %zu recoverable", round, col);
        }
    }
}
