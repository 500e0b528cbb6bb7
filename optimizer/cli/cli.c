/* SPDX-License-Identifier: MIT
 * cli.c: the option parser behind every command, help printing, and the
 * common options (log level and format, --as-of, --no-progress). */
#include "optimizer/cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/cli/cli_doc.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/csvio.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/snapshot/plan_scope.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct cli_common cli_common = { TIME_NONE, 0, HELP_TEXT };

size_t edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	size_t *row = xcalloc(m + 1, sizeof(size_t));
	size_t out;

	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	out = row[m];
	free(row);
	return out;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_is_json()) {
		/* one JSON object per line: the hint goes inside it */
		errorf("%s%s%s (try 'vaultwise %s%s')", cmd ? cmd : "",
		       cmd ? ": " : "", msg, cmd ? "help " : "--help",
		       cmd ? cmd : "");
		return EXIT_USAGE;
	}
	errorf("%s%s%s", cmd ? cmd : "", cmd ? ": " : "", msg);
	if (cmd)
		fprintf(stderr, "Try 'vaultwise help %s'.\n", cmd);
	else
		fprintf(stderr, "Try 'vaultwise --help'.\n");
	return EXIT_USAGE;
}

static const struct opt_spec common_specs[] = {
	{ "as-of", 0, OPT_TIME, 0, "DATE",
	  "evaluate as of this UTC date or time (default: the snapshot's "
	  "exported_at)", 0, 0 },
	{ "quiet", 'q', OPT_FLAG, 0, NULL, "only errors on stderr", 0, 0 },
	{ "verbose", 'v', OPT_FLAG, 0, NULL, "debug messages on stderr", 0,
	  0 },
	{ "log-format", 0, OPT_STR, 0, "text|json",
	  "stderr messages as text (default) or one JSON object per line", 0,
	  0 },
	{ "no-progress", 0, OPT_FLAG, 0, NULL,
	  "no progress line, even on a terminal", 0, 0 },
	{ "csv-raw", 0, OPT_FLAG, 0, NULL,
	  "write CSV cells as they are, without the apostrophe before a "
	  "cell a spreadsheet would run as a formula", 0, 0 },
	OPT_END,
};

/* Not in the help: the shape of the help, for scripts/gendoc.sh. */
static const struct opt_spec hidden_specs[] = {
	{ "help-format", 0, OPT_STR, 0, "text|man|words",
	  "print the help as text, a man page or completion words", 0, 0 },
	OPT_END,
};

const struct opt_spec *cli_common_specs(void)
{
	return common_specs;
}

/* One help line: "  -q, --quiet   help" or "      --as-of DATE   help". */
static void print_option(FILE *out, const struct opt_spec *o)
{
	char left[48];

	snprintf(left, sizeof(left), "%c%c%s--%s%s%s",
		 o->short_name ? '-' : ' ', o->short_name ? o->short_name : ' ',
		 o->short_name ? ", " : "  ", o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	fprintf(out, "  %-28s %s\n", left, o->help);
}

void cli_print_common_help(FILE *out)
{
	fprintf(out, "Common options:\n");
	for (const struct opt_spec *o = common_specs; o->name; o++)
		print_option(out, o);
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
}

/* Matches "--name", "--name=value" or "-x"; sets *inline_value. */
static bool matches(const struct opt_spec *o, const char *arg,
		    const char **inline_value)
{
	size_t n;

	*inline_value = NULL;
	if (arg[0] == '-' && arg[1] != '-')
		return o->short_name && arg[1] == o->short_name && !arg[2];
	if (!str_starts_with(arg, "--"))
		return false;
	n = strlen(o->name);
	if (strncmp(arg + 2, o->name, n) != 0)
		return false;
	if (arg[2 + n] == '=') {
		*inline_value = arg + 3 + n;
		return true;
	}
	return arg[2 + n] == '\0';
}

/* Takes the option's value from "=value" or the next argument. */
static const char *option_value(const char *cmd, const struct opt_spec *o,
				const char *inline_value, int argc,
				char **argv, int *i)
{
	if (inline_value)
		return inline_value;
	if (*i + 1 >= argc) {
		usage_error(cmd, "option '--%s' needs a value (%s)", o->name,
			    o->arg ? o->arg : "VALUE");
		return NULL;
	}
	return argv[++*i];
}

static int store(const char *cmd, const struct opt_spec *o, void *base,
		 const char *value)
{
	char *dest = (char *)base + o->offset;
	long lv;
	double dv;
	int64_t tv;

	/* no option takes an empty value: "--out ''" is a slip of the shell */
	if (o->type != OPT_FLAG && !value[0])
		return usage_error(cmd, "option '--%s' needs a value (%s), got "
					"an empty one",
				   o->name, o->arg ? o->arg : "VALUE");
	switch (o->type) {
	case OPT_FLAG:
		*(int *)dest = 1;
		return 0;
	case OPT_STR:
		*(const char **)dest = value;
		return 0;
	case OPT_LIST: {
		struct opt_list *l = (struct opt_list *)dest;
		l->items = xrealloc(l->items, (l->n + 1) * sizeof(char *));
		l->items[l->n++] = value;
		return 0;
	}
	case OPT_INT:
		if (parse_long(value, (long)o->min, (long)o->max, &lv))
			return usage_error(cmd,
					   "option '--%s': expected an integer "
					   "from %.0f to %.0f, got '%s'",
					   o->name, o->min, o->max, value);
		*(long *)dest = lv;
		return 0;
	case OPT_DOUBLE:
		if (parse_double(value, o->min, o->max, &dv))
			return usage_error(cmd,
					   "option '--%s': expected a number "
					   "from %.15g to %.15g, got '%s'",
					   o->name, o->min, o->max, value);
		*(double *)dest = dv;
		return 0;
	case OPT_TIME:
		if (time_parse_iso(value, 1, &tv))
			return usage_error(cmd,
					   "option '--%s': expected a UTC date "
					   "(2026-11-01) or time "
					   "(2026-11-01T08:00:00Z), got '%s'",
					   o->name, value);
		*(int64_t *)dest = tv;
		return 0;
	}
	return usage_error(cmd, "internal: bad option type");
}

/* Prices, retention and schedules are modelled for this century and
 * the next; a later --as-of would only fail further on, in a stage's own
 * output, blaming it. */
static int as_of_in_range(const char *cmd, const char *value)
{
	if (cli_common.as_of < time_from_civil(2200, 1, 1, 0, 0, 0))
		return 0;
	return usage_error(cmd,
			   "option '--as-of': expected a date before "
			   "2200-01-01, got '%s'",
			   value);
}

static int set_help_format(const char *cmd, const char *value)
{
	static const char *const names[] = { "text", "man", "words" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(value, names[i]) == 0) {
			cli_common.help_format = (int)i;
			return 0;
		}
	return usage_error(cmd,
			   "option '--help-format': expected text, man or "
			   "words, got '%s'",
			   value);
}

/* Each option changes its own setting and keeps the others as log.c has
 * them, whoever set them. */
static int apply_common(const char *cmd, const struct opt_spec *o,
			const char *value)
{
	if (strcmp(o->name, "as-of") == 0)
		return store(cmd, o, &cli_common.as_of, value) ? -1
		       : as_of_in_range(cmd, value);
	if (strcmp(o->name, "quiet") == 0)
		log_setup(LOG_ERROR, log_is_json());
	else if (strcmp(o->name, "verbose") == 0)
		log_setup(LOG_DEBUG, log_is_json());
	else if (strcmp(o->name, "no-progress") == 0)
		cli_common.no_progress = 1;
	else if (strcmp(o->name, "csv-raw") == 0)
		csv_set_raw(true);
	else if (strcmp(o->name, "help-format") == 0)
		return set_help_format(cmd, value);
	else if (strcmp(value, "json") == 0)
		log_setup(log_get_level(), 1);
	else if (strcmp(value, "text") == 0)
		log_setup(log_get_level(), 0);
	else
		return usage_error(cmd,
				   "option '--log-format': expected text or "
				   "json, got '%s'",
				   value);
	return 0;
}

/* Shared by main and cli_parse: 1 = consumed, 0 = not common, -1 = bad. */
static int try_common(const char *cmd, int argc, char **argv, int *i)
{
	const struct opt_spec *tables[] = { common_specs, hidden_specs };

	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		for (const struct opt_spec *o = tables[t]; o->name; o++) {
			const char *inl, *value = "";
			if (!matches(o, argv[*i], &inl))
				continue;
			if (o->type != OPT_FLAG) {
				value = option_value(cmd, o, inl, argc, argv,
						     i);
				if (!value)
					return -1;
			} else if (inl) {
				usage_error(cmd, "option '--%s' takes no value",
					    o->name);
				return -1;
			}
			return apply_common(cmd, o, value) ? -1 : 1;
		}
	return 0;
}

int cli_common_option(int argc, char **argv, int *i)
{
	return try_common(NULL, argc, argv, i);
}

/* One name starts the other: "horizon" and "horizon-months". */
static bool name_prefix(const char *a, const char *b)
{
	size_t n = strlen(a) < strlen(b) ? strlen(a) : strlen(b);
	return n >= 3 && strncmp(a, b, n) == 0;
}

/* The known option for arg, among the command's and the common ones: one a
 * letter away ("--itemz=5" -> "items"), else the only one that arg's name
 * starts or is the start of ("--horizon" -> "horizon-months"), else one
 * two letters away; NULL when none is close. */
static const char *closest_option(const struct opt_spec *spec,
				  const char *arg)
{
	const struct opt_spec *tables[] = { spec, common_specs };
	const char *best = NULL, *prefixed = NULL;
	size_t best_d = 3, nprefixed = 0;
	char *name;

	while (*arg == '-')
		arg++;
	name = xstrndup(arg, strcspn(arg, "="));
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		for (const struct opt_spec *o = tables[t]; o->name; o++) {
			size_t d = edit_distance(name, o->name);
			if (d < best_d) {
				best_d = d;
				best = o->name;
			}
			if (name_prefix(name, o->name)) {
				prefixed = o->name;
				nprefixed++;
			}
		}
	free(name);
	if (best_d > 1 && nprefixed == 1)
		best = prefixed;
	return best;
}

static int unknown_option(const struct cmd_doc *doc,
			  const struct opt_spec *spec, const char *arg)
{
	const char *hint = closest_option(spec, arg);

	if (hint)
		return usage_error(doc->name,
				   "unknown option '%s' (did you mean '--%s'?)",
				   arg, hint);
	return usage_error(doc->name, "unknown option '%s'", arg);
}

int cli_parse(const struct cmd_doc *doc, const struct opt_spec *spec,
	      void *opts, int argc, char **argv, struct opt_list *args)
{
	int only_args = 0;

	memset(args, 0, sizeof(*args));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct opt_spec *o;
		const char *inl = NULL, *value = NULL;
		int c;

		if (only_args || arg[0] != '-' || arg[1] == '\0') {
			args->items = xrealloc(args->items,
					       (args->n + 1) * sizeof(char *));
			args->items[args->n++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			cli_print_help(stdout, doc, spec);
			return 0;
		}
		c = try_common(doc->name, argc, argv, &i);
		if (c < 0)
			return EXIT_USAGE;
		if (c > 0)
			continue;
		for (o = spec; o->name; o++)
			if (matches(o, arg, &inl))
				break;
		if (!o->name)
			return unknown_option(doc, spec, arg);
		if (o->type == OPT_FLAG && inl)
			return usage_error(doc->name,
					   "option '--%s' takes no value",
					   o->name);
		if (o->type != OPT_FLAG) {
			value = option_value(doc->name, o, inl, argc, argv, &i);
			if (!value)
				return EXIT_USAGE;
		}
		if (store(doc->name, o, opts, value))
			return EXIT_USAGE;
	}
	if (args->n < doc->min_args)
		return usage_error(doc->name, "missing argument: usage is '%s'",
				   doc->usage);
	if (args->n > doc->max_args)
		return usage_error(doc->name,
				   "unexpected argument '%s': usage is '%s'",
				   args->items[doc->max_args], doc->usage);
	return CLI_RUN;
}

void cli_print_help(FILE *out, const struct cmd_doc *doc,
		    const struct opt_spec *spec)
{
	const struct command *c = command_find(doc->name);

	if (cli_common.help_format == HELP_MAN) {
		cli_doc_man(out, doc, c ? c->summary : doc->name, spec,
			    common_specs);
		return;
	}
	if (cli_common.help_format == HELP_WORDS) {
		cli_doc_words(out, spec, common_specs);
		return;
	}
	fprintf(out, "usage: vaultwise %s %s\n\n%s\n", doc->name, doc->usage,
		doc->summary);
	if (spec[0].name) {
		fprintf(out, "\nOptions:\n");
		for (const struct opt_spec *o = spec; o->name; o++)
			print_option(out, o);
	}
	fputc('\n', out);
	cli_print_common_help(out);
	if (doc->example)
		fprintf(out, "\nExample:\n%s\n", doc->example);
}

int cli_scope(const char *cmd, const struct scope_options *o,
	      struct scope *s)
{
	if (o->tag && (!strchr(o->tag, '=') || o->tag[0] == '='))
		return usage_error(cmd, "--tag: expected KEY=VALUE, got '%s'",
				   o->tag);
	if (scope_from_options(s, o))
		return usage_error(cmd,
				   "--workload: expected AzureVM, SQL, HANA or "
				   "AzureFiles, got '%s'",
				   o->workload);
	return 0;
}

int cli_open_snapshot(struct snapshot *s, const char *dir, struct err *e)
{
	if (snapshot_open(s, dir, e))
		return -1;
	if (cli_common.as_of != TIME_NONE)
		s->as_of = cli_common.as_of;
	return 0;
}
