/* SPDX-License-Identifier: MIT
 * test_cli.c: cli_parse with a small command spec, asserting what a user
 * sees: values stored, exit status 64 with the exact message and hint on
 * stderr, common options accepted after the command, --help on stdout. */
#include "testutil.h"

#include <stdarg.h>

#include "optimizer/cli/cli.h"
#include "optimizer/base/log.h"
#include "optimizer/base/timeutil.h"

struct demo_opts {
	const char *out;
	int yes;
	long items;
	double ratio, budget;
	struct opt_list subs;
	int64_t since;
};

static const struct opt_spec demo_spec[] = {
	{ "out", 'o', OPT_STR, offsetof(struct demo_opts, out), "DIR",
	  "where to write", 0, 0 },
	{ "yes", 0, OPT_FLAG, offsetof(struct demo_opts, yes), NULL,
	  "really do it", 0, 0 },
	{ "items", 'n', OPT_INT, offsetof(struct demo_opts, items), "N",
	  "how many items", 1, 1000 },
	{ "ratio", 0, OPT_DOUBLE, offsetof(struct demo_opts, ratio), "R",
	  "a fraction", 0, 1 },
	{ "budget", 0, OPT_DOUBLE, offsetof(struct demo_opts, budget), "USD",
	  "spend at most this", 0, 1e6 },
	{ "subscription", 0, OPT_LIST, offsetof(struct demo_opts, subs), "ID",
	  "a subscription (repeatable)", 0, 0 },
	{ "since", 0, OPT_TIME, offsetof(struct demo_opts, since), "DATE",
	  "only after this date", 0, 0 },
	OPT_END,
};

static const struct cmd_doc demo_doc = {
	"demo", "SNAPSHOT [OTHER] [options]", "Shows how options are parsed.",
	"  vaultwise demo data/sample --out x", 1, 2,
};

static struct demo_opts opts;
static struct opt_list args;
static char *out_text, *err_text;

static int reset(void **state)
{
	(void)state;
	memset(&opts, 0, sizeof(opts));
	opts.since = TIME_NONE;
	memset(&args, 0, sizeof(args));
	cli_common.as_of = TIME_NONE;
	cli_common.no_progress = 0;
	log_setup(LOG_NOTE, 0);
	return 0;
}

static int release(void **state)
{
	(void)state;
	free(args.items);
	free(opts.subs.items);
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	log_setup(LOG_NOTE, 0);
	return 0;
}

/* Runs cli_parse on "demo" and the NULL-terminated arguments, keeping what
 * it printed in out_text and err_text. */
static int parse(const char *first, ...)
{
	char *argv[32];
	int argc = 0, rc;
	va_list ap;

	argv[argc++] = "demo";
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		assert_true(argc < 31);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	test_capture_begin(1);
	test_capture_begin(2);
	rc = cli_parse(&demo_doc, demo_spec, &opts, argc, argv, &args);
	err_text = test_capture_end(2);
	out_text = test_capture_end(1);
	return rc;
}

/* The two lines a usage error prints. */
#define assert_usage_error(msg)                                          \
	assert_string_equal(err_text, "vaultwise: error: demo: " msg "\n" \
				      "Try 'vaultwise help demo'.\n")

static void test_cli__values_are_stored(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--yes", "--out=dir", "-n", "5",
			       "--ratio", "0.25", "--since", "2026-11-01",
			       "other", NULL),
			 CLI_RUN);
	assert_int_equal(args.n, 2);
	assert_string_equal(args.items[0], "snap");
	assert_string_equal(args.items[1], "other");
	assert_string_equal(opts.out, "dir");
	assert_int_equal(opts.yes, 1);
	assert_int_equal(opts.items, 5);
	assert_true(opts.ratio == 0.25);
	assert_int_equal(opts.since, INT64_C(1793491200));
	assert_string_equal(err_text, "");
	assert_string_equal(out_text, "");
}

static void test_cli__value_forms(void **state)
{
	(void)state;
	assert_int_equal(parse("--out", "a b", "snap", NULL), CLI_RUN);
	assert_string_equal(opts.out, "a b");
	release(state);
	assert_int_equal(parse("snap", "-o", "x", "--items=1000", NULL),
			 CLI_RUN);
	assert_string_equal(opts.out, "x");
	assert_int_equal(opts.items, 1000);
	release(state);
	/* a value may start with a dash; the last one given wins */
	assert_int_equal(parse("snap", "--out", "-", "--out=y=z", NULL),
			 CLI_RUN);
	assert_string_equal(opts.out, "y=z");
}

static void test_cli__repeated_list_option(void **state)
{
	(void)state;
	assert_int_equal(parse("--subscription", "sub-1", "snap",
			       "--subscription=sub-2", "--subscription",
			       "sub-3", NULL),
			 CLI_RUN);
	assert_int_equal(opts.subs.n, 3);
	assert_string_equal(opts.subs.items[0], "sub-1");
	assert_string_equal(opts.subs.items[1], "sub-2");
	assert_string_equal(opts.subs.items[2], "sub-3");
}

static void test_cli__int_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--items", "0", NULL), EXIT_USAGE);
	assert_usage_error("option '--items': expected an integer from 1 to "
			   "1000, got '0'");
	release(state);
	assert_int_equal(parse("snap", "-n", "5x", NULL), EXIT_USAGE);
	assert_usage_error("option '--items': expected an integer from 1 to "
			   "1000, got '5x'");
	release(state);
	assert_int_equal(parse("snap", "--items=1001", NULL), EXIT_USAGE);
	assert_usage_error("option '--items': expected an integer from 1 to "
			   "1000, got '1001'");
}

static void test_cli__double_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--ratio", "1.5", NULL), EXIT_USAGE);
	assert_usage_error("option '--ratio': expected a number from 0 to 1, "
			   "got '1.5'");
	release(state);
	assert_int_equal(parse("snap", "--ratio", "nan", NULL), EXIT_USAGE);
	assert_usage_error("option '--ratio': expected a number from 0 to 1, "
			   "got 'nan'");
	release(state);
	assert_int_equal(parse("snap", "--budget", "2e6", NULL), EXIT_USAGE);
	assert_usage_error("option '--budget': expected a number from 0 to "
			   "1000000, got '2e6'");
}

static void test_cli__bad_time(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--since", "yesterday", NULL),
			 EXIT_USAGE);
	assert_usage_error("option '--since': expected a UTC date "
			   "(2026-11-01) or time (2026-11-01T08:00:00Z), got "
			   "'yesterday'");
}

static void test_cli__empty_value(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--out", "", NULL), EXIT_USAGE);
	assert_usage_error("option '--out' needs a value (DIR), got an empty "
			   "one");
	release(state);
	assert_int_equal(parse("snap", "--items=", NULL), EXIT_USAGE);
	assert_usage_error("option '--items' needs a value (N), got an empty "
			   "one");
}

static void test_cli__unknown_option_did_you_mean(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--otu", "x", NULL), EXIT_USAGE);
	assert_usage_error("unknown option '--otu' (did you mean '--out'?)");
	release(state);
	assert_int_equal(parse("snap", "--subscriptions", "x", NULL),
			 EXIT_USAGE);
	assert_usage_error("unknown option '--subscriptions' (did you mean "
			   "'--subscription'?)");
	release(state);
	assert_int_equal(parse("snap", "--itemz=5", NULL), EXIT_USAGE);
	assert_usage_error("unknown option '--itemz=5' (did you mean "
			   "'--items'?)");
	release(state);
	assert_int_equal(parse("snap", "--verbos", NULL), EXIT_USAGE);
	assert_usage_error("unknown option '--verbos' (did you mean "
			   "'--verbose'?)");
	release(state);
	assert_int_equal(parse("snap", "--sub", "x", NULL), EXIT_USAGE);
	assert_usage_error("unknown option '--sub' (did you mean "
			   "'--subscription'?)");
	release(state);
	assert_int_equal(parse("snap", "--outdir", "x", NULL), EXIT_USAGE);
	assert_usage_error("unknown option '--outdir' (did you mean "
			   "'--out'?)");
	release(state);
	assert_int_equal(parse("snap", "--frobnicate", NULL), EXIT_USAGE);
	assert_usage_error("unknown option '--frobnicate'");
	release(state);
	assert_int_equal(parse("snap", "-x", NULL), EXIT_USAGE);
	assert_usage_error("unknown option '-x'");
}

static void test_cli__missing_value(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--out", NULL), EXIT_USAGE);
	assert_usage_error("option '--out' needs a value (DIR)");
	release(state);
	assert_int_equal(parse("snap", "--as-of", NULL), EXIT_USAGE);
	assert_usage_error("option '--as-of' needs a value (DATE)");
}

static void test_cli__flag_takes_no_value(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--yes=1", NULL), EXIT_USAGE);
	assert_usage_error("option '--yes' takes no value");
	release(state);
	assert_int_equal(parse("snap", "--quiet=yes", NULL), EXIT_USAGE);
	assert_usage_error("option '--quiet' takes no value");
}

static void test_cli__missing_argument(void **state)
{
	(void)state;
	assert_int_equal(parse("--yes", NULL), EXIT_USAGE);
	assert_usage_error("missing argument: usage is 'SNAPSHOT [OTHER] "
			   "[options]'");
}

static void test_cli__too_many_arguments(void **state)
{
	(void)state;
	assert_int_equal(parse("a", "b", "c", "d", NULL), EXIT_USAGE);
	assert_usage_error("unexpected argument 'c': usage is 'SNAPSHOT "
			   "[OTHER] [options]'");
}

static void test_cli__double_dash_ends_options(void **state)
{
	(void)state;
	assert_int_equal(parse("--yes", "--", "--out", "-q", NULL), CLI_RUN);
	assert_int_equal(args.n, 2);
	assert_string_equal(args.items[0], "--out");
	assert_string_equal(args.items[1], "-q");
	assert_null(opts.out);
	assert_int_equal(log_get_level(), LOG_NOTE);
	release(state);
	/* a lone dash is an argument (stdin) */
	assert_int_equal(parse("-", NULL), CLI_RUN);
	assert_string_equal(args.items[0], "-");
}

static void test_cli__common_options_after_the_command(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "-q", NULL), CLI_RUN);
	assert_int_equal(log_get_level(), LOG_ERROR);
	release(state);
	assert_int_equal(parse("snap", "--log-format", "json", "-v", NULL),
			 CLI_RUN);
	assert_int_equal(log_get_level(), LOG_DEBUG);
	assert_true(log_is_json());
	release(state);
	/* each option changes only its own setting, whatever set the rest */
	log_setup(LOG_ERROR, 0);
	assert_int_equal(parse("snap", "--log-format", "json", NULL),
			 CLI_RUN);
	assert_int_equal(log_get_level(), LOG_ERROR);
	assert_true(log_is_json());
	release(state);
	log_setup(LOG_NOTE, 1);
	assert_int_equal(parse("snap", "--verbose", NULL), CLI_RUN);
	assert_int_equal(log_get_level(), LOG_DEBUG);
	assert_true(log_is_json());
	release(state);
	assert_int_equal(parse("snap", "--log-format=text", "--as-of",
			       "2026-11-01T08:00:00Z", "--no-progress", NULL),
			 CLI_RUN);
	assert_false(log_is_json());
	assert_int_equal(cli_common.as_of, INT64_C(1793520000));
	assert_int_equal(cli_common.no_progress, 1);
	assert_int_equal(args.n, 1);
	release(state);
	assert_int_equal(parse("snap", "--as-of=2026-11-01", NULL), CLI_RUN);
	assert_int_equal(cli_common.as_of, INT64_C(1793491200));
}

static void test_cli__bad_common_option_values(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--log-format", "xml", NULL),
			 EXIT_USAGE);
	assert_usage_error("option '--log-format': expected text or json, got "
			   "'xml'");
	release(state);
	assert_int_equal(parse("snap", "--as-of", "2026-11-01T08:00:00",
			       NULL),
			 EXIT_USAGE);
	assert_usage_error("option '--as-of': expected a UTC date (2026-11-01) "
			   "or time (2026-11-01T08:00:00Z), got "
			   "'2026-11-01T08:00:00'");
	assert_int_equal(cli_common.as_of, TIME_NONE);
}

static void test_cli__usage_error_in_json_is_one_json_line(void **state)
{
	(void)state;
	assert_int_equal(parse("snap", "--log-format", "json", "--otu", "x",
			       NULL),
			 EXIT_USAGE);
	/* one object, the hint inside it: nothing else for a log collector */
	assert_true(str_starts_with(err_text, "{\"time\":\""));
	assert_true(str_ends_with(err_text,
				  "\"level\":\"error\",\"msg\":\"demo: "
				  "unknown option '--otu' (did you mean "
				  "'--out'?) (try 'vaultwise help demo')\"}\n"));
	assert_int_equal(strchr(err_text, '\n') - err_text + 1,
			 strlen(err_text));
}

static void test_cli__help_returns_zero(void **state)
{
	(void)state;
	assert_int_equal(parse("--help", NULL), 0); /* no argument needed */
	assert_string_equal(err_text, "");
	assert_true(str_starts_with(out_text,
				    "usage: vaultwise demo SNAPSHOT [OTHER] "
				    "[options]\n\n"
				    "Shows how options are parsed.\n\n"
				    "Options:\n"
				    "  -o, --out DIR                where to "
				    "write\n"
				    "      --yes                    really do "
				    "it\n"
				    "  -n, --items N                how many "
				    "items\n"));
	assert_non_null(strstr(out_text, "Common options:\n"));
	assert_non_null(strstr(out_text, "  -q, --quiet "));
	assert_non_null(strstr(out_text, "      --as-of DATE "));
	assert_true(str_ends_with(out_text,
				  "Example:\n"
				  "  vaultwise demo data/sample --out x\n"));
	release(state);
	assert_int_equal(parse("snap", "-h", "--bogus", NULL), 0);
}

static void test_cli__common_option_before_the_command(void **state)
{
	char *argv[] = { "vaultwise", "-v", "--as-of", "2026-11-01", "demo",
			 "--log-format", NULL };
	int i = 1;

	(void)state;
	assert_int_equal(cli_common_option(6, argv, &i), 1);
	assert_int_equal(i, 1);
	assert_int_equal(log_get_level(), LOG_DEBUG);
	i = 2;
	assert_int_equal(cli_common_option(6, argv, &i), 1);
	assert_int_equal(i, 3); /* the value was consumed */
	assert_int_equal(cli_common.as_of, INT64_C(1793491200));
	i = 4;
	assert_int_equal(cli_common_option(6, argv, &i), 0);
	i = 5;
	test_capture_begin(2);
	assert_int_equal(cli_common_option(6, argv, &i), -1);
	err_text = test_capture_end(2);
	assert_string_equal(err_text,
			    "vaultwise: error: option '--log-format' needs a "
			    "value (text|json)\nTry 'vaultwise --help'.\n");
}

#define T(name) cmocka_unit_test_setup_teardown(name, reset, release)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cli__values_are_stored),
		T(test_cli__value_forms),
		T(test_cli__repeated_list_option),
		T(test_cli__int_out_of_range),
		T(test_cli__double_out_of_range),
		T(test_cli__bad_time),
		T(test_cli__empty_value),
		T(test_cli__unknown_option_did_you_mean),
		T(test_cli__missing_value),
		T(test_cli__flag_takes_no_value),
		T(test_cli__missing_argument),
		T(test_cli__too_many_arguments),
		T(test_cli__double_dash_ends_options),
		T(test_cli__common_options_after_the_command),
		T(test_cli__bad_common_option_values),
		T(test_cli__usage_error_in_json_is_one_json_line),
		T(test_cli__help_returns_zero),
		T(test_cli__common_option_before_the_command),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
