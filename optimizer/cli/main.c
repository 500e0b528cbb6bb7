/* SPDX-License-Identifier: MIT
 * main.c: entry point. Reads the common options before the command name,
 * finds the command in the table (commands.c), runs it, and makes sure
 * stdout was really written before exiting 0. */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/base/util.h"
#include "optimizer/base/version.h"

static int unknown_command(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; i < ncommands; i++) {
		size_t d = edit_distance(name, commands[i].name);
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	if (best)
		return usage_error(NULL,
				   "'%s' is not a vaultwise command; did you "
				   "mean '%s'?",
				   name, best);
	return usage_error(NULL, "'%s' is not a vaultwise command", name);
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int i = 1, rc;

	/* GSL's default handler aborts; every GSL status is checked instead. */
	gsl_set_error_handler_off();
	for (; i < argc && argv[i][0] == '-'; i++) {
		int c;
		if (!strcmp(argv[i], "--version")) {
			printf("vaultwise %s\n", VAULTWISE_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			commands_print_usage();
			return 0;
		}
		c = cli_common_option(argc, argv, &i);
		if (c < 0)
			return EXIT_USAGE;
		if (c == 0)
			return usage_error(NULL, "unknown option '%s'",
					   argv[i]);
	}
	if (i >= argc) {
		commands_print_usage();
		return EXIT_USAGE;
	}
	cmd = command_find(argv[i]);
	if (!cmd)
		return unknown_command(argv[i]);
	rc = cmd->fn(argc - i, argv + i);
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		errorf("cannot write to standard output");
		if (rc == 0)
			rc = EXIT_IOERR;
	}
	return rc;
}
