/* SPDX-License-Identifier: MIT
 * test_sample.c: the sample estate generator (sample.h): determinism,
 * the size and count budget of the default estate, recovery points and
 * jobs that follow the documented rules, vault protections that give the
 * audit something to find, the Backup vaults' points and jobs (on
 * schedule, failing, stopped, restored), and the restore hazard. */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>

#include "optimizer/sample/sample.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

static const char *const csv_files[] = {
	"vaults.csv", "policies.csv", "items.csv", "recovery_points.csv",
	"jobs.csv",   "guards.csv",	"backup_recovery_points.csv",
	"backup_jobs.csv",
};

/* Writes the default estate (or one with the given seed) once per name. */
static char *make_estate(const char *name, unsigned long seed, long items)
{
	struct sample_options o;
	struct err e = ERR_INIT;
	char *dir = test_path(name);
	struct stat st;

	if (stat(dir, &st) == 0)
		return dir;
	sample_options_init(&o);
	o.seed = seed;
	o.items = items;
	if (sample_write(&o, dir, NULL, &e))
		fail_msg("sample_write: %s", e.msg);
	return dir;
}

static char *default_estate(void)
{
	return make_estate("default", ESTATE_DEFAULT_SEED,
			   ESTATE_DEFAULT_ITEMS);
}

static void open_snapshot(struct snapshot *s, const char *dir)
{
	struct err e = ERR_INIT;

	if (snapshot_open(s, dir, &e))
		fail_msg("snapshot_open: %s", e.msg);
}

static char *slurp(const char *dir, const char *name)
{
	char *path = path_join(dir, name), *text = NULL;
	struct err e = ERR_INIT;

	if (read_file(path, 64u << 20, &text, NULL, &e))
		fail_msg("%s", e.msg);
	free(path);
	return text;
}

static void test_sample__same_seed_same_files(void **state)
{
	char *a = default_estate();
	char *b = make_estate("again", ESTATE_DEFAULT_SEED,
			      ESTATE_DEFAULT_ITEMS);
	char *c = make_estate("seed43", 43, ESTATE_DEFAULT_ITEMS);
	struct snapshot sa, sb, sc;
	char *ma, *mb;

	(void)state;
	open_snapshot(&sa, a);
	open_snapshot(&sb, b);
	open_snapshot(&sc, c);
	for (size_t i = 0; i < ARRAY_SIZE(csv_files); i++) {
		const struct manifest_file *fa =
			manifest_file(&sa.manifest, csv_files[i]);
		const struct manifest_file *fb =
			manifest_file(&sb.manifest, csv_files[i]);
		assert_non_null(fa);
		assert_non_null(fb);
		assert_true(fa->has_sha256);
		assert_string_equal(fa->sha256, fb->sha256);
	}
	assert_string_not_equal(
		manifest_file(&sa.manifest, "recovery_points.csv")->sha256,
		manifest_file(&sc.manifest, "recovery_points.csv")->sha256);
	assert_string_not_equal(
		manifest_file(&sa.manifest, "jobs.csv")->sha256,
		manifest_file(&sc.manifest, "jobs.csv")->sha256);
	/* The manifest itself is byte-identical: no wall-clock time in it. */
	ma = slurp(a, "manifest.json");
	mb = slurp(b, "manifest.json");
	assert_string_equal(ma, mb);
	free(ma);
	free(mb);
	snapshot_release(&sa);
	snapshot_release(&sb);
	snapshot_release(&sc);
	free(a);
	free(b);
	free(c);
}

static int count_restores(void *ctx, const struct item *it,
			  const struct job *j, struct err *e)
{
	(void)it;
	(void)e;
	if (job_is_restore(j))
		++*(size_t *)ctx;
	return 0;
}

static void test_sample__default_meets_budget(void **state)
{
	char *dir = default_estate();
	struct snapshot s;
	struct err e = ERR_INIT;
	size_t restores = 0;
	long long bytes = 0;

	(void)state;
	open_snapshot(&s, dir);
	assert_true(s.nvaults >= 10);
	assert_true(s.nitems >= 200);
	assert_true(manifest_file(&s.manifest, "recovery_points.csv")->rows >=
		    20000);
	assert_int_equal(snapshot_each_job(&s, count_restores, &restores, &e),
			 0);
	assert_true(restores >= 60 && restores <= 150);
	for (size_t i = 0; i < ARRAY_SIZE(csv_files); i++) {
		char *path = path_join(dir, csv_files[i]);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		bytes += st.st_size;
		free(path);
	}
	assert_true(bytes <= 5 * 1000 * 1000);
	snapshot_release(&s);
	free(dir);
}

/* What the point checks keep while streaming. */
struct point_check {
	struct snapshot *s;
	size_t points, hourly_days, rehydrated;
};

static int local_day(const struct policy *p, int64_t t)
{
	int off = 0;

	assert_int_equal(sample_zone_offset(p->time_zone, &off), 0);
	return (int)days_between(0, t + off);
}

/* Enhanced Hourly: per local day at most one point outside the Snapshot
 * tier, and it is the day's last point. */
static void check_hourly(struct point_check *pc, const struct policy *p,
			 const struct rp *rps, size_t n)
{
	for (size_t i = 0; i < n;) {
		int day = local_day(p, rps[i].rp_time);
		size_t end = i, vault = 0;

		while (end < n && local_day(p, rps[end].rp_time) == day)
			end++;
		for (size_t k = i; k < end; k++)
			if (rps[k].tier != TIER_SNAPSHOT) {
				vault++;
				assert_int_equal(k, end - 1);
			}
		assert_true(vault <= 1);
		pc->hourly_days++;
		i = end;
	}
}

static int check_points(void *ctx, const struct item *it,
			const struct rp *rps, size_t n, struct err *e)
{
	struct point_check *pc = ctx;
	const struct policy *p =
		it->policy_idx >= 0 ? &pc->s->policies[it->policy_idx] : NULL;

	(void)e;
	for (size_t i = 0; i < n; i++) {
		const struct rp *rp = &rps[i];
		if (rp->expiry_time != TIME_NONE)
			assert_true(rp->expiry_time >= rp->rp_time);
		assert_true(rp->expiry_time == TIME_NONE ||
			    rp->expiry_time > pc->s->as_of);
		assert_true(rp->rp_time <= pc->s->as_of);
		if (it->workload == WL_VM && rp->kind == RK_DAILY)
			assert_false(rp->tier == TIER_ARCHIVE ||
				     rp->tier == TIER_SNAPSHOT_ARCHIVE);
		if (rp->move_ready == MR_TRUE)
			assert_string_equal(rp->move_info, "");
		if (rp->move_ready == MR_FALSE)
			assert_true(rp->move_info[0] != '\0');
		pc->rehydrated += rp->tier == TIER_REHYDRATED;
	}
	if (p && p->frequency == FREQ_HOURLY)
		check_hourly(pc, p, rps, n);
	if (!strcmp(it->protection_state, "ProtectionStopped"))
		for (size_t i = 0; i < n; i++)
			if (rps[i].tier != TIER_SNAPSHOT &&
			    rps[i].kind != RK_LOG)
				assert_int_equal(rps[i].expiry_time,
						 TIME_NONE);
	pc->points += n;
	return 0;
}

static void test_sample__points_follow_the_rules(void **state)
{
	char *dir = default_estate();
	struct snapshot s;
	struct err e = ERR_INIT;
	struct point_check pc = { &s, 0, 0, 0 };

	(void)state;
	open_snapshot(&s, dir);
	assert_int_equal(snapshot_each_item_rps(&s, check_points, &pc, &e), 0);
	assert_int_equal(pc.points,
			 manifest_file(&s.manifest, "recovery_points.csv")
				 ->rows);
	assert_true(pc.hourly_days > 100);
	assert_true(pc.rehydrated >= 2);
	snapshot_release(&s);
	free(dir);
}

/* (item, rp_time) of every written point, for the restore check. */
struct point_key {
	long item;
	int64_t t;
};

struct restore_check {
	struct snapshot *s;
	struct point_key *keys;
	size_t nkeys, alloc;
	size_t restores, listed;
};

static int by_key(const void *a, const void *b)
{
	const struct point_key *x = a, *y = b;

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

static int collect_keys(void *ctx, const struct item *it, const struct rp *rp,
			struct err *e)
{
	struct restore_check *rc = ctx;

	(void)e;
	rc->keys = grow_array(rc->keys, sizeof(*rc->keys), rc->nkeys + 1,
			      &rc->alloc);
	rc->keys[rc->nkeys].item = it - rc->s->items;
	rc->keys[rc->nkeys].t = rp->rp_time;
	rc->nkeys++;
	return 0;
}

static int check_restore(void *ctx, const struct item *it,
			 const struct job *j, struct err *e)
{
	struct restore_check *rc = ctx;
	struct point_key key;
	bool listed;

	(void)e;
	assert_non_null(it);
	if (!job_is_restore(j))
		return 0;
	rc->restores++;
	assert_true(j->rp_time != TIME_NONE);
	assert_true(j->rp_time <= j->start_time);
	assert_true(j->start_time >= rc->s->manifest.restore_jobs_from);
	assert_true(j->start_time <= rc->s->as_of);
	assert_true(j->data_gb > 0);
	key.item = it - rc->s->items;
	key.t = j->rp_time;
	listed = bsearch(&key, rc->keys, rc->nkeys, sizeof(key), by_key);
	rc->listed += listed;
	/* A point younger than 3 days cannot have expired yet. */
	if (rc->s->as_of - j->rp_time < 3 * DAY_S)
		assert_true(listed);
	return 0;
}

static void test_sample__restores_reference_points(void **state)
{
	char *dir = default_estate();
	struct snapshot s;
	struct err e = ERR_INIT;
	struct restore_check rc = { &s, NULL, 0, 0, 0, 0 };

	(void)state;
	open_snapshot(&s, dir);
	assert_int_equal(snapshot_each_rp(&s, collect_keys, &rc, &e), 0);
	qsort(rc.keys, rc.nkeys, sizeof(*rc.keys), by_key);
	assert_int_equal(snapshot_each_job(&s, check_restore, &rc, &e), 0);
	assert_true(rc.restores > 0);
	/* The rest are restores of points that have expired since. */
	assert_true(rc.listed * 2 >= rc.restores);
	free(rc.keys);
	snapshot_release(&s);
	free(dir);
}

static void test_sample__manifest_records_generator(void **state)
{
	struct sample_options o;
	struct err e = ERR_INIT;
	char *dir = test_path("hazard");
	struct snapshot s;

	(void)state;
	sample_options_init(&o);
	o.items = 30;
	o.vaults = 3;
	assert_int_equal(sample_hazard_parse("3e-06,0.001,2,1.1", &o.hazard),
			 0);
	assert_int_equal(sample_write(&o, dir, NULL, &e), 0);
	open_snapshot(&s, dir);
	assert_string_equal(s.manifest.source, "sample");
	assert_string_equal(s.manifest.generator,
			    "sample seed=42 vaults=3 items=30 "
			    "hazard=B:3e-06,K:0.001,c:2,p:1.1 "
			    "as_of=2026-11-01T00:00:00Z");
	assert_int_equal(s.manifest.exported_at,
			 time_from_civil(2026, 11, 1, 0, 0, 0));
	assert_int_equal(s.manifest.restore_jobs_from,
			 s.manifest.exported_at - 400 * (int64_t)DAY_S);
	assert_int_equal(s.manifest.backup_jobs_from,
			 s.manifest.exported_at - 35 * (int64_t)DAY_S);
	assert_true(s.manifest.nsubscriptions >= 3);
	assert_true(s.manifest.tenant_id && s.manifest.tenant_id[0]);
	assert_int_equal(s.nitems, 30);
	snapshot_release(&s);
	free(dir);
}

/* ---- vault protections: what the audit will look at ---- */

enum rule { R_IMMUTABLE, R_SOFT_DELETE, R_MUA, R_ENHANCED, R_TIERING,
	    R_REDUNDANCY, R_XSUB, R_NETWORK, R_CMK, R_ALERTS, R_COUNT };

static bool long_retention_untiered(const struct policy *p)
{
	return p->workload != WL_FILES &&
	       (p->monthly_keep_months >= 9 || p->yearly_keep_years > 0) &&
	       p->tiering_mode != TM_TIERAFTER &&
	       p->tiering_mode != TM_TIERRECOMMENDED;
}

static bool vm_on_standard(const struct snapshot *s, size_t v)
{
	for (size_t i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		if (it->vault_idx == v && it->workload == WL_VM &&
		    it->policy_idx >= 0 &&
		    s->policies[it->policy_idx].policy_type == PT_STANDARD)
			return true;
	}
	return false;
}

static bool untiered_policy(const struct snapshot *s, const char *vault_id)
{
	for (size_t i = 0; i < s->npolicies; i++)
		if (!strcmp(s->policies[i].vault_id, vault_id) &&
		    long_retention_untiered(&s->policies[i]))
			return true;
	return false;
}

static const struct guard *guard_of(const struct snapshot *s,
				    const char *vault_id)
{
	for (size_t i = 0; i < s->nguards; i++)
		if (!strcmp(s->guards[i].vault_id, vault_id))
			return &s->guards[i];
	return NULL;
}

static bool rule_fails(const struct snapshot *s, size_t v, enum rule r)
{
	const struct vault *vt = &s->vaults[v];
	const struct guard *g = guard_of(s, vt->vault_id);

	switch (r) {
	case R_IMMUTABLE:
		return vt->immutability != IMM_LOCKED;
	case R_SOFT_DELETE:
		return vt->soft_delete != SD_ALWAYSON;
	case R_MUA:
		return vt->mua != ON || !g ||
		       !strcmp(g->guard_subscription_id, vt->subscription_id);
	case R_ENHANCED:
		return vm_on_standard(s, v);
	case R_TIERING:
		return untiered_policy(s, vt->vault_id);
	case R_REDUNDANCY:
		return vt->redundancy != RED_GRS ||
		       vt->cross_region_restore != ON;
	case R_XSUB:
		return vt->cross_subscription_restore == XSR_ENABLED;
	case R_NETWORK:
		return vt->public_network_access != OFF;
	case R_CMK:
		return vt->cmk != ON;
	default:
		return vt->job_failure_alerts != ON;
	}
}

static void test_sample__vaults_give_the_audit_work(void **state)
{
	char *dir = default_estate();
	struct snapshot s;
	size_t exemplary = 0;

	(void)state;
	open_snapshot(&s, dir);
	for (int r = 0; r < R_COUNT; r++) {
		size_t failing = 0;
		for (size_t v = 0; v < s.nvaults; v++)
			failing += rule_fails(&s, v, (enum rule)r);
		if (!failing)
			fail_msg("no vault fails rule %d", r);
	}
	for (size_t v = 0; v < s.nvaults; v++) {
		bool passes = true;
		for (int r = 0; r < R_COUNT; r++)
			passes = passes && !rule_fails(&s, v, (enum rule)r);
		exemplary += passes;
	}
	assert_true(exemplary >= 2);
	snapshot_release(&s);
	free(dir);
}

static bool in_list(const char *list, const char *op)
{
	const char *parts[16];
	char *copy;
	size_t n = str_split(list, ';', &copy, parts, ARRAY_SIZE(parts));
	bool found = false;

	for (size_t i = 0; i < n; i++)
		found = found || !strcmp(parts[i], op);
	free(copy);
	return found;
}

static void test_sample__guards_match_vaults(void **state)
{
	char *dir = default_estate();
	struct snapshot s;
	size_t mua = 0;

	(void)state;
	open_snapshot(&s, dir);
	for (size_t v = 0; v < s.nvaults; v++) {
		const struct vault *vt = &s.vaults[v];
		const struct guard *g = guard_of(&s, vt->vault_id);

		if (vt->mua != ON) {
			assert_null(g);
			assert_string_equal(vt->resource_guard_id, "");
			continue;
		}
		mua++;
		assert_non_null(g);
		assert_string_equal(g->resource_guard_id,
				    vt->resource_guard_id);
		assert_non_null(strstr(g->resource_guard_id,
				       "/providers/Microsoft.DataProtection/"
				       "resourceGuards/"));
		assert_non_null(strstr(g->resource_guard_id,
				       g->guard_subscription_id));
		/* Soft delete and MUA itself can never be excluded. */
		assert_true(in_list(g->protected_operations,
				    "Microsoft.RecoveryServices/vaults/"
				    "backupconfig/write"));
		assert_true(in_list(g->protected_operations,
				    "Microsoft.RecoveryServices/vaults/"
				    "backupResourceGuardProxies/delete"));
		assert_false(in_list(g->excluded_operations,
				     "Microsoft.RecoveryServices/vaults/"
				     "backupconfig/write"));
	}
	assert_true(mua >= 3);
	assert_int_equal(mua, s.nguards);
	snapshot_release(&s);
	free(dir);
}

static int count_item(void *ctx, const struct item *it, const struct rp *rps,
		      size_t n, struct err *e)
{
	(void)it;
	(void)rps;
	(void)e;
	assert_true(n > 0);
	++*(size_t *)ctx;
	return 0;
}

static int count_job(void *ctx, const struct item *it, const struct job *j,
		     struct err *e)
{
	(void)it;
	(void)j;
	(void)e;
	++*(size_t *)ctx;
	return 0;
}

static void test_sample__large_estate_reads_back_grouped(void **state)
{
	char *dir = make_estate("large", 7, 2000);
	struct snapshot s;
	struct err e = ERR_INIT;
	size_t items = 0, jobs = 0;

	(void)state;
	open_snapshot(&s, dir);
	assert_int_equal(s.nitems, 2000);
	if (snapshot_each_item_rps(&s, count_item, &items, &e))
		fail_msg("%s", e.msg);
	if (snapshot_each_job(&s, count_job, &jobs, &e))
		fail_msg("%s", e.msg);
	/* Every item but those never backed up has points. */
	assert_true(items >= 1990);
	assert_int_equal(jobs, manifest_file(&s.manifest, "jobs.csv")->rows);
	snapshot_release(&s);
	remove_tree(dir);
	free(dir);
}

static void test_sample__hazard(void **state)
{
	struct sample_hazard h = { 2e-5, 0.02, 1, 1.3 }, one = h, bad;
	double sum = 0, step = 1e-3;

	(void)state;
	/* Lambda is the integral of lambda (midpoint rule over 10 days). */
	for (double a = step / 2; a < 10; a += step)
		sum += sample_hazard_rate(&h, a) * step;
	assert_true(fabs(sum - sample_hazard_cumulative(&h, 10)) < 1e-6);
	assert_true(sample_hazard_cumulative(&h, 0) == 0);
	/* p = 1 is the logarithm, and p near 1 tends to it. */
	one.p = 1;
	assert_true(fabs(sample_hazard_cumulative(&one, 30) -
			 (2e-5 * 30 + 0.02 * log(31))) < 1e-12);
	one.p = 1 + 1e-9;
	assert_true(fabs(sample_hazard_cumulative(&one, 30) -
			 (2e-5 * 30 + 0.02 * log(31))) < 1e-9);
	assert_int_equal(sample_hazard_parse("2e-5,0.02,1,1.3", &bad), 0);
	assert_true(bad.B == 2e-5 && bad.K == 0.02 && bad.c == 1 &&
		    bad.p == 1.3);
	assert_int_equal(sample_hazard_parse("2e-5,0.02,1", &bad), -1);
	assert_int_equal(sample_hazard_parse("2e-5,0.02,1,1.3,4", &bad), -1);
	assert_int_equal(sample_hazard_parse("-1,0.02,1,1.3", &bad), -1);
	assert_int_equal(sample_hazard_parse("2e-5,0.02,0,1.3", &bad), -1);
	assert_int_equal(sample_hazard_parse("a,b,c,d", &bad), -1);
}

static void test_sample__zones(void **state)
{
	int off = 1;

	(void)state;
	assert_int_equal(sample_zone_offset("UTC", &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(sample_zone_offset("W. Europe Standard Time", &off),
			 0);
	assert_int_equal(off, 3600);
	assert_int_equal(sample_zone_offset("Pacific Standard Time", &off), 0);
	assert_int_equal(off, -8 * 3600);
	assert_int_equal(sample_zone_offset("Mars Standard Time", &off), -1);
}

static int teardown(void **state)
{
	(void)state;
	test_scratch_cleanup();
	return 0;
}

/* One sample Backup-vault instance's history, as a user reads it. */
struct bv_seen {
	const char *name;       /* instance_name */
	int64_t newest;         /* newest point, TIME_NONE: none */
	size_t points, failed, restores, after_stop;
	bool wrong_store;       /* a point not in its datasource's store */
	int64_t stop;           /* jobs after this count as after_stop */
};

static int seen_rp(void *ctx, const struct binstance *bi,
		   const struct brp *rp, struct err *e)
{
	struct bv_seen *w = ctx;
	const char *store = strstr(bi->datasource_type, "disks")
				    ? "OperationalStore"
				    : "VaultStore";

	(void)e;
	assert_true(rp->expiry_time > rp->rp_time);
	if (strcmp(bi->instance_name, w->name))
		return 0;
	w->points++;
	w->wrong_store |= strcmp(rp->data_stores, store) != 0;
	if (w->newest == TIME_NONE || rp->rp_time > w->newest)
		w->newest = rp->rp_time;
	return 0;
}

static int seen_job(void *ctx, const struct binstance *bi,
		    const struct bjob *j, struct err *e)
{
	struct bv_seen *w = ctx;

	(void)e;
	assert_non_null(bi);
	if (strcmp(bi->instance_name, w->name))
		return 0;
	w->failed += !strcmp(j->status, "Failed");
	w->restores += bjob_is_restore(j);
	w->after_stop += j->start_time > w->stop;
	return 0;
}

static struct bv_seen bv_history(struct snapshot *s, const char *name,
				 int64_t stop)
{
	struct bv_seen w = { name, TIME_NONE, 0, 0, 0, 0, false, stop };
	struct err e = ERR_INIT;

	if (snapshot_each_brp(s, seen_rp, &w, &e) ||
	    snapshot_each_bjob(s, seen_job, &w, &e))
		fail_msg("%s", e.msg);
	return w;
}

static void test_sample__backup_vault_history(void **state)
{
	char *dir = default_estate();
	struct snapshot s;
	struct bv_seen w;
	int64_t now;

	(void)state;
	open_snapshot(&s, dir);
	now = s.manifest.exported_at;
	/* a disk on schedule: daily snapshots for the 7 days it keeps */
	w = bv_history(&s, "rg-erp-prod-osdisk-erp-01", now);
	assert_int_equal(w.points, 7);
	assert_false(w.wrong_store);
	assert_true(now - w.newest < 26 * HOUR_S);
	assert_int_equal(w.failed, 0);
	assert_int_equal(w.restores, 2);
	/* the disk in ConfiguringProtectionFailed failed its last three
	 * runs */
	w = bv_history(&s, "rg-shop-prod-datadisk-shop-01", now);
	assert_int_equal(w.failed, 3);
	assert_true(now - w.newest > 3 * DAY_S &&
		    now - w.newest < 4 * DAY_S + 26 * HOUR_S);
	/* the stopped blob: nothing for 40 days, its vault points kept */
	w = bv_history(&s, "rg-shop-prod-stshopmedia01", now - 40 * DAY_S);
	assert_true(w.points > 0);
	assert_false(w.wrong_store);
	assert_true(now - w.newest >= 40 * DAY_S);
	assert_int_equal(w.after_stop, 0);
	/* PostgreSQL backups failing: two weekly runs */
	w = bv_history(&s, "rg-shop-prod-pg-shop-catalog", now);
	assert_int_equal(w.failed, 2);
	assert_false(w.wrong_store);
	assert_true(now - w.newest > 14 * DAY_S);
	snapshot_release(&s);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample__same_seed_same_files),
		cmocka_unit_test(test_sample__default_meets_budget),
		cmocka_unit_test(test_sample__points_follow_the_rules),
		cmocka_unit_test(test_sample__restores_reference_points),
		cmocka_unit_test(test_sample__manifest_records_generator),
		cmocka_unit_test(test_sample__vaults_give_the_audit_work),
		cmocka_unit_test(test_sample__guards_match_vaults),
		cmocka_unit_test(test_sample__backup_vault_history),
		cmocka_unit_test(test_sample__large_estate_reads_back_grouped),
		cmocka_unit_test(test_sample__hazard),
		cmocka_unit_test(test_sample__zones),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
