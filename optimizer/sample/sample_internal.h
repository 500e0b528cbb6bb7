/* SPDX-License-Identifier: MIT
 * sample_internal.h: what the parts of the sample estate generator share:
 * sample.c (tenancy, vaults, guards, policies, the manifest),
 * sample_items.c (the items), sample_history.c (one item's recovery
 * points and jobs), sample_bv.c (the Backup vaults) and sample_levers.c
 * (the lever cases). Only these files include it. */
#ifndef VW_ESTATE_INTERNAL_H
#define VW_ESTATE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "optimizer/sample/sample.h"
#include "optimizer/snapshot/snapshot.h"

#define ESTATE_MAX_RUNS 8

/* A policy with its schedule decoded for the generator. */
struct gen_policy {
	struct policy p;          /* strings live in the estate's pool */
	int offset_s;             /* the time zone's standard offset */
	int nruns;                /* runs a day: run_times or hourly slots */
	int run_min[ESTATE_MAX_RUNS]; /* local minutes after midnight */
	unsigned run_days;        /* bit per weekday (0 = Sunday) */
	unsigned diff_days;       /* SQL/HANA differential days */
	int ret_wday;             /* weekly/monthly/yearly retention day */
	int max_age_days;         /* oldest protection start for its items */
};

/* An item with what the history needs beyond the snapshot row. */
struct gen_item {
	struct item it;
	const struct gen_policy *pol; /* the schedule it runs (or ran) */
	bool vault_crr;               /* vault allows cross-region restore */
	int64_t start;                /* protection configured */
	int64_t stop;                 /* protection stopped, or TIME_NONE */
	int64_t streak_from, streak_to; /* every run in [from, to) fails */
	const char *streak_code;
};

/* A vault profile: protections, naming and the policies of its items. */
#define ESTATE_MAX_VAULT_POLICIES 6
#define ESTATE_NROLES 6

struct vault_profile {
	const char *name, *location, *region, *env;
	int sub; /* 0..2: the subscriptions holding vaults */
	const char *apps[4];
	int redundancy, crr, immutability, soft_delete, soft_delete_days;
	int guard;         /* G_NONE, G_SAME_SUB, ... (sample.c) */
	unsigned excluded; /* bit i: critical operation i excluded */
	int xsr, pna, cmk, alerts;
	int weight; /* share of the items */
	struct {
		int tpl, weight; /* policy template, share of its items */
	} policies[ESTATE_MAX_VAULT_POLICIES];
	/* Passes every audit rule: its admins keep low-churn VMs off
	 * TierAfter policies (where the full Archive copy costs more). */
	int exemplary;
};

struct sample_history;

struct sample_ctx {
	const struct sample_options *o;
	gsl_rng *rng;            /* the estate */
	gsl_rng *restore_rng;    /* restore events and restore jobs */
	int64_t as_of, restore_from, backup_from;
	/* sample --from: what happened before this is in the snapshot aged
	 * (no run, log or restore before it is made again); TIME_NONE when
	 * the estate is new */
	int64_t resume_at;
	struct snapshot_writer sw;
	struct sample_stats stats;
	struct sample_history *h;
	int drills_left;         /* restore drills from Archive still to do */
};

struct gen_vault {
	struct vault v;
	const struct vault_profile *prof;
	char *arm_id;
	size_t pol_first, npol; /* its policies in estate.policies */
	long nitems;
	/* name counters: VMs per (app, role); SQL, HANA, storage per app */
	int vm_count[4][ESTATE_NROLES], sql_count[4], hana_count[4];
	int st_count[4];
};

/* The whole estate while it is written. */
struct estate {
	struct sample_ctx x;
	struct strpool pool;
	char tenant[37], foreign_tenant[37], foreign_sub[37];
	char subs[4][37]; /* 0-2 hold vaults, 3 the Resource Guards */
	struct gen_vault *vaults;
	struct gen_policy *policies;
	size_t npolicies;
	long items_done;
	bool irpending_done, vm_gone_done;
	long lever_items; /* slots kept for sample_levers.c */
};

/* Decodes a policy's schedule and time zone (unknown zones: UTC). */
void sample_decode_policy(struct gen_policy *gp);

/* Random helpers on the estate's generators. */
double sample_uniform(gsl_rng *r, double lo, double hi);
/* A GUID-like lowercase id (version 4 shape) into out[37]. */
void sample_guid(gsl_rng *r, char out[37]);

struct sample_history *sample_history_new(void);
void sample_history_free(struct sample_history *h);

/* sample_items.c: splits the items over the vaults, then creates and
 * writes one vault's items. */
void sample_share_items(struct estate *es);
void sample_make_items(struct estate *es, struct gen_vault *gv);

/* sample_bv.c: writes the estate's Backup vaults, their policies and
 * instances. */
void sample_make_backup_vaults(struct estate *es);

/* sample_levers.c: keeps the last item slots for the lever cases (after
 * sample_share_items), then writes them (after everything else). */
void sample_reserve_lever_items(struct estate *es);
void sample_make_lever_items(struct estate *es);

/* Builds the item's points and jobs, completes its row (sizes, last
 * backup) and writes the item, its points and its jobs. */
void sample_history_write_item(struct sample_ctx *x, struct gen_item *gi);

/* sample_applied.c: reads plan_dir's plan.csv and policy_changes.csv:
 * "item_id/rp_id" of every point moved before until into moved (keys in
 * pool), and each policy's proposed tiering into s->policies. */
int sample_read_applied(struct snapshot *s, const char *plan_dir,
			int64_t until, struct strmap *moved,
			struct strpool *pool, struct err *e);
/* Whether rp is one of those moved (apply moves Standard points only). */
bool sample_applied_moved(const struct strmap *moved, const struct rp *rp);

/* sample --from: the same for an item of the snapshot aged, from its
 * points and jobs there (gi->start is where its runs resume, gi->pol a
 * policy with no runs when it has none): old points are kept until they
 * expire and move tiers as the policy says, new ones follow its schedule
 * from x->resume_at, and old jobs stay while in the job windows. */
void sample_history_age_item(struct sample_ctx *x, struct gen_item *gi,
			     const struct rp *old, size_t nold,
			     const struct job *jobs, size_t njobs);

#endif
