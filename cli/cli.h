/*  The kumppani command-line client: one binary, one file per subcommand. */
#ifndef KP_CLI_H
#define KP_CLI_H

#include "kp_config.h"

#include <stdbool.h>

int cli_health (int argc, char **argv, const kp_config_t *config);
int cli_migrate (int argc, char **argv, const kp_config_t *config);
int cli_cert (int argc, char **argv, const kp_config_t *config);
int cli_audit (int argc, char **argv, const kp_config_t *config);
int cli_call (int argc, char **argv, const kp_config_t *config);
int cli_referral (int argc, char **argv, const kp_config_t *config);
int cli_tail (int argc, char **argv, const kp_config_t *config);

//  Value of "--name VALUE" in argv, or NULL.
const char *cli_option (int argc, char **argv, const char *name);
bool cli_flag (int argc, char **argv, const char *name);

#endif
