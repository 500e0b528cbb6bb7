/* SPDX-License-Identifier: MIT
 * commands.h: the vaultwise commands. To add one:
 *   1. write optimizer/cmd_NAME.c with int cmd_NAME(int argc, char **argv),
 *      a static struct cmd_doc and a static opt_spec[] parsed by cli_parse;
 *   2. declare it below;
 *   3. add a row to the table in commands.c (name, function, summary);
 *   4. add its page docs/commands/NAME.md and a test under tests/.
 * A command returns its exit status (err.h). Only commands print. */
#ifndef VW_COMMANDS_H
#define VW_COMMANDS_H

#include <stddef.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

extern const struct command commands[];
extern const size_t ncommands;

const struct command *command_find(const char *name);
void commands_print_usage(void);

int cmd_run(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_prices(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_backtest(int argc, char **argv);

#endif
