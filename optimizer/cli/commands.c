/* SPDX-License-Identifier: MIT
 * commands.c: the one table of commands, --help for the whole tool, and
 * `vaultwise help CMD`. */
#include "optimizer/cli/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/cli_doc.h"
#include "optimizer/base/err.h"
#include "optimizer/base/util.h"

const struct command commands[] = {
	{ "run", cmd_run,
	  "the monthly batch (on the bundled sample when no Azure "
	  "credentials are set)" },
	{ "sample", cmd_sample,
	  "write a realistic synthetic estate as a snapshot" },
	{ "export", cmd_export, "read live Azure Backup into a snapshot" },
	{ "merge", cmd_merge, "join shard snapshots into one" },
	{ "prices", cmd_prices,
	  "refresh the price sheet from the Azure Retail Prices API" },
	{ "fit", cmd_fit,
	  "fit the restore-likelihood model from the job history" },
	{ "plan", cmd_plan,
	  "decide per recovery point: move to Archive now, later, or keep" },
	{ "backtest", cmd_backtest,
	  "score a plan made as of a past date on what happened since" },
	{ "apply", cmd_apply,
	  "carry a plan out against Azure (a dry run unless --yes)" },
	{ "check", cmd_check, "check RPO/RTO of every item against targets" },
	{ "audit", cmd_audit, "check vault protections; write posture.csv" },
	{ "report", cmd_report,
	  "the monthly report: report.html, focus.csv (FOCUS 1.2), "
	  "forecast.csv, summaries" },
	{ "help", cmd_help, "show the help of a command" },
};
const size_t ncommands = ARRAY_SIZE(commands);

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static const char exit_status[] =
	"0 done; 1 checks ran and found failures; 64 usage;\n65 bad input "
	"data; 66 input missing; 69 Azure unavailable;\n70 internal error; "
	"73 cannot create output; 74 I/O error;\n75 temporary failure, safe "
	"to rerun; 77 permission denied.";

void commands_print_usage(void)
{
	if (cli_common.help_format == HELP_MAN) {
		cli_doc_man_main(stdout, commands, ncommands,
				 cli_common_specs(), exit_status);
		return;
	}
	if (cli_common.help_format == HELP_WORDS) {
		for (size_t i = 0; i < ncommands; i++)
			printf("%s\t%s\n", commands[i].name,
			       commands[i].summary);
		return;
	}
	printf("usage: vaultwise [common options] <command> [options]\n\n"
	       "Cost, tiering, RPO/RTO and protection audit for Azure "
	       "Backup.\n\nCommands:\n");
	for (size_t i = 0; i < ncommands; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("\n");
	cli_print_common_help(stdout);
	printf("  %-28s %s\n", "    --version", "print the version");
	printf("\nExit status: %s\n\nSee 'vaultwise help <command>' for one "
	       "command.\n", exit_status);
}

static const struct cmd_doc help_doc = {
	"help", "[COMMAND]", "Show the help of COMMAND, or list the commands.",
	"  vaultwise help plan", 0, 1
};

int cmd_help(int argc, char **argv)
{
	static const struct opt_spec none[] = { OPT_END };
	struct opt_list args;
	const struct command *c;
	char *sub_argv[3];
	int rc = cli_parse(&help_doc, none, NULL, argc, argv, &args);

	if (rc != CLI_RUN) {
		free(args.items);
		return rc;
	}
	if (args.n == 0) {
		free(args.items);
		commands_print_usage();
		return 0;
	}
	c = command_find(args.items[0]);
	if (!c) {
		rc = usage_error(NULL, "no command named '%s'",
				 args.items[0]);
		free(args.items);
		return rc;
	}
	free(args.items);
	sub_argv[0] = (char *)c->name;
	sub_argv[1] = "--help";
	sub_argv[2] = NULL;
	return c->fn(2, sub_argv);
}
