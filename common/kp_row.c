/*  kp_row — typed readers of a result's columns (see kp_row.h). */
#include "kp_row.h"

#include <stdlib.h>

const char *
kp_row_text (const PGresult *result, int row, int column)
{
    return PQgetvalue (result, row, column);
}

int64_t
kp_row_int (const PGresult *result, int row, int column)
{
    return strtoll (PQgetvalue (result, row, column), NULL, 10);
}

bool
kp_row_bool (const PGresult *result, int row, int column)
{
    return *PQgetvalue (result, row, column) == 't';
}

bool
kp_row_null (const PGresult *result, int row, int column)
{
    return PQgetisnull (result, row, column) != 0;
}

int
kp_row_enum (const PGresult *result, int row, int column, const ProtobufCEnumDescriptor *descriptor)
{
    return kp_enum_value (descriptor, PQgetvalue (result, row, column));
}
