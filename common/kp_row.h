/*  kp_row — reading a result's columns by the indices a row spec names
    (kp_db.h: KP_ROW_INDEX), never by bare numbers. The spec was held
    against the statement when it was prepared, so an index here is the
    column its name says, of the type its reader expects. */
#ifndef KP_ROW_H
#define KP_ROW_H

#include "kp_db.h"
#include "kp_enum.h"

#include <stdbool.h>
#include <stdint.h>

//  The column of a one-column row spec (a scalar statement's value).
#define KP_ROW_ONLY 0

//  The text of a column ("" for NULL), borrowed from the result.
const char *kp_row_text (const PGresult *result, int row, int column);
//  An integer column (int2/int4/int8); 0 for NULL.
int64_t kp_row_int (const PGresult *result, int row, int column);
//  A bool column; false for NULL.
bool kp_row_bool (const PGresult *result, int row, int column);
bool kp_row_null (const PGresult *result, int row, int column);
//  An enum column as its proto value (kp_enum_value); 0 for NULL.
int kp_row_enum (const PGresult *result, int row, int column, const ProtobufCEnumDescriptor *descriptor);

#endif
