/*  The kumppani command-line client: one binary, one file per subcommand. */
#ifndef KP_CLI_H
#define KP_CLI_H

#include "kp_config.h"
#include "kp_db.h"
#include "kumppani/v1/envelope.pb-c.h"

#include <stdbool.h>

int cli_health (int argc, char **argv, const kp_config_t *config);
int cli_migrate (int argc, char **argv, const kp_config_t *config);
int cli_cert (int argc, char **argv, const kp_config_t *config);
int cli_audit (int argc, char **argv, const kp_config_t *config);
int cli_call (int argc, char **argv, const kp_config_t *config);
//  referral, client, case, group: argv [0] is the noun (cli_verbs.c).
int cli_verbs (int argc, char **argv, const kp_config_t *config);
//  client disclosures CLIENT_ID: argv [0] is "disclosures" (cli_disclosures.c).
int cli_disclosures (int argc, char **argv, const kp_config_t *config);
int cli_report (int argc, char **argv, const kp_config_t *config);
int cli_tail (int argc, char **argv, const kp_config_t *config);
int cli_org (int argc, char **argv, const kp_config_t *config);
int cli_area (int argc, char **argv, const kp_config_t *config);
int cli_import (int argc, char **argv, const kp_config_t *config);

//  For the operator's commands on the database (cli_org.c): a connection
//  from KUMPPANI_DB_ADMIN_CONNINFO (NULL, said why), one statement with
//  text parameters (NULL on failure, printed), and the audit row.
kp_db_t *cli_admin_db (const char *command);
PGresult *cli_sql (kp_db_t *db, const char *sql, int nparams, const char *const *values);
//  cli_sql for a statement that returns rows, read by a row spec (kp_db.h,
//  kp_row.h): NULL, the difference printed, unless the result's columns
//  are the spec's in names, count and types. The statements are the
//  operator's one-off texts, some on temporary tables, so they are not
//  prepared and kp_db cannot hold them against the spec at start-up.
PGresult *cli_rows (kp_db_t *db, const char *sql, int nparams, const char *const *values,
                    const kp_col_t *columns);
int cli_operator_audit (kp_db_t *db, const char *action, const char *detail);

//  Sends operation to service with a JSON body (NULL = {}); see cli_send.c.
//  With reply_p NULL the reply is printed as JSON; otherwise an OK reply is
//  handed over in *reply_p (the caller frees it). Returns the exit status:
//  0 OK, 1 refused, 2 usage, 3 no answer or failed.
int cli_send (const kp_config_t *config, const char *service, const char *operation,
              const char *body_json, int argc, char **argv, Kumppani__V1__Reply **reply_p);
int cli_exit_status (Kumppani__V1__Status status);
//  The body from --json FILE (- for stdin) or --body TEXT into *text (NULL
//  when neither is given); -1 if the file cannot be read.
int cli_body (int argc, char **argv, char **text);

//  Value of "--name VALUE" in argv, or NULL.
const char *cli_option (int argc, char **argv, const char *name);
bool cli_flag (int argc, char **argv, const char *name);

#endif
