/* SPDX-License-Identifier: MIT
 * test_journal.c: the apply journal: a chain that verifies, an edited or
 * missing line named by its number, a line cut short by a crash ignored on
 * read and removed on reopen (and a header cut short started over), a
 * journal of another plan refused, a journal cut at its end or rewritten
 * with a fresh chain caught by its head file, and the latest state of each
 * row as a resumed run sees it. */
#include "testutil.h"

#include <sys/stat.h>

#include "optimizer/apply/journal.h"

#define PLAN_A \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define PLAN_B \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* Appends (row, state) pairs, each with an "op" field when given. */
static void append(struct journal *j, const char *row, const char *state,
		   const char *op)
{
	struct err e = ERR_INIT;
	cJSON *f = NULL;

	if (op) {
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "op", op);
	}
	assert_int_equal(journal_append(j, row, state, f, &e), 0);
	cJSON_Delete(f);
}

/* A journal of plan PLAN_A with three rows in several states. */
static char *make_journal(const char *name)
{
	struct journal j;
	struct err e = ERR_INIT;
	char *path = test_path(name);
	char *head = xasprintf("%s.head", path);

	unlink(path);
	unlink(head);
	free(head);
	assert_int_equal(journal_open(&j, path, PLAN_A, &e), 0);
	append(&j, "plan.csv:2", "submitting", NULL);
	append(&j, "plan.csv:2", "submitted", "https://x/op/1");
	append(&j, "plan.csv:3", "submitting", NULL);
	append(&j, "plan.csv:2", "done", NULL);
	append(&j, "policy_changes.csv:2", "skipped", NULL);
	journal_close(&j);
	return path;
}

static size_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (size_t)st.st_size;
}

/* Replaces the first occurrence of from by to in the file (same length
 * or not), as a person with an editor would. */
static void edit_file(const char *path, const char *from, const char *to)
{
	char *text = test_read(path), *at;
	FILE *f;

	assert_non_null(text);
	at = strstr(text, from);
	assert_non_null(at);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(text, 1, (size_t)(at - text), f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	fclose(f);
	free(text);
}

static void append_raw(const char *path, const char *text)
{
	FILE *f = fopen(path, "ab");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_journal__chain_verifies(void **state)
{
	struct journal_check chk;
	struct err e = ERR_INIT;
	char *path = make_journal("chain.journal");
	char *text;

	(void)state;
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), 0);
	assert_int_equal(chk.lines, 6);
	assert_false(chk.incomplete_tail);
	assert_string_equal(chk.plan, PLAN_A);
	assert_int_equal(chk.complete_bytes, file_size(path));
	/* one JSON object per line, each naming the line before's hash */
	text = test_read(path);
	assert_non_null(strstr(text, "\"journal\":\"vaultwise apply\""));
	assert_non_null(strstr(text, "\"row\":\"plan.csv:2\","
				     "\"state\":\"submitted\","
				     "\"op\":\"https://x/op/1\",\"prev\":\""));
	free(text);
	free(path);
}

static void test_journal__edited_line_named(void **state)
{
	struct journal_check chk;
	struct err e = ERR_INIT;
	char *path = make_journal("edited.journal");

	(void)state;
	/* line 4 is the second "submitting": make it look done */
	edit_file(path, "\"row\":\"plan.csv:3\",\"state\":\"submitting\"",
		  "\"row\":\"plan.csv:3\",\"state\":\"done\"");
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s:5: broken chain: line 4 was edited, or lines are "
		   "missing before line 5 ('prev' is not the SHA-256 of line "
		   "4)",
		   path);
	free(path);
}

static void test_journal__missing_line_named(void **state)
{
	struct journal_check chk;
	struct err e = ERR_INIT;
	char *path = make_journal("missing.journal");
	char *text = test_read(path), *l3, *l4;

	(void)state;
	/* delete line 3 */
	l3 = strchr(strchr(text, '\n') + 1, '\n') + 1;
	l4 = strchr(l3, '\n') + 1;
	memmove(l3, l4, strlen(l4) + 1);
	free(test_write("missing.journal", text));
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s:3: broken chain: line 2 was edited, or lines are "
		   "missing before line 3 ('prev' is not the SHA-256 of line "
		   "2)",
		   path);
	free(text);
	free(path);
}

static void test_journal__not_json_named(void **state)
{
	struct journal_check chk;
	struct err e = ERR_INIT;
	char *path = make_journal("garbage.journal");

	(void)state;
	edit_file(path, "{\"seq\":2,", "{\"seq\":2 ");
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR, "%s:3: not a JSON object", path);
	free(path);
}

static void test_journal__crash_cut_line(void **state)
{
	struct journal_check chk;
	struct journal j;
	struct err e = ERR_INIT;
	char *path = make_journal("cut.journal");
	size_t complete = file_size(path);

	(void)state;
	/* killed in the middle of writing "done" for plan.csv:3 */
	append_raw(path, "{\"seq\":6,\"time\":\"2026-11-29T10:00:00Z\","
			 "\"row\":\"plan.csv:3\",\"state\":\"do");
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), 0);
	assert_int_equal(chk.lines, 6);
	assert_true(chk.incomplete_tail);
	assert_int_equal(chk.complete_bytes, complete);

	/* reopening cuts it off; the next line chains to line 6 */
	assert_int_equal(journal_open(&j, path, PLAN_A, &e), 0);
	assert_int_equal(file_size(path), complete);
	append(&j, "plan.csv:3", "done", NULL);
	journal_close(&j);
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), 0);
	assert_int_equal(chk.lines, 7);
	assert_false(chk.incomplete_tail);
	free(path);
}

static void test_journal__header_cut_starts_over(void **state)
{
	struct journal_check chk;
	struct journal j;
	struct err e = ERR_INIT;
	char *empty = test_write("empty.journal", "");
	char *cut = test_write("header-cut.journal", "{\"seq\":0,\"jour");

	(void)state;
	assert_int_equal(journal_open(&j, empty, PLAN_A, &e), 0);
	journal_close(&j);
	assert_int_equal(journal_read(empty, NULL, NULL, &chk, &e), 0);
	assert_int_equal(chk.lines, 1);
	assert_string_equal(chk.plan, PLAN_A);

	assert_int_equal(journal_open(&j, cut, PLAN_B, &e), 0);
	append(&j, "plan.csv:9", "submitting", NULL);
	journal_close(&j);
	assert_int_equal(journal_read(cut, NULL, NULL, &chk, &e), 0);
	assert_int_equal(chk.lines, 2);
	assert_string_equal(chk.plan, PLAN_B);

	/* reading (not opening) an empty journal is an error; emptied
	 * after its head recorded a line, it was cut */
	free(test_write("empty.journal", ""));
	assert_int_equal(journal_read(empty, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s: cut short: it has 0 complete lines but its head "
		   "(%s.head) recorded 1; lines were removed from its end",
		   empty, empty);
	free(test_write("empty.journal.head", ""));
	err_clear(&e);
	assert_int_equal(journal_read(empty, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR, "%s: empty journal", empty);
	free(empty);
	free(cut);
}

static void test_journal__other_plan_refused(void **state)
{
	struct journal j;
	struct err e = ERR_INIT;
	char *path = make_journal("other.journal");
	size_t before = file_size(path);

	(void)state;
	assert_int_equal(journal_open(&j, path, PLAN_B, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "journal '%s' belongs to another plan (the plan changed "
		   "since it was started): use a new --journal or restore "
		   "that plan",
		   path);
	assert_int_equal(file_size(path), before);
	free(path);
}

/* The last lines removed (head -n -2): the head still names line 6. */
static void test_journal__cut_at_end_caught(void **state)
{
	struct journal_check chk;
	struct journal j;
	struct err e = ERR_INIT;
	char *path = make_journal("short.journal");
	char *text = test_read(path), *end;

	(void)state;
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), 0);
	assert_true(chk.anchored);
	end = strrchr(text, '\n');
	*end = '\0';
	end = strrchr(text, '\n');
	*end = '\0';
	end = strrchr(text, '\n');
	end[1] = '\0';
	free(test_write("short.journal", text));
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s: cut short: it has 4 complete lines but its head "
		   "(%s.head) recorded 6; lines were removed from its end",
		   path, path);
	/* and apply does not resume from it */
	err_clear(&e);
	assert_int_equal(journal_open(&j, path, PLAN_A, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	free(text);
	free(path);
}

/* Rewritten with a chain of its own (every hash recomputed), as someone
 * would who "fixes" a journal: the head's line no longer matches. */
static void test_journal__rechained_caught(void **state)
{
	struct journal_check chk;
	struct journal j;
	struct err e = ERR_INIT;
	char *path = make_journal("rechained.journal");
	char *hp = xasprintf("%s.head", path);
	char *head = test_read(hp);

	(void)state;
	unlink(path);
	unlink(hp);
	assert_int_equal(journal_open(&j, path, PLAN_A, &e), 0);
	append(&j, "plan.csv:2", "submitting", NULL);
	append(&j, "plan.csv:2", "submitted", "https://x/op/1");
	append(&j, "plan.csv:3", "submitting", NULL);
	append(&j, "plan.csv:2", "done", NULL);
	append(&j, "policy_changes.csv:2", "done", NULL);
	journal_close(&j);
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), 0);
	free(test_write("rechained.journal.head", head));
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s:6: not the line its head (%s.head) recorded (its "
		   "SHA-256 differs): the journal was rewritten",
		   path, path);
	free(head);
	free(hp);
	free(path);
}

/* A crash after a line's fsync but before its head reached the disk:
 * the head names an earlier line, which is still there: accepted. */
static void test_journal__head_behind_accepted(void **state)
{
	struct journal_check chk;
	struct journal j;
	struct err e = ERR_INIT;
	char *path = make_journal("behind.journal");
	char *hp = xasprintf("%s.head", path);
	char *head = test_read(hp);

	(void)state;
	assert_int_equal(journal_open(&j, path, PLAN_A, &e), 0);
	append(&j, "plan.csv:3", "done", NULL);
	journal_close(&j);
	free(test_write("behind.journal.head", head));
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), 0);
	assert_int_equal(chk.lines, 7);
	free(test_write("behind.journal.head", "lines 6\n"));
	err_clear(&e);
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s: not a journal head (expected 'vaultwise journal head: "
		   "lines N sha256 HEX')",
		   hp);
	free(head);
	free(hp);
	free(path);
}

/* The latest state per row, as apply folds the journal on resume. */
struct fold {
	char rows[8][32], states[8][32], ops[8][32];
	size_t n, last_line;
};

static int fold_entry(void *ctx, size_t line, const cJSON *entry,
		      struct err *e)
{
	struct fold *f = ctx;
	const char *row = cJSON_GetObjectItem(entry, "row")->valuestring;
	const cJSON *op = cJSON_GetObjectItem(entry, "op");
	size_t i;

	(void)e;
	for (i = 0; i < f->n && strcmp(f->rows[i], row); i++)
		;
	if (i == f->n)
		strlcpy_vw(f->rows[f->n++], row, sizeof(f->rows[0]));
	strlcpy_vw(f->states[i],
		   cJSON_GetObjectItem(entry, "state")->valuestring,
		   sizeof(f->states[0]));
	if (op)
		strlcpy_vw(f->ops[i], op->valuestring, sizeof(f->ops[0]));
	f->last_line = line;
	return 0;
}

static void test_journal__resume_state_per_row(void **state)
{
	struct fold f = { 0 };
	struct journal_check chk;
	struct journal j;
	struct err e = ERR_INIT;
	char *path = make_journal("resume.journal");

	(void)state;
	/* a second run: plan.csv:3 is sent, then the run is killed while
	 * writing its "done" */
	assert_int_equal(journal_open(&j, path, PLAN_A, &e), 0);
	append(&j, "plan.csv:3", "submitted", "https://x/op/3");
	append(&j, "plan.csv:4", "submitting", NULL);
	journal_close(&j);
	append_raw(path,
		   "{\"seq\":8,\"row\":\"plan.csv:3\",\"state\":\"done\"");

	assert_int_equal(journal_read(path, fold_entry, &f, &chk, &e), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.last_line, 8);
	assert_string_equal(f.rows[0], "plan.csv:2");
	assert_string_equal(f.states[0], "done");
	assert_string_equal(f.rows[1], "plan.csv:3");
	assert_string_equal(f.states[1], "submitted"); /* poll, never POST */
	assert_string_equal(f.ops[1], "https://x/op/3");
	assert_string_equal(f.rows[2], "policy_changes.csv:2");
	assert_string_equal(f.states[2], "skipped");
	assert_string_equal(f.rows[3], "plan.csv:4");
	assert_string_equal(f.states[3], "submitting"); /* to resolve */
	free(path);
}

static int fail_on_line(void *ctx, size_t line, const cJSON *entry,
			struct err *e)
{
	(void)ctx;
	(void)entry;
	return line == 3 ? err_set(e, EXIT_DATAERR, "stop at %zu", line) : 0;
}

static void test_journal__callback_error_stops(void **state)
{
	struct journal_check chk;
	struct err e = ERR_INIT;
	char *path = make_journal("stop.journal");

	(void)state;
	assert_int_equal(journal_read(path, fail_on_line, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_DATAERR, "stop at 3");
	free(path);
}

static void test_journal__missing_file(void **state)
{
	struct journal_check chk;
	struct err e = ERR_INIT;
	char *path = test_path("nope.journal");

	(void)state;
	assert_int_equal(journal_read(path, NULL, NULL, &chk, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "cannot open journal '%s': No such file or directory",
		   path);
	free(path);
}

/* A link where the journal goes is refused with 73, whether its target
 * exists or not, and the target is never written or created. */
static void test_journal__planted_link_refused(void **state)
{
	struct journal j;
	struct err e = ERR_INIT;
	char *victim = test_write("victim.txt", "precious\n");
	char *absent = test_path("absent.txt");
	char *link = test_path("linked.journal");
	char *dangling = test_path("dangling.journal");
	char *text;

	(void)state;
	assert_int_equal(symlink(victim, link), 0);
	assert_int_equal(symlink(absent, dangling), 0);
	assert_int_equal(journal_open(&j, link, PLAN_A, &e), -1);
	assert_int_equal(e.code, EXIT_CANTCREAT);
	assert_non_null(strstr(e.msg, "is a symbolic link"));
	err_clear(&e);
	assert_int_equal(journal_open(&j, dangling, PLAN_A, &e), -1);
	assert_int_equal(e.code, EXIT_CANTCREAT);
	assert_non_null(strstr(e.msg, "never writes through a link"));
	text = test_read(victim);
	assert_string_equal(text, "precious\n");
	assert_false(test_exists(absent));
	free(text);
	free(dangling);
	free(link);
	free(absent);
	free(victim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal__chain_verifies),
		cmocka_unit_test(test_journal__edited_line_named),
		cmocka_unit_test(test_journal__missing_line_named),
		cmocka_unit_test(test_journal__not_json_named),
		cmocka_unit_test(test_journal__crash_cut_line),
		cmocka_unit_test(test_journal__header_cut_starts_over),
		cmocka_unit_test(test_journal__other_plan_refused),
		cmocka_unit_test(test_journal__cut_at_end_caught),
		cmocka_unit_test(test_journal__rechained_caught),
		cmocka_unit_test(test_journal__head_behind_accepted),
		cmocka_unit_test(test_journal__resume_state_per_row),
		cmocka_unit_test(test_journal__callback_error_stops),
		cmocka_unit_test(test_journal__missing_file),
		cmocka_unit_test(test_journal__planted_link_refused),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
