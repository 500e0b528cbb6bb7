/* SPDX-License-Identifier: MIT
 * test_snapbuild.c: the snapshot builder writes the same bytes whatever
 * order rows arrive in (the canonical order of snapbuild.h), the result
 * loads with snapshot_open, points and jobs come back grouped and sorted,
 * and an id given twice is refused. */
#include "testsnap.h"

#include <math.h>

#include "optimizer/snapshot/manifest.h"
#include "optimizer/snapshot/snapbuild.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */

static struct item item(const char *id, const char *vault_id,
			const char *policy_id)
{
	struct item it = test_item(id, vault_id, policy_id, id);

	it.source_gb = 10;
	it.daily_churn = 0.01;
	return it;
}

static struct rp rp(const char *id, int64_t t)
{
	struct rp r = { 0 };

	r.rp_id = id;
	r.item_id = "ignored";
	r.move_info = "";
	r.rp_time = t;
	r.expiry_time = TIME_NONE;
	r.tier = TIER_STANDARD;
	r.move_ready = MR_UNKNOWN;
	r.unique_gb = 1;
	r.full_gb = 10;
	return r;
}

static struct job job(const char *id, const char *vault_id,
		      const char *item_id, int64_t start)
{
	struct job j = { 0 };

	j.job_id = id;
	j.vault_id = vault_id;
	j.item_id = item_id;
	j.operation = "Backup";
	j.status = "Completed";
	j.source_tier = j.error_code = "";
	j.start_time = start;
	j.end_time = start + 60;
	j.rp_time = TIME_NONE;
	j.duration_s = 60;
	j.data_gb = NAN;
	return j;
}

/* The same estate, rows given in forward or reverse order. */
static void build(const char *out, bool reverse)
{
	struct err e = ERR_INIT;
	struct snapbuild *b = snapbuild_new(out, &e);
	struct manifest m;
	struct vault v[2] = { test_vault("v-b", "v-b"),
			      test_vault("v-a", "v-a") };
	struct policy p[2] = { test_policy("p-2", "v-a", "p-2"),
			       test_policy("p-1", "v-b", "p-1") };
	struct item it[3] = { item("i-3", "v-a", "p-2"),
			      item("i-1", "v-b", "p-1"),
			      item("i-2", "v-a", "") };
	struct rp r3[3] = { rp("30", T0), rp("10", T0 - DAY_S),
			    rp("20", T0 - DAY_S) };
	struct rp r1[1] = { rp("5", T0) };
	struct job jobs[4] = { job("j2", "v-a", "i-3", T0),
			       job("j1", "v-a", "i-3", T0),
			       job("j0", "v-a", "", T0 - DAY_S),
			       job("j9", "v-a", "i-2", T0 - DAY_S) };
	struct job vjobs[1] = { job("j5", "v-b", "", T0) };

	assert_non_null(b);
	for (int k = 0; k < 3; k++) {
		int i = reverse ? 2 - k : k;
		if (i < 2) {
			assert_int_equal(snapbuild_vault(b, &v[i], &e), 0);
			assert_int_equal(snapbuild_policy(b, &p[i], &e), 0);
		}
		assert_int_equal(snapbuild_item(b, &it[i], &e), 0);
	}
	/* an on-demand backup's expiry, from its job: before or after the
	 * points are given, it lands on the point of the job's window */
	if (reverse)
		assert_int_equal(snapbuild_rp_expiry(b, "i-3", T0 - 60, T0 + 60,
						     T0 + 30 * DAY_S, &e),
				 0);
	if (reverse) {
		assert_int_equal(snapbuild_item_rps(b, "i-1", r1, 1, &e), 0);
		assert_int_equal(snapbuild_jobs(b, vjobs, 1, &e), 0);
	}
	assert_int_equal(snapbuild_item_rps(b, "i-3", r3, 3, &e), 0);
	assert_int_equal(snapbuild_jobs(b, jobs, 4, &e), 0);
	if (!reverse) {
		assert_int_equal(snapbuild_rp_expiry(b, "i-3", T0 - 60, T0 + 60,
						     T0 + 30 * DAY_S, &e),
				 0);
		assert_int_equal(snapbuild_jobs(b, vjobs, 1, &e), 0);
		assert_int_equal(snapbuild_item_rps(b, "i-1", r1, 1, &e), 0);
	}
	test_manifest(&m, "azure", T0, NULL, NULL);
	if (snapbuild_commit(b, out, &m, &e))
		fail_msg("commit: %s", e.msg);
	manifest_release(&m);
	snapbuild_free(b);
}

static const char *const files[] = { "vaults.csv", "policies.csv",
				     "items.csv", "recovery_points.csv",
				     "jobs.csv", "guards.csv",
				     "manifest.json" };

static void test_snapbuild__order_does_not_matter(void **state)
{
	char *a = test_path("a"), *b = test_path("b");

	(void)state;
	build(a, false);
	build(b, true);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *pa = path_join(a, files[i]), *pb = path_join(b, files[i]);
		char *ta = test_read(pa), *tb = test_read(pb);
		assert_non_null(ta);
		assert_non_null(tb);
		assert_string_equal(ta, tb);
		free(ta);
		free(tb);
		free(pa);
		free(pb);
	}
	free(a);
	free(b);
	test_scratch_cleanup();
}

struct seen {
	char order[256];
};

static int note_rp(void *ctx, const struct item *it, const struct rp *r,
		   struct err *e)
{
	struct seen *s = ctx;
	size_t n = strlen(s->order);

	(void)e;
	snprintf(s->order + n, sizeof(s->order) - n, "%s:%s ", it->item_id,
		 r->rp_id);
	return 0;
}

static int note_job(void *ctx, const struct item *it, const struct job *j,
		    struct err *e)
{
	struct seen *s = ctx;
	size_t n = strlen(s->order);

	(void)e;
	snprintf(s->order + n, sizeof(s->order) - n, "%s:%s ",
		 it ? it->item_id : j->vault_id, j->job_id);
	return 0;
}

static int note_expiry(void *ctx, const struct item *it, const struct rp *r,
		       struct err *e)
{
	struct seen *s = ctx;
	size_t n = strlen(s->order);

	(void)e;
	snprintf(s->order + n, sizeof(s->order) - n, "%s:%s:%s ",
		 it->item_id, r->rp_id,
		 r->expiry_time == TIME_NONE ? "-" : "30d");
	if (r->expiry_time != TIME_NONE)
		assert_true(r->expiry_time == T0 + 30 * DAY_S);
	return 0;
}

static void test_snapbuild__canonical_and_loadable(void **state)
{
	char *dir = test_path("snap");
	struct snapshot s;
	struct seen rps = { "" }, jobs = { "" };
	struct err e = ERR_INIT;

	(void)state;
	build(dir, true);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.nvaults, 2);
	assert_string_equal(s.vaults[0].vault_id, "v-a");
	assert_string_equal(s.policies[0].policy_id, "p-1");
	assert_string_equal(s.items[0].item_id, "i-1");
	assert_string_equal(s.items[2].item_id, "i-3");
	assert_int_equal(snapshot_each_rp(&s, note_rp, &rps, &e), 0);
	assert_string_equal(rps.order, "i-1:5 i-3:10 i-3:20 i-3:30 ");
	rps.order[0] = '\0';
	assert_int_equal(snapshot_each_rp(&s, note_expiry, &rps, &e), 0);
	assert_string_equal(rps.order,
			    "i-1:5:- i-3:10:- i-3:20:- i-3:30:30d ");
	assert_int_equal(snapshot_each_job(&s, note_job, &jobs, &e), 0);
	assert_string_equal(jobs.order,
			    "i-2:j9 i-3:j1 i-3:j2 v-a:j0 v-b:j5 ");
	assert_int_equal(s.manifest.files[3].rows, 4);
	snapshot_release(&s);
	free(dir);
	test_scratch_cleanup();
}

static void test_snapbuild__twice_is_refused(void **state)
{
	char *dir = test_path("dup");
	struct err e = ERR_INIT;
	struct snapbuild *b = snapbuild_new(dir, &e);
	struct vault v = test_vault("v-a", "v-a");
	struct item it = item("i-1", "v-a", "");
	struct rp r = rp("1", T0);

	(void)state;
	assert_int_equal(snapbuild_vault(b, &v, &e), 0);
	assert_int_equal(snapbuild_vault(b, &v, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "v-a"));
	err_clear(&e);
	assert_int_equal(snapbuild_item(b, &it, &e), 0);
	assert_int_equal(snapbuild_item_rps(b, "i-1", &r, 1, &e), 0);
	assert_int_equal(snapbuild_item_rps(b, "i-1", &r, 1, &e), -1);
	err_clear(&e);
	assert_int_equal(snapbuild_item_rps(b, "i-9", &r, 1, &e), -1);
	snapbuild_free(b);
	/* Nothing was committed: no output, and the spool is gone. */
	assert_false(test_exists(dir));
	free(dir);
	test_scratch_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapbuild__order_does_not_matter),
		cmocka_unit_test(test_snapbuild__canonical_and_loadable),
		cmocka_unit_test(test_snapbuild__twice_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
