/* SPDX-License-Identifier: MIT
 * audit.c: the audit stage (audit.h). Groups the snapshot's
 * policies, items and guards by vault, counts from the job history each
 * item's extra backups (audit_rules.h), reads a plan's policy_changes.csv, runs
 * the rules and writes posture.csv. Memory is flat in the number of jobs:
 * they are streamed, one item's backup times at a time. Never prints. */
#include "optimizer/audit/audit.h"

#include <math.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

static const struct csv_column audit_cols[] = {
	{ "vault_id", 0 },	  { "rule_id", 0 },	    { "severity", 0 },
	{ "status", 0 },	  { "evidence", 0 },	    { "fix", 0 },
	{ "vault_name", 0 },	  { "subscription_id", 0 }, { "reference", 0 },
	{ "detail", 0 },	  { "saving_total", 0 },    { "currency", 0 },
	{ "vault_kind", 0 },
};
static const struct csv_schema audit_schema = {
	"posture.csv", audit_cols, ARRAY_SIZE(audit_cols)
};

/* ---- policy_changes.csv ---- */

enum { PC_POLICY, PC_PROPOSED, PC_SAVING, PC_CURRENCY, PC_DURATION,
       PC_DTYPE, PC_REASON, PC_NCOLS };
static const struct csv_column plan_cols[] = {
	{ "policy_id", CSV_REQUIRED },	  { "proposed_tiering", CSV_REQUIRED },
	{ "saving_total", CSV_REQUIRED }, { "currency", CSV_REQUIRED },
	{ "duration", 0 },		  { "duration_type", 0 },
	{ "reason", 0 },
};
_Static_assert(ARRAY_SIZE(plan_cols) == PC_NCOLS, "plan_cols out of step");
static const struct csv_schema plan_schema = { "policy_changes.csv",
					       plan_cols, PC_NCOLS };

struct plan_loader {
	struct audit_plan *plan;
	size_t alloc;
};

static int load_plan_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct plan_loader *l = ctx;
	struct audit_plan *plan = l->plan;
	struct audit_plan_row row = { 0 };
	const char *id;

	row.duration_type = row.reason = row.proposed_tiering = "";
	if (row_str(r, PC_POLICY, 0, &id, e) ||
	    row_str(r, PC_PROPOSED, ROW_OPTIONAL, &row.proposed_tiering, e) ||
	    row_double(r, PC_SAVING, 0, -1e12, 1e12, &row.saving_total, e) ||
	    row_str(r, PC_CURRENCY, 0, &row.currency, e) ||
	    row_long(r, PC_DURATION, ROW_OPTIONAL, 0, 100000, &row.duration,
		     e) ||
	    row_str(r, PC_DTYPE, ROW_OPTIONAL, &row.duration_type, e) ||
	    row_str(r, PC_REASON, ROW_OPTIONAL, &row.reason, e))
		return -1;
	row.policy_id = strpool_dup(&plan->pool, id);
	if (strmap_put(&plan->map, row.policy_id, plan->n))
		return row_error(r, PC_POLICY, e,
				 "a policy_id not used by an earlier row");
	row.proposed_tiering = strpool_dup(&plan->pool, row.proposed_tiering);
	row.currency = strpool_dup(&plan->pool, row.currency);
	row.duration_type = strpool_dup(&plan->pool, row.duration_type);
	row.reason = strpool_dup(&plan->pool, row.reason);
	plan->rows = grow_array(plan->rows, sizeof(row), plan->n + 1,
				&l->alloc);
	plan->rows[plan->n++] = row;
	return 0;
}

int audit_plan_load(struct audit_plan *plan, const char *plan_dir,
		      struct err *e)
{
	struct plan_loader l = { plan, 0 };

	memset(plan, 0, sizeof(*plan));
	plan->path = path_join(plan_dir, plan_schema.file);
	if (csv_read(plan->path, &plan_schema, load_plan_row, &l, NULL, e)) {
		audit_plan_release(plan);
		return -1;
	}
	return 0;
}

/* ---- grouping by vault ---- */

/* The views of all vaults; policies and items in snapshot order. */
struct estate {
	struct vault_view *views;
	const struct policy **policies;
	const struct item **items;
};

static void sample_build(struct estate *es, const struct snapshot *s)
{
	size_t *np = xcalloc(s->nvaults + 1, sizeof(size_t));
	size_t *ni = xcalloc(s->nvaults + 1, sizeof(size_t));
	size_t *pvault = xcalloc(s->npolicies + 1, sizeof(size_t));
	size_t off_p = 0, off_i = 0;

	es->views = xcalloc(s->nvaults + 1, sizeof(*es->views));
	es->policies = xcalloc(s->npolicies + 1, sizeof(*es->policies));
	es->items = xcalloc(s->nitems + 1, sizeof(*es->items));
	for (size_t i = 0; i < s->npolicies; i++) {
		/* snapshot_open checked that every policy's vault exists. */
		const char *vid = s->policies[i].vault_id;
		pvault[i] = (size_t)snapshot_find_vault(s, vid);
		np[pvault[i]]++;
	}
	for (size_t i = 0; i < s->nitems; i++)
		ni[s->items[i].vault_idx]++;
	for (size_t v = 0; v < s->nvaults; v++) {
		struct vault_view *vv = &es->views[v];
		vv->s = s;
		vv->v = &s->vaults[v];
		vv->policies = es->policies + off_p;
		vv->items = es->items + off_i;
		vv->tenant_id = s->vaults[v].tenant_id[0]
					? s->vaults[v].tenant_id
				: s->manifest.tenant_id ? s->manifest.tenant_id
							: "";
		off_p += np[v];
		off_i += ni[v];
	}
	for (size_t i = 0; i < s->npolicies; i++) {
		struct vault_view *vv = &es->views[pvault[i]];
		vv->policies[vv->npolicies++] = &s->policies[i];
	}
	for (size_t i = 0; i < s->nitems; i++) {
		struct vault_view *vv = &es->views[s->items[i].vault_idx];
		vv->items[vv->nitems++] = &s->items[i];
	}
	for (size_t i = 0; i < s->nguards; i++) {
		long v = snapshot_find_vault(s, s->guards[i].vault_id);
		if (v >= 0 && !es->views[v].guard)
			es->views[v].guard = &s->guards[i];
	}
	free(np);
	free(ni);
	free(pvault);
}

static void sample_release(struct estate *es)
{
	free(es->views);
	free(es->policies);
	free(es->items);
}

/* ---- job history: extra backups ---- */

struct extra_scan {
	const struct snapshot *s;
	unsigned *out;            /* per item index */
	const struct item *cur;
	int64_t *starts;          /* the current item's backup start times */
	size_t n, alloc;
	int64_t from, to;         /* window of start times */
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Counts the current item's backups that started soon after another. */
static void extra_flush(struct extra_scan *x)
{
	unsigned extra = 0;

	if (!x->cur)
		return;
	qsort(x->starts, x->n, sizeof(*x->starts), cmp_i64);
	for (size_t i = 1; i < x->n; i++)
		extra += x->starts[i] - x->starts[i - 1] <
			 (int64_t)POSTURE_EXTRA_BACKUP_HOURS * HOUR_S;
	x->out[x->cur - x->s->items] = extra;
	x->n = 0;
	x->cur = NULL;
}

static int extra_job(void *ctx, const struct item *it, const struct job *j,
		     struct err *e)
{
	struct extra_scan *x = ctx;

	(void)e;
	if (!it || !job_is_backup(j) || !job_succeeded(j) ||
	    j->start_time < x->from || j->start_time > x->to)
		return 0;
	if (it != x->cur) {
		extra_flush(x);
		x->cur = it;
	}
	x->starts = grow_array(x->starts, sizeof(*x->starts), x->n + 1,
			       &x->alloc);
	x->starts[x->n++] = j->start_time;
	return 0;
}

/* Whether any VM item is on a Standard policy (else jobs aren't read). */
static bool any_vm_on_standard(const struct snapshot *s)
{
	for (size_t i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		if (it->workload == WL_VM && it->policy_idx >= 0 &&
		    s->policies[it->policy_idx].policy_type == PT_STANDARD)
			return true;
	}
	return false;
}

/* Returns the per-item counts (caller frees), or NULL with e set. */
static unsigned *extra_backups_read(struct snapshot *s, struct err *e)
{
	struct extra_scan x = { 0 };

	x.s = s;
	x.out = xcalloc(s->nitems + 1, sizeof(unsigned));
	x.to = s->as_of;
	x.from = s->as_of - (int64_t)POSTURE_JOB_WINDOW_DAYS * DAY_S;
	if (snapshot_each_job(s, extra_job, &x, e)) {
		free(x.starts);
		free(x.out);
		return NULL;
	}
	extra_flush(&x);
	free(x.starts);
	return x.out;
}

int audit_jobs_read(struct snapshot *s, struct audit_jobs *out,
		    struct err *e)
{
	out->extra_backups = NULL;
	if (!any_vm_on_standard(s))
		return 0;
	out->extra_backups = extra_backups_read(s, e);
	return out->extra_backups ? 0 : -1;
}

void audit_jobs_release(struct audit_jobs *j)
{
	free(j->extra_backups);
	j->extra_backups = NULL;
}

/* ---- writing ---- */

/* The vault a row is about. */
struct row_vault {
	const char *id, *name, *subscription_id, *kind;
};

static void put_finding(struct csv_writer *w, const struct row_vault *v,
			const struct finding *f)
{
	csv_put(w, v->id);
	csv_put(w, audit_rule_ids[f->rule]);
	csv_put(w, severity_names[f->severity]);
	csv_put(w, f->pass ? "pass" : "fail");
	csv_put(w, f->evidence.buf);
	csv_put(w, f->fix.buf);
	csv_put(w, v->name);
	csv_put(w, v->subscription_id);
	csv_put(w, f->reference);
	csv_put(w, f->detail.buf);
	csv_put_double(w, f->saving, 2);
	csv_put(w, f->currency);
	csv_put(w, v->kind);
	csv_end_row(w);
}

static void count_finding(struct audit_summary *sum,
			  struct audit_vault_score *vs,
			  const struct finding *f)
{
	sum->rows++;
	vs->total++;
	if (f->pass) {
		sum->passed++;
		vs->passed++;
		return;
	}
	sum->fails[f->severity]++;
	sum->rule_fails[f->rule]++;
	vs->fails[f->severity]++;
	if (f->severity > sum->worst)
		sum->worst = f->severity;
}

static void audit_vault(struct csv_writer *w, const struct vault_view *vv,
			const struct audit_inputs *in,
			struct audit_summary *sum,
			struct audit_vault_score *vs)
{
	struct finding f[PR_COUNT];
	const struct row_vault rv = { vv->v->vault_id, vv->v->vault_name,
				      vv->v->subscription_id,
				      "RecoveryServices" };

	vs->vault_id = vv->v->vault_id;
	vs->vault_name = vv->v->vault_name;
	for (int r = 0; r < PR_COUNT; r++) {
		audit_rule_eval(r, vv, in, &f[r]);
		put_finding(w, &rv, &f[r]);
		count_finding(sum, vs, &f[r]);
	}
	vs->score = audit_score(f, PR_COUNT);
	for (int r = 0; r < PR_COUNT; r++)
		finding_release(&f[r]);
}

/* ---- Backup vaults ---- */

/* The views of all Backup vaults; policies and instances in snapshot
 * order. */
struct bv_estate {
	struct bvault_view *views;
	const struct bpolicy **policies;
	const struct binstance **instances;
};

static void bv_estate_build(struct bv_estate *es, const struct snapshot *s)
{
	const struct bv_tables *t = &s->bv;
	size_t *np = xcalloc(t->nvaults + 1, sizeof(size_t));
	size_t *ni = xcalloc(t->nvaults + 1, sizeof(size_t));
	size_t off_p = 0, off_i = 0;

	es->views = xcalloc(t->nvaults + 1, sizeof(*es->views));
	es->policies = xcalloc(t->npolicies + 1, sizeof(*es->policies));
	es->instances = xcalloc(t->ninstances + 1, sizeof(*es->instances));
	/* snapshot_open checked that every policy's vault exists. */
	for (size_t i = 0; i < t->npolicies; i++)
		np[snapshot_find_bvault(s, t->policies[i].vault_id)]++;
	for (size_t i = 0; i < t->ninstances; i++)
		ni[t->instances[i].vault_idx]++;
	for (size_t v = 0; v < t->nvaults; v++) {
		struct bvault_view *bv = &es->views[v];
		bv->s = s;
		bv->v = &t->vaults[v];
		bv->policies = es->policies + off_p;
		bv->instances = es->instances + off_i;
		bv->tenant_id = t->vaults[v].tenant_id[0]
					? t->vaults[v].tenant_id
				: s->manifest.tenant_id ? s->manifest.tenant_id
							: "";
		off_p += np[v];
		off_i += ni[v];
	}
	for (size_t i = 0; i < t->npolicies; i++) {
		long v = snapshot_find_bvault(s, t->policies[i].vault_id);
		struct bvault_view *bv = &es->views[v];
		bv->policies[bv->npolicies++] = &t->policies[i];
	}
	for (size_t i = 0; i < t->ninstances; i++) {
		struct bvault_view *bv = &es->views[t->instances[i].vault_idx];
		bv->instances[bv->ninstances++] = &t->instances[i];
	}
	free(np);
	free(ni);
}

static void bv_estate_release(struct bv_estate *es)
{
	free(es->views);
	free(es->policies);
	free(es->instances);
}

static void audit_bvault(struct csv_writer *w, const struct bvault_view *bv,
			 struct audit_summary *sum,
			 struct audit_vault_score *vs)
{
	struct finding f[POSTURE_BV_NRULES];
	const struct row_vault rv = { bv->v->vault_id, bv->v->vault_name,
				      bv->v->subscription_id, "BackupVault" };

	vs->vault_id = bv->v->vault_id;
	vs->vault_name = bv->v->vault_name;
	for (int r = 0; r < POSTURE_BV_NRULES; r++) {
		audit_bv_eval(audit_bv_rules[r], bv, &f[r]);
		put_finding(w, &rv, &f[r]);
		count_finding(sum, vs, &f[r]);
	}
	vs->score = audit_score(f, POSTURE_BV_NRULES);
	for (int r = 0; r < POSTURE_BV_NRULES; r++)
		finding_release(&f[r]);
}

static void audit_bvaults(struct csv_writer *w, const struct snapshot *s,
			  struct audit_summary *sum,
			  struct audit_vault_score *scores)
{
	struct bv_estate es = { 0 };

	bv_estate_build(&es, s);
	for (size_t v = 0; v < s->bv.nvaults; v++)
		audit_bvault(w, &es.views[v], sum, &scores[v]);
	bv_estate_release(&es);
}

/* Vaults that protect nothing have nothing to say one by one: one row
 * says how many there are and names the first few, however many there
 * are (1e5 empty vaults once made 467 MB of posture.csv). */
#define EMPTY_NAMED 20

static void put_empty_vaults(struct csv_writer *w,
			     const struct audit_summary *sum)
{
	struct strbuf ev = STRBUF_INIT;
	size_t listed = 0;

	strbuf_addf(&ev, "%zu vault%s protect%s no items and %s not checked "
			 "one by one:",
		    sum->nempty, sum->nempty == 1 ? "" : "s",
		    sum->nempty == 1 ? "s" : "",
		    sum->nempty == 1 ? "was" : "were");
	for (size_t i = 0; i < sum->nvaults && listed < EMPTY_NAMED; i++)
		if (!sum->vaults[i].total)
			strbuf_addf(&ev, "%s %s", listed++ ? "," : "",
				    sum->vaults[i].vault_name);
	if (sum->nempty > listed)
		strbuf_addf(&ev, " (+%zu more)", sum->nempty - listed);
	csv_put(w, "");
	csv_put(w, "no_protected_items");
	csv_put(w, severity_names[SEV_INFO]);
	csv_put(w, "pass");
	csv_put(w, ev.buf);
	csv_put(w, "remove the vaults no longer needed; a vault's settings "
		   "are checked once it protects an item");
	for (int c = 0; c < 4; c++)
		csv_put(w, "");
	csv_put_double(w, NAN, 2);
	csv_put(w, "");
	csv_put(w, "RecoveryServices");
	csv_end_row(w);
	strbuf_release(&ev);
}

static void summary_scores(struct audit_summary *sum)
{
	double total = 0;
	size_t scored = 0;

	sum->min_score = 100;
	for (size_t i = 0; i < sum->nvaults; i++) {
		if (!sum->vaults[i].total)
			continue;
		scored++;
		total += sum->vaults[i].score;
		if (sum->vaults[i].score < sum->min_score)
			sum->min_score = sum->vaults[i].score;
	}
	sum->mean_score = scored ? total / (double)scored : 100;
}

int audit_run(struct snapshot *s, const struct audit_options *o,
		      const char *out_path, struct audit_summary *out,
		      struct err *e)
{
	struct audit_plan plan = { 0 };
	struct audit_inputs in = { o ? o->targets : NULL, NULL, NULL };
	struct estate es = { 0 };
	struct csv_writer *w = NULL;
	struct audit_jobs own = { NULL };
	const struct audit_jobs *jobs = o && o->jobs ? o->jobs : &own;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->worst = -1;
	if (o && o->plan_dir) {
		if (audit_plan_load(&plan, o->plan_dir, e))
			goto done;
		in.plan = &plan;
	}
	if (jobs == &own && audit_jobs_read(s, &own, e))
		goto done;
	in.extra_backups = jobs->extra_backups;
	w = csv_writer_open(out_path, &audit_schema, e);
	if (!w)
		goto done;
	sample_build(&es, s);
	out->nvaults = s->nvaults + s->bv.nvaults;
	out->vaults = xcalloc(out->nvaults + 1, sizeof(*out->vaults));
	for (size_t v = 0; v < s->nvaults; v++) {
		struct audit_vault_score *vs = &out->vaults[v];
		if (es.views[v].nitems) {
			audit_vault(w, &es.views[v], &in, out, vs);
			continue;
		}
		vs->vault_id = s->vaults[v].vault_id;
		vs->vault_name = s->vaults[v].vault_name;
		vs->score = 100;
		out->nempty++;
	}
	audit_bvaults(w, s, out, out->vaults + s->nvaults);
	if (out->nempty)
		put_empty_vaults(w, out);
	summary_scores(out);
	rc = csv_writer_commit(w, NULL, e);
	w = NULL;
done:
	csv_writer_abort(w);
	if (rc)
		audit_summary_release(out);
	sample_release(&es);
	audit_jobs_release(&own);
	audit_plan_release(&plan);
	return rc;
}

void audit_summary_release(struct audit_summary *sum)
{
	if (!sum)
		return;
	free(sum->vaults);
	memset(sum, 0, sizeof(*sum));
	sum->worst = -1;
}

bool audit_summary_fails_at(const struct audit_summary *sum,
			      int severity)
{
	return sum->worst >= 0 && sum->worst >= severity;
}
