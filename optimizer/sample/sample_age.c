/* SPDX-License-Identifier: MIT
 * sample_age.c: `sample --from SNAPSHOT --months N`, the same estate N
 * months later (sample_age in sample.h says what changes). Reads the
 * snapshot whole, then writes the aged one item by item through the
 * history walker (sample_history.c). Never prints, never reads the
 * clock: the same snapshot and options give the same files. */
#include "optimizer/sample/sample_internal.h"

#include <math.h>
#include <stdio.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

/* Per item and month: protection stopped (points kept), stopped with its
 * data deleted (soft-deleted for the vault's soft-delete days, then
 * gone), and a new item like it configured in the same vault. */
#define STOP_RATE 0.01
#define DELETE_RATE 0.005
#define ADD_RATE 0.015
#define SOFT_DELETE_DAYS 14

/* What the aged snapshot keeps of the old one, per item. */
struct old_item {
	struct rp *rps;
	size_t nrps, arps;
	struct job *jobs;
	size_t njobs, ajobs;
	bool spawns; /* a new item like it is added */
};

struct ager {
	struct snapshot s;
	struct sample_options o;
	struct sample_ctx x;
	struct strpool pool;
	struct gen_policy *pols;
	struct old_item *old;
	struct strmap moved; /* points an applied plan moved */
	int months;
	char when[16]; /* the new month, for new item names */
};

static const char *kept(struct ager *a, const char *s)
{
	return s ? strpool_dup(&a->pool, s) : NULL;
}


static int load_rps(void *ctx, const struct item *it, const struct rp *rps,
		    size_t n, struct err *e)
{
	struct ager *a = ctx;
	struct old_item *oi = &a->old[snapshot_find_item(&a->s, it->item_id)];
	(void)e;

	oi->rps = grow_array(oi->rps, sizeof(*oi->rps), oi->nrps + n,
			     &oi->arps);
	for (size_t i = 0; i < n; i++) {
		struct rp *rp = &oi->rps[oi->nrps++];
		*rp = rps[i];
		rp->rp_id = kept(a, rps[i].rp_id);
		rp->item_id = it->item_id;
		rp->move_info = "";
		if (sample_applied_moved(&a->moved, rp))
			rp->tier = TIER_ARCHIVE;
	}
	return 0;
}

static int load_job(void *ctx, const struct item *it, const struct job *j,
		    struct err *e)
{
	struct ager *a = ctx;
	struct old_item *oi;
	struct job *c;
	(void)e;

	if (!it) /* vault-level jobs are not aged */
		return 0;
	oi = &a->old[snapshot_find_item(&a->s, it->item_id)];
	oi->jobs = grow_array(oi->jobs, sizeof(*oi->jobs), oi->njobs + 1,
			      &oi->ajobs);
	c = &oi->jobs[oi->njobs++];
	*c = *j;
	c->job_id = kept(a, j->job_id);
	c->vault_id = it->vault_id;
	c->item_id = it->item_id;
	c->operation = kept(a, j->operation);
	c->status = kept(a, j->status);
	c->source_tier = kept(a, j->source_tier);
	c->error_code = kept(a, j->error_code);
	return 0;
}

/* The seed and hazard a sample snapshot was made with, where its
 * manifest says; the defaults otherwise. */
static void source_options(struct ager *a, bool seed_given)
{
	const char *g = a->s.manifest.generator;
	const char *h = g ? strstr(g, "hazard=") : NULL;
	unsigned long seed;
	struct sample_hazard hz;

	if (!seed_given && g && sscanf(g, "sample seed=%lu", &seed) == 1)
		a->o.seed = seed;
	if (h && sscanf(h, "hazard=B:%lg,K:%lg,c:%lg,p:%lg", &hz.B, &hz.K,
			&hz.c, &hz.p) == 4)
		a->o.hazard = hz;
}

static void decode_policies(struct ager *a)
{
	a->pols = xcalloc(a->s.npolicies + 1, sizeof(*a->pols));
	for (size_t i = 0; i < a->s.npolicies; i++) {
		a->pols[i].p = a->s.policies[i];
		sample_decode_policy(&a->pols[i]);
	}
}

static void put_small_tables(struct ager *a)
{
	struct snapshot *s = &a->s;

	for (size_t i = 0; i < s->nvaults; i++)
		snapshot_put_vault(&a->x.sw, &s->vaults[i]);
	for (size_t i = 0; i < s->nguards; i++)
		snapshot_put_guard(&a->x.sw, &s->guards[i]);
	for (size_t i = 0; i < s->npolicies; i++)
		snapshot_put_policy(&a->x.sw, &s->policies[i]);
	snapshot_put_bv(&a->x.sw, &s->bv);
	a->x.stats.vaults = s->nvaults;
	a->x.stats.guards = s->nguards;
	a->x.stats.policies = s->npolicies;
}

/* The probability of an event of monthly rate r in a->months months. */
static double over_months(const struct ager *a, double r)
{
	double stay = 1;

	for (int m = 0; m < a->months; m++)
		stay *= 1 - r;
	return 1 - stay;
}

static int64_t in_window(struct ager *a)
{
	return a->x.resume_at +
	       (int64_t)sample_uniform(a->x.rng, 0,
				       (double)(a->x.as_of - a->x.resume_at));
}

/* An item's fate this time: stopped, deleted, or (protected ones) new
 * runs from the old as-of; and whether a new item like it comes. */
static void draw_fate(struct ager *a, struct gen_item *gi, size_t i)
{
	static const struct gen_policy no_runs;
	struct item *it = &gi->it;
	const struct vault *v = &a->s.vaults[it->vault_idx];
	bool protecting = it->policy_idx >= 0;
	double u = gsl_rng_uniform(a->x.rng);

	gi->pol = protecting ? &a->pols[it->policy_idx] : &no_runs;
	gi->vault_crr = v->cross_region_restore == ON;
	gi->start = a->x.resume_at - 2 * 3600; /* runs that began before */
	gi->stop = protecting ? TIME_NONE : a->x.resume_at;
	gi->streak_from = gi->streak_to = TIME_NONE;
	a->old[i].spawns = protecting &&
			   gsl_rng_uniform(a->x.rng) < over_months(a, ADD_RATE);
	if (!strcmp(it->protection_state, "IRPending"))
		it->protection_state = "Protected";
	if (!strcmp(it->protection_state, "ProtectionError")) {
		gi->streak_from = gi->start;
		gi->streak_to = a->x.as_of + DAY_S;
		gi->streak_code = "UserErrorVmNotFound";
	}
	if (!protecting || it->soft_deleted)
		return;
	if (u < over_months(a, DELETE_RATE)) {
		int days = v->soft_delete_days > 0 ? v->soft_delete_days
						   : SOFT_DELETE_DAYS;
		gi->stop = in_window(a);
		it->soft_deleted = true;
		it->deferred_delete_time = gi->stop + (int64_t)days * DAY_S;
	} else if (u < over_months(a, DELETE_RATE + STOP_RATE)) {
		gi->stop = in_window(a);
	}
	if (gi->stop != TIME_NONE) {
		it->protection_state = "ProtectionStopped";
		it->policy_id = "";
	}
}

static void age_item(struct ager *a, size_t i)
{
	struct gen_item gi;
	struct old_item *oi = &a->old[i];

	memset(&gi, 0, sizeof(gi));
	gi.it = a->s.items[i];
	draw_fate(a, &gi, i);
	/* Purged: the item and its points are gone from the vault. */
	if (gi.it.soft_deleted && gi.it.deferred_delete_time != TIME_NONE &&
	    gi.it.deferred_delete_time <= a->x.as_of)
		return;
	sample_history_age_item(&a->x, &gi, oi->rps, oi->nrps, oi->jobs,
				oi->njobs);
}

/* Appends sfx to the ';'- or '/'-separated parts of s equal to name:
 * every one (a VM: its container too), or the last only (a database or
 * a share: its host or account stays). */
static char *renamed(const char *s, const char *name, const char *sfx,
		     bool every)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(name);

	while (*s) {
		size_t len = strcspn(s, ";/");
		strbuf_add(&sb, s, len);
		if (len == n && !strncmp(s, name, n) && (every || !s[len]))
			strbuf_adds(&sb, sfx);
		s += len;
		if (*s)
			strbuf_addch(&sb, *s++);
	}
	return strbuf_detach(&sb);
}

/* A new item in the template's vault, on its policy: the same kind of
 * thing (a VM, a database on the same host, a share in the same
 * account), named after it and the month. */
static void add_item(struct ager *a, const struct item *tpl)
{
	const char *last = strrchr(tpl->arm_id, ';');
	char *name = xstrdup(last ? last + 1 : tpl->item_name);
	char *sfx = xasprintf("-%s", a->when);
	bool vm = tpl->workload == WL_VM;
	char *arm = renamed(tpl->arm_id, name, sfx, vm);
	char *src = vm ? renamed(tpl->source_resource_id, name, sfx, true)
		       : xstrdup(tpl->source_resource_id);
	char *iname = xasprintf("%s%s", tpl->item_name, sfx);
	char id[SNAPSHOT_ID_LEN];
	struct gen_item gi;

	memset(&gi, 0, sizeof(gi));
	gi.it = *tpl;
	snapshot_make_id(id, 'i', arm);
	gi.it.item_id = id;
	gi.it.item_name = iname;
	gi.it.arm_id = arm;
	gi.it.source_resource_id = src;
	gi.it.protection_state = "Protected";
	gi.it.source_gb =
		round(tpl->source_gb * sample_uniform(a->x.rng, 0.5, 1.5) *
		      100) / 100;
	gi.it.last_backup_time = TIME_NONE;
	gi.pol = &a->pols[tpl->policy_idx];
	gi.vault_crr = a->s.vaults[tpl->vault_idx].cross_region_restore == ON;
	gi.start = in_window(a);
	gi.stop = gi.streak_from = gi.streak_to = TIME_NONE;
	sample_history_age_item(&a->x, &gi, NULL, 0, NULL, 0);
	free(name);
	free(sfx);
	free(arm);
	free(src);
	free(iname);
}

static void fill_manifest(struct ager *a, struct manifest *m)
{
	const struct manifest *old = &a->s.manifest;
	char from[TIME_ISO_LEN];
	char *gen = sample_generator_string(&a->o);

	time_format_iso(a->x.resume_at, from);
	manifest_init(m);
	m->source = xstrdup(old->source ? old->source : "sample");
	m->tenant_id = old->tenant_id ? xstrdup(old->tenant_id) : NULL;
	for (size_t i = 0; i < old->nsubscriptions; i++)
		manifest_add_subscription(m, old->subscriptions[i]);
	m->exported_at = a->x.as_of;
	m->restore_jobs_from = a->x.restore_from;
	m->backup_jobs_from = a->x.backup_from;
	m->generator = xasprintf("%s aged_from=%s months=%d", gen, from,
				 a->months);
	free(gen);
}

static void ager_release(struct ager *a)
{
	for (size_t i = 0; a->old && i < a->s.nitems; i++) {
		free(a->old[i].rps);
		free(a->old[i].jobs);
	}
	free(a->old);
	free(a->pols);
	strmap_release(&a->moved);
	strpool_release(&a->pool);
	sample_history_free(a->x.h);
	gsl_rng_free(a->x.rng);
	gsl_rng_free(a->x.restore_rng);
	snapshot_release(&a->s);
}

static void start_ctx(struct ager *a)
{
	struct civil c;

	a->x.o = &a->o;
	a->x.resume_at = a->s.as_of;
	a->x.as_of = a->o.as_of = time_add_months(a->s.as_of, a->months);
	a->x.restore_from = a->x.as_of -
			    (int64_t)ESTATE_RESTORE_DAYS * DAY_S;
	a->x.backup_from = a->x.as_of - (int64_t)ESTATE_BACKUP_DAYS * DAY_S;
	a->x.drills_left = ESTATE_MAX_DRILLS;
	a->x.rng = gsl_rng_alloc(gsl_rng_mt19937);
	a->x.restore_rng = gsl_rng_alloc(gsl_rng_mt19937);
	/* Other streams than the estate's: ageing draws anew. */
	gsl_rng_set(a->x.rng, a->o.seed ^ 0xa9e0a9e0UL);
	gsl_rng_set(a->x.restore_rng, a->o.seed ^ 0xa9e05eedUL);
	a->x.h = sample_history_new();
	a->o.vaults = (long)a->s.nvaults;
	a->o.items = (long)a->s.nitems;
	time_to_civil(a->x.as_of, &c);
	snprintf(a->when, sizeof(a->when), "%04d%02d", c.year, c.month);
}

int sample_age(struct sample_age_options *ao, const char *dir,
	       struct sample_stats *stats, struct err *e)
{
	struct ager a;
	struct manifest m;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	sample_options_init(&a.o);
	if (ao->seed_given)
		a.o.seed = ao->seed;
	a.months = ao->months;
	if (snapshot_open(&a.s, ao->from, e))
		return -1;
	source_options(&a, ao->seed_given);
	if (ao->hazard)
		a.o.hazard = *ao->hazard;
	ao->seed = a.o.seed;
	start_ctx(&a);
	a.old = xcalloc(a.s.nitems + 1, sizeof(*a.old));
	if ((ao->applied &&
	     sample_read_applied(&a.s, ao->applied, a.x.as_of, &a.moved,
				 &a.pool, e)) ||
	    snapshot_each_item_rps(&a.s, load_rps, &a, e) ||
	    snapshot_each_job(&a.s, load_job, &a, e) ||
	    snapshot_writer_begin(&a.x.sw, dir, e)) {
		ager_release(&a);
		return -1;
	}
	decode_policies(&a);
	put_small_tables(&a);
	for (size_t i = 0; i < a.s.nitems; i++)
		age_item(&a, i);
	for (size_t i = 0; i < a.s.nitems; i++)
		if (a.old[i].spawns)
			add_item(&a, &a.s.items[i]);
	fill_manifest(&a, &m);
	rc = snapshot_writer_commit(&a.x.sw, &m, e);
	manifest_release(&m);
	if (stats)
		*stats = a.x.stats;
	ager_release(&a);
	return rc;
}
