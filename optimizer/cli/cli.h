/* SPDX-License-Identifier: MIT
 * cli.h: table-driven option parsing and help for the commands. Each command
 * declares a static opt_spec[] whose entries point (by offset) into its own
 * options struct; the same table prints its --help. The common options
 * (--as-of, -q, -v, --log-format, --no-progress, --csv-raw, --help) are
 * accepted by every command and by main before the command name. */
#ifndef VW_CLI_H
#define VW_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_type {
	OPT_FLAG,   /* int, set to 1 */
	OPT_STR,    /* const char * */
	OPT_LIST,   /* struct opt_list, repeatable */
	OPT_INT,    /* long, checked against min/max */
	OPT_DOUBLE, /* double, checked against min/max */
	OPT_TIME,   /* int64_t; ISO 8601 UTC date or time */
};

struct opt_spec {
	const char *name;   /* long name without the dashes */
	char short_name;    /* or 0 */
	enum opt_type type;
	size_t offset;      /* of the destination in the options struct */
	const char *arg;    /* placeholder in help: "DIR" */
	const char *help;
	double min, max;    /* for OPT_INT and OPT_DOUBLE */
};
#define OPT_END { NULL, 0, OPT_FLAG, 0, NULL, NULL, 0, 0 }

/* The Azure connection options (--cloud, --arm-endpoint, --authority,
 * --ca-bundle) of the commands that talk to ARM, read into the struct
 * cloud_options (cloud.h) member M of the options struct T. */
#define OPT_CLOUD_CONNECTION(T, M)                                          \
	{ "cloud", 0, OPT_STR, offsetof(T, M.cloud), "NAME",                \
	  "AzureCloud (default), AzureUSGovernment or AzureChinaCloud", 0,  \
	  0 },                                                              \
	{ "arm-endpoint", 0, OPT_STR, offsetof(T, M.arm_endpoint), "URL",   \
	  "Resource Manager endpoint (default: the cloud's)", 0, 0 },       \
	{ "authority", 0, OPT_STR, offsetof(T, M.authority), "URL",         \
	  "Microsoft Entra authority (also AZURE_AUTHORITY_HOST)", 0, 0 },  \
	{ "ca-bundle", 0, OPT_STR, offsetof(T, M.ca_bundle), "FILE",        \
	  "trust these CA certificates (PEM) instead of the system's", 0, 0 }

struct opt_list {
	const char **items;
	size_t n;
};

struct cmd_doc {
	const char *name;     /* "plan" */
	const char *usage;    /* "SNAPSHOT --out DIR [options]" */
	const char *summary;  /* one paragraph */
	const char *example;  /* one or more example lines */
	size_t min_args, max_args; /* positional arguments */
};

/* Options every command takes. */
struct cli_common {
	int64_t as_of;        /* TIME_NONE unless --as-of */
	int no_progress;
	int help_format;      /* enum help_format (cli_doc.h) */
};
extern struct cli_common cli_common;

#define CLI_RUN (-1)

/* Parses argv (argv[0] is the command name). Positional arguments are
 * returned in args (pointers into argv; caller frees args->items).
 * Returns CLI_RUN when the command should run, otherwise the exit status
 * to return at once (0 after --help, 64 after a usage error, reported). */
int cli_parse(const struct cmd_doc *doc, const struct opt_spec *spec,
	      void *opts, int argc, char **argv, struct opt_list *args);

/* Parses one common option at argv[*i]; returns 1 if it was one, 0 if
 * not, -1 on a bad value (reported). Used by main before the command. */
int cli_common_option(int argc, char **argv, int *i);

/* The help of a command in the --help-format asked for (text by
 * default). */
void cli_print_help(FILE *out, const struct cmd_doc *doc,
		    const struct opt_spec *spec);
/* The table of the common options. */
const struct opt_spec *cli_common_specs(void);
void cli_print_common_help(FILE *out);

/* Reports a usage error for cmd and returns 64. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct scope;
struct scope_options;
/* The scope options (plan_scope.h) of cmd into *s; 64 naming the one
 * that is not understood. */
int cli_scope(const char *cmd, const struct scope_options *o,
	      struct scope *s);

struct snapshot;
struct err;
/* snapshot_open, then --as-of applied when given. */
int cli_open_snapshot(struct snapshot *s, const char *dir, struct err *e);

/* Levenshtein distance, for "did you mean" hints. */
size_t edit_distance(const char *a, const char *b);

#endif
