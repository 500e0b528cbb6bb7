/* SPDX-License-Identifier: MIT
 * cli_doc.h: the help of the commands in other shapes than text, from the
 * same tables that print --help (struct cmd_doc, struct opt_spec, the
 * command table): a man page per command and one for the tool, and the
 * plain word lists the shell completions are generated from. Chosen with
 * the hidden common option --help-format (text, man or words); see
 * scripts/gendoc.sh, which writes man/ and completion/ with it. */
#ifndef VW_CLI_DOC_H
#define VW_CLI_DOC_H

#include <stdio.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"

enum help_format { HELP_TEXT, HELP_MAN, HELP_WORDS };

/* The man page vaultwise-NAME(1) of one command; summary is the command
 * table's one line. common: the common options. */
void cli_doc_man(FILE *out, const struct cmd_doc *doc, const char *summary,
		 const struct opt_spec *spec, const struct opt_spec *common);

/* vaultwise(1): the commands, the common options, exit status,
 * environment. */
void cli_doc_man_main(FILE *out, const struct command *cmds, size_t n,
		      const struct opt_spec *common, const char *exit_status);

/* One option a line, "--name ARG" or "--name", then "-x" for a short
 * name, each followed by a tab and its help: the command's options, then
 * the common ones. */
void cli_doc_words(FILE *out, const struct opt_spec *spec,
		   const struct opt_spec *common);

#endif
