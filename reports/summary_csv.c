/* SPDX-License-Identifier: MIT
 * summary_csv.c: vaults.csv, policies.csv and, with a model,
 * restore_by_age.csv (summary_csv.h). Money per
 * month in the plan's currency, sizes in GiB, both snapshots priced with
 * the same price sheet, so that a change is a change in storage, not in
 * prices. The previous_* and delta_* columns are empty without
 * --previous. vaults.csv ends with the Backup vaults' rows and their
 * total (fees and storage now, by basis). */
#include "reports/summary_csv.h"

#include <math.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/util.h"
#include "optimizer/snapshot/bill.h"

/* Columns after the group's own, the same in both files. */
#define MONEY_COLUMNS                                                     \
	{ "presence", 0 }, { "items", 0 }, { "points", 0 },               \
	{ "standard_gb", 0 }, { "archive_gb", 0 },                        \
	{ "standard_cost", 0 }, { "archive_cost", 0 }, { "pi_cost", 0 },  \
	{ "total_cost", 0 }, { "storage_after_plan", 0 },                 \
	{ "saving_total", 0 }, { "move_now", 0 }, { "move_on", 0 },       \
	{ "restores_expected", 0 }, { "restore_cost_expected", 0 },       \
	{ "currency", 0 }, { "as_of", 0 },                                \
	{ "previous_as_of", 0 }, { "previous_items", 0 },                 \
	{ "previous_points", 0 }, { "previous_standard_gb", 0 },          \
	{ "previous_archive_gb", 0 }, { "previous_total_cost", 0 },       \
	{ "delta_points", 0 }, { "delta_standard_gb", 0 },                \
	{ "delta_archive_gb", 0 }, { "delta_total_cost", 0 }

static const struct csv_column vault_cols[] = {
	{ "level", 0 }, { "vault_id", 0 }, { "vault_name", 0 },
	{ "subscription_id", 0 }, { "resource_group", 0 },
	{ "location", 0 }, { "redundancy", 0 }, MONEY_COLUMNS,
	{ "basis", 0 },
	{ "vault_kind", 0 }, { "cost_basis", 0 }, { "cost_note", 0 },
	{ "calibrated_total_cost", 0 },
};
static const struct csv_schema vault_schema = { "vaults.csv", vault_cols,
						ARRAY_SIZE(vault_cols) };

static const struct csv_column policy_cols[] = {
	{ "level", 0 }, { "policy_id", 0 }, { "policy_name", 0 },
	{ "vault_id", 0 }, { "vault_name", 0 }, { "workload", 0 },
	MONEY_COLUMNS, { "basis", 0 }, { "calibrated_total_cost", 0 },
};
static const struct csv_schema policy_schema = {
	"policies.csv", policy_cols, ARRAY_SIZE(policy_cols)
};

/* Empty without --previous, and on the total row (which has no id). */
static const char *presence_name(const struct report_data *d,
				 const struct rep_group *g)
{
	static const char *const names[] = { "both", "new", "removed" };

	return d->prev && g->id ? names[g->presence] : "";
}

static void put_planned(struct csv_writer *w, const struct rep_group *g)
{
	if (!g->planned) {
		for (int i = 0; i < 4; i++)
			csv_put(w, "");
		return;
	}
	csv_put_double(w, g->storage_after, 2);
	csv_put_double(w, g->saving_total, 2);
	csv_put_long(w, g->move_now);
	csv_put_long(w, g->move_on);
}

static void put_money(struct csv_writer *w, const struct report_data *d,
		      const struct rep_group *g, const struct rep_stats *now,
		      const struct rep_stats *prev)
{
	csv_put(w, presence_name(d, g));
	csv_put_long(w, now->items);
	csv_put_long(w, now->points);
	csv_put_double(w, now->std_gb, 2);
	csv_put_double(w, now->arc_gb, 2);
	csv_put_double(w, now->std_cost, 2);
	csv_put_double(w, now->arc_cost, 2);
	csv_put_double(w, now->pi_cost, 2);
	csv_put_double(w, rep_stats_total(now), 2);
	put_planned(w, g);
	csv_put_double(w, g->restores, 3);
	csv_put_double(w, g->restore_cost, 2);
	csv_put(w, d->currency);
	csv_put_time(w, d->as_of);
	if (!d->prev) {
		for (int i = 0; i < 10; i++)
			csv_put(w, "");
		return;
	}
	csv_put_time(w, d->prev_as_of);
	csv_put_long(w, prev->items);
	csv_put_long(w, prev->points);
	csv_put_double(w, prev->std_gb, 2);
	csv_put_double(w, prev->arc_gb, 2);
	csv_put_double(w, rep_stats_total(prev), 2);
	csv_put_long(w, now->points - prev->points);
	csv_put_double(w, now->std_gb - prev->std_gb, 2);
	csv_put_double(w, now->arc_gb - prev->arc_gb, 2);
	csv_put_double(w, rep_stats_total(now) - rep_stats_total(prev), 2);
}

/* The total row: sums of the group rows, plan figures from summary.csv's
 * total. */
static void total_group(const struct report_data *d, struct rep_group *t)
{
	memset(t, 0, sizeof(*t));
	t->planned = true;
	t->storage_after = d->storage_after;
	t->move_now = d->move_now;
	t->move_on = d->move_on;
	t->saving_total = d->saving_total;
	t->restores = d->risk.assessed ? d->risk.expected : NAN;
	t->restore_cost = d->risk.assessed ? d->risk.cost : NAN;
	t->basis = d->basis;
}

/* The row's last columns: what its money rests on, as the plan says (a
 * group the plan has no row for, such as items without a policy, the
 * estate's: the weakest of the vaults'), and its calibrated month now
 * (NAN: empty). */
static void end_row(struct csv_writer *w, const struct report_data *d,
		    const struct rep_group *g, double calibrated)
{
	const char *basis = g->basis ? g->basis : d->basis;

	csv_put(w, basis ? basis : "");
	csv_put_double(w, calibrated, 2);
	csv_end_row(w);
}

/* A Recovery Services vault's row ends with its kind; cost_basis and
 * cost_note are the Backup vaults' (their cost is not the plan's); then
 * its calibrated month now (NAN: empty). */
static void end_rs_row(struct csv_writer *w, const struct report_data *d,
		       const struct rep_group *g, double calibrated)
{
	const char *basis = g->basis ? g->basis : d->basis;

	csv_put(w, basis ? basis : "");
	csv_put(w, "RecoveryServices");
	csv_put(w, "");
	csv_put(w, "");
	csv_put_double(w, calibrated, 2);
	csv_end_row(w);
}

/* "vaulted 2, operational 1": the instances by basis. */
static void put_basis(struct csv_writer *w, const struct rep_bvault *b)
{
	struct strbuf sb = STRBUF_INIT;

	for (int k = 0; k < BVB_COUNT; k++)
		if (b->by_basis[k])
			strbuf_addf(&sb, "%s%s %ld", sb.len ? ", " : "",
				    bv_basis_names[k], b->by_basis[k]);
	csv_put(w, sb.buf);
	strbuf_release(&sb);
}

/* A Backup vault's row (or their total when b->v is NULL): its
 * instances' fees and storage now; no points, plan or previous. */
static void put_bvault(struct csv_writer *w, const struct report_data *d,
		       const struct rep_bvault *b)
{
	const struct bvault *v = b->v;

	csv_put(w, v ? "backup_vault" : "backup_total");
	csv_put(w, v ? v->vault_id : "");
	csv_put(w, v ? v->vault_name : "all Backup vaults");
	csv_put(w, v ? v->subscription_id : "");
	csv_put(w, v ? v->resource_group : "");
	csv_put(w, v ? v->location : "");
	csv_put(w, v ? redundancy_names[v->redundancy] : "");
	csv_put(w, "");
	csv_put_long(w, b->instances);
	csv_put(w, "");
	csv_put_double(w, b->vault_gb, 2);
	csv_put_double(w, b->archive_gb, 2);
	csv_put_double(w, b->vault_cost, 2);
	csv_put_double(w, b->archive_cost, 2);
	csv_put_double(w, b->pi_fee, 2);
	csv_put_double(w, rep_bvault_total(b), 2);
	for (int i = 0; i < 6; i++)
		csv_put(w, "");
	csv_put(w, d->currency);
	csv_put_time(w, d->as_of);
	for (int i = 0; i < 10; i++)
		csv_put(w, "");
	csv_put(w, money_basis_names[b->reported ? MB_REPORTED
						 : MB_ESTIMATED]);
	csv_put(w, "BackupVault");
	put_basis(w, b);
	csv_put(w, b->notes);
	csv_put(w, ""); /* not the plan's: see the bill's section */
	csv_end_row(w);
}

static int write_vaults(const struct report_data *d, struct outdir *dir,
			struct err *e)
{
	char *path = outdir_file(dir, "vaults.csv");
	struct csv_writer *w = csv_writer_open(path, &vault_schema, e);
	struct rep_group total;

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < d->nvaults; i++) {
		const struct rep_group *g = &d->vaults[i];
		const struct vault *v = g->vault ? g->vault : g->prev_vault;
		csv_put(w, "vault");
		csv_put(w, g->id);
		csv_put(w, g->name);
		csv_put(w, v->subscription_id);
		csv_put(w, v->resource_group);
		csv_put(w, v->location);
		csv_put(w, redundancy_names[v->redundancy]);
		put_money(w, d, g, &g->now, &g->prev);
		end_rs_row(w, d, g, rep_calibrated_now(d, g));
	}
	total_group(d, &total);
	csv_put(w, "total");
	for (int i = 0; i < 6; i++)
		csv_put(w, i == 1 ? "all vaults" : "");
	put_money(w, d, &total, &d->total_now, &d->total_prev);
	end_rs_row(w, d, &total,
		   rep_calibrated_total(d, d->vaults, d->nvaults));
	for (size_t i = 0; i < d->nbvaults; i++)
		put_bvault(w, d, &d->bvaults[i]);
	if (d->nbvaults)
		put_bvault(w, d, &d->bv_total);
	return csv_writer_commit(w, NULL, e);
}

static int write_policies(const struct report_data *d, struct outdir *dir,
			  struct err *e)
{
	char *path = outdir_file(dir, "policies.csv");
	struct csv_writer *w = csv_writer_open(path, &policy_schema, e);
	struct rep_group total;

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < d->npolicies; i++) {
		const struct rep_group *g = &d->policies[i];
		csv_put(w, "policy");
		csv_put(w, g->id);
		csv_put(w, g->name);
		csv_put(w, g->vault_id);
		csv_put(w, g->vault_name ? g->vault_name : "");
		csv_put(w, g->workload >= 0 ? workload_names[g->workload] : "");
		put_money(w, d, g, &g->now, &g->prev);
		end_row(w, d, g, rep_calibrated_now(d, g));
	}
	total_group(d, &total);
	csv_put(w, "total");
	for (int i = 0; i < 5; i++)
		csv_put(w, i == 1 ? "all policies" : "");
	put_money(w, d, &total, &d->total_now, &d->total_prev);
	/* the estate's, as the vaults have it (items without a policy have
	 * no policy row in the plan) */
	end_row(w, d, &total, rep_calibrated_total(d, d->vaults, d->nvaults));
	return csv_writer_commit(w, NULL, e);
}

static const struct csv_column age_cols[] = {
	{ "row", 0 }, { "age_days", 0 }, { "age_from", 0 }, { "age_to", 0 },
	{ "plotted_at_days", 0 }, { "events", 0 },
	{ "coverage_point_days", 0 }, { "expected", 0 },
	{ "seen_per_million", 0 }, { "seen_lo", 0 }, { "seen_hi", 0 },
	{ "model_per_million", 0 }, { "model_lo", 0 }, { "model_hi", 0 },
	{ "level", 0 },
};
static const struct csv_schema age_schema = { "restore_by_age.csv",
					      age_cols,
					      ARRAY_SIZE(age_cols) };

/* The restore chart's figures: the age bands of model.json's observed
 * against expected table, then the points of the model's curve. Rates
 * are per million coverage-days. */
static int write_restore_ages(const struct report_data *d,
			      struct outdir *dir, struct err *e)
{
	const struct rep_model *m = &d->model;
	char *path = outdir_file(dir, "restore_by_age.csv");
	struct csv_writer *w = csv_writer_open(path, &age_schema, e);

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < m->nbins; i++) {
		const struct rep_model_bin *b = &m->bins[i];
		csv_put(w, "band");
		csv_put(w, b->label);
		csv_put_double(w, b->a0, 0);
		csv_put_double(w, b->a1, 0);
		csv_put_double(w, b->x, 2);
		csv_put_long(w, b->events);
		csv_put_double(w, b->cov_days, 1);
		csv_put_double(w, b->expected, 3);
		csv_put_double(w, b->rate, 4);
		csv_put_double(w, b->rate_lo, 4);
		csv_put_double(w, b->rate_hi, 4);
		csv_put_double(w, b->model_rate, 4);
		csv_put(w, "");
		csv_put(w, "");
		csv_put_double(w, m->level, 2);
		csv_end_row(w);
	}
	for (size_t i = 0; i < REP_CURVE_POINTS; i++) {
		csv_put(w, "curve");
		csv_put_double(w, m->curve_age[i], 2);
		for (int k = 0; k < 2; k++)
			csv_put(w, "");
		csv_put_double(w, m->curve_age[i], 2);
		for (int k = 0; k < 6; k++)
			csv_put(w, "");
		csv_put_double(w, m->curve[i], 4);
		csv_put_double(w, m->curve_lo[i], 4);
		csv_put_double(w, m->curve_hi[i], 4);
		csv_put_double(w, m->level, 2);
		csv_end_row(w);
	}
	return csv_writer_commit(w, NULL, e);
}

int summary_csv_write(const struct report_data *d, struct outdir *dir,
		      struct err *e)
{
	if (write_vaults(d, dir, e) || write_policies(d, dir, e))
		return -1;
	if (d->model.present && write_restore_ages(d, dir, e))
		return -1;
	return 0;
}
