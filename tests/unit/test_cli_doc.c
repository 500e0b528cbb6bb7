/* SPDX-License-Identifier: MIT
 * test_cli_doc.c: the man page and completion words printed from a
 * command's tables: roff escapes (a hyphen, a backslash, a line that
 * would start a request), every option with its placeholder, the common
 * options after the command's, and --help-format choosing the shape. */
#include "testutil.h"

#include "optimizer/cli/cli.h"
#include "optimizer/cli/cli_doc.h"

struct doc_opts {
	const char *out;
	int yes;
};

static const struct opt_spec specs[] = {
	{ "out", 0, OPT_STR, offsetof(struct doc_opts, out), "DIR",
	  "write here", 0, 0 },
	{ "yes", 'y', OPT_FLAG, offsetof(struct doc_opts, yes), NULL,
	  "do it, with a back\\slash", 0, 0 },
	OPT_END,
};

static const struct cmd_doc doc = {
	"demo", "SNAPSHOT --out DIR",
	"First line;\n.second line would be a roff request,\n'third too.",
	"  vaultwise demo snap --out x", 1, 1,
};

/* What fn prints into a memory stream; caller frees. */
static char *printed(int format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	cli_common.help_format = format;
	cli_print_help(f, &doc, specs);
	cli_common.help_format = HELP_TEXT;
	fclose(f);
	return text;
}

static void test_cli_doc__man_page(void **state)
{
	char *man = printed(HELP_MAN);

	(void)state;
	assert_true(str_starts_with(man, ".TH VAULTWISE-DEMO 1 "));
	assert_non_null(strstr(man, ".SH SYNOPSIS\n\\fBvaultwise demo\\fR "
				    "SNAPSHOT \\-\\-out DIR\n"));
	/* text lines that start with . or ' are protected */
	assert_non_null(strstr(man, "First line;\n\\&.second line would be "
				    "a roff request,\n\\&'third too.\n"));
	assert_non_null(strstr(man, ".TP\n\\fB\\-\\-out\\fR \\fIDIR\\fR\n"
				    "write here\n"));
	assert_non_null(strstr(man, ".TP\n\\fB\\-y\\fR, \\fB\\-\\-yes\\fR\n"
				    "do it, with a back\\eslash\n"));
	/* the common options come in their own section, after the
	 * command's */
	assert_true(strstr(man, ".SH COMMON OPTIONS") >
		    strstr(man, "\\-\\-yes"));
	assert_non_null(strstr(man, "\\fB\\-\\-as\\-of\\fR \\fIDATE\\fR"));
	assert_non_null(strstr(man, ".SH EXAMPLES\n.nf\n  vaultwise demo "
				    "snap \\-\\-out x\n.fi\n"));
	free(man);
}

static void test_cli_doc__words(void **state)
{
	char *words = printed(HELP_WORDS);

	(void)state;
	assert_true(str_starts_with(words, "--out DIR\twrite here\n"
					   "--yes\tdo it, with a "
					   "back\\slash\n-y\t"));
	assert_non_null(strstr(words, "\n--log-format text|json\t"));
	assert_true(str_ends_with(words, "--help\tshow the help\n"
					 "-h\tshow the help\n"));
	free(words);
}

static void test_cli_doc__text_is_unchanged(void **state)
{
	char *text = printed(HELP_TEXT);

	(void)state;
	assert_true(str_starts_with(text, "usage: vaultwise demo SNAPSHOT "
					  "--out DIR\n\nFirst line;\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_doc__man_page),
		cmocka_unit_test(test_cli_doc__words),
		cmocka_unit_test(test_cli_doc__text_is_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
