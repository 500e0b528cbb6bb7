/* SPDX-License-Identifier: MIT
 * report_data.h: the figures of a monthly report, as the report stage
 * (optimizer/report/report.c) gathers them from the snapshot, the plan directory
 * and the optional model, RPO/RTO and posture files, and as the writers
 * in reports/ print them: report.html (report_html.c), focus.csv
 * (focus.c), vaults.csv and policies.csv (summary_csv.c).
 *
 * Money is per month in `currency` unless a name says otherwise; sizes
 * are GiB. Strings are owned by the report_data (freed by
 * report_data_release) or borrowed from the snapshots it points to,
 * which outlive it. Writers only read it. */
#ifndef VW_REPORT_DATA_H
#define VW_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/cost/cost_bv.h"
#include "models/cost/prices.h"
#include "models/cost/projection.h"
#include "reports/report_bill.h"
#include "optimizer/snapshot/snapshot.h"

/* One snapshot's storage and fees for a vault, a policy or everything,
 * priced with the plan's price sheet and currency. */
struct rep_stats {
	long items, points;
	double std_gb, arc_gb;       /* GiB now */
	double std_cost, arc_cost;   /* per month */
	double pi_cost;              /* protected-instance fees per month */
	double estimated_gb;         /* of std_gb + arc_gb: items sized by
					workload defaults */
};

double rep_stats_total(const struct rep_stats *s);

enum rep_presence { REP_BOTH, REP_NEW, REP_REMOVED };

/* A vault or a policy, now and (with --previous) a month before. */
struct rep_group {
	const char *id, *name;       /* borrowed from a snapshot */
	const char *vault_id, *vault_name;
	const struct vault *vault;   /* the current snapshot's; NULL if
					removed (policies: their vault) */
	const struct vault *prev_vault;
	int workload;                /* policies: enum workload, else -1 */
	int presence;                /* enum rep_presence */
	struct rep_stats now, prev;
	/* from plan/summary.csv (now only); planned is false without a row */
	bool planned;
	long considered, move_now, move_on, keep;
	double storage_after, saving_total;
	/* its month now as the plan priced it (summary.csv
	 * monthly_storage_now, and monthly_pi or NAN): calibrated to the
	 * bill when the plan had one */
	double plan_now, plan_pi;
	const char *basis;           /* what its money rests on
					(money_basis_names), NULL: not said */
	/* of the points the plan moves: restores expected over their
	 * remaining lives and the expected cost of those from Archive
	 * (plan.csv; see struct rep_risk); NAN when not assessed */
	double restores, restore_cost;
};

/* With --previous: the month's change by cause (report_causes.c says
 * how each is counted), per month in the plan's currency at the prices
 * of its sheet. */
enum rep_cause { CAUSE_NEW_ITEMS, CAUSE_REMOVED_ITEMS, CAUSE_GROWTH,
		 CAUSE_TIER_MOVES, CAUSE_PRICES, CAUSE_COUNT };
extern const char *const rep_cause_names[CAUSE_COUNT];
struct rep_causes {
	double by[CAUSE_COUNT];
};

/* What moving points to Archive risks: restores that will need a
 * rehydration (hours, and money), as plan.csv gives them for the points
 * the plan moves (move_now, move_on rows). */
struct rep_risk {
	bool assessed;               /* plan.csv has expected_restores (the
					plan used a restore model) */
	long points;                 /* points the plan moves */
	double expected;             /* sum of their expected_restores, over
					their remaining lives */
	double cost;                 /* sum of their expected_restore_cost:
					the restores after the move, from
					Archive */
};

/* strategies.csv, one series per strategy, in file order. */
struct rep_series {
	char *name;
	size_t n, alloc;
	char (*month)[8];            /* "2026-11" */
	double *std_gb, *arc_gb, *cost, *pi;
};

/* Per vault, what focus.csv reports for the plan strategy: the months
 * of plan/vault_months.csv, and the protected-instance fees. */
struct rep_vault_months {
	struct rate_card card;       /* price rows: meters, quality, region */
	double std_price, arc_price; /* per GB-Month, as the plan priced */
	double files_price;          /* Files Vaulted, likewise */
	/* per month of the horizon: day-averaged GiB (std_gb on the Standard
	 * meter, files_gb on the Files Vaulted one), the expected cost of
	 * restores from Archive and their number (NAN: the plan had no
	 * model) */
	double *std_gb, *arc_gb, *restore_cost, *restores, *files_gb;
	double pi_units[WL_COUNT];   /* billed protected-instance units */
	/* the plan's monthly protected-instance fees (calibrated prices when
	 * the plan had a bill), or NAN */
	double pi_cost;
	long pi_items[WL_COUNT];     /* protected items */
};

/* model.json, as far as the report shows it. */
#define REP_MODEL_BINS 16
struct rep_model_bin {
	char label[16];              /* "0-14", "730+" */
	double a0, a1;               /* ages in days, [a0, a1); a1 NAN: open */
	long events;
	double cov_days, expected;   /* coverage point-days, model's events */
	/* per million coverage-days: events / cov_days with its exact
	 * Poisson interval at the model's level, and the model's own
	 * (expected / cov_days); x is where the chart plots the bin */
	double x, rate, rate_lo, rate_hi, model_rate;
};
#define REP_CURVE_POINTS 61
struct rep_model {
	bool present;
	char *method, *note;
	double level;
	double est[4], lo[4], hi[4]; /* B, K, c, p */
	double cov[4][4];            /* of the logs; NAN when not given */
	bool has_cov;
	struct rep_model_bin bins[REP_MODEL_BINS];
	size_t nbins;
	/* lambda(a) per million coverage-days over ages 1 d to 5 years, with
	 * the delta-method interval at the model's level (lo, hi NAN
	 * without a covariance) */
	double curve_age[REP_CURVE_POINTS], curve[REP_CURVE_POINTS];
	double curve_lo[REP_CURVE_POINTS], curve_hi[REP_CURVE_POINTS];
	long restore_jobs, events_used, points;
	int64_t history_from;
};

/* rpo_rto.csv */
struct rep_target {
	char *target_id;
	size_t met, breached, unknown;
};
struct rep_breach {
	char *item, *vault, *target_id, *tier, *reason;
	double rpo_target, rpo_seen, rto_target, rto_est;
};
#define REP_MAX_LISTED 15
struct rep_rpo {
	bool present;
	size_t rows, met, breached, unknown;
	struct rep_target *targets;
	size_t ntargets;
	struct rep_breach listed[REP_MAX_LISTED];
	size_t nlisted;
};

/* posture.csv: severities high, medium, low, info. */
#define REP_SEVERITIES 4
extern const char *const rep_severity_names[REP_SEVERITIES];
struct rep_finding {
	char *vault, *rule_id, *evidence, *fix;
	int severity;
	bool backup_vault;           /* vault_kind BackupVault */
};
#define REP_MAX_FINDINGS 20
struct rep_posture {
	bool present;
	size_t rows, passed, vaults;
	size_t backup_vaults;        /* of vaults: vault_kind BackupVault */
	size_t fails[REP_SEVERITIES], passes[REP_SEVERITIES];
	struct rep_finding listed[REP_MAX_FINDINGS]; /* worst first */
	size_t nlisted;
};

/* plan/levers.csv: the other ways to cut the bill, largest first. */
#define REP_MAX_LEVERS 12
struct rep_lever {
	char *lever, *where, *constraint;
	double saving;               /* per month; NAN: not priced */
};
struct rep_levers {
	bool present;                /* the plan has a levers.csv */
	size_t rows, unpriced;
	struct rep_lever listed[REP_MAX_LEVERS];
	size_t nlisted;
};

/* plan/reasons.csv: why the plan's points move or stay, per reason
 * code, in the plan's order. */
#define REP_MAX_REASONS 32
struct rep_reason {
	char *code, *sentence;       /* sentence: {column} for a figure */
	long points;
	double saving;               /* over the points' remaining lives */
};
struct rep_reasons {
	bool present;                /* the plan has a reasons.csv */
	struct rep_reason listed[REP_MAX_REASONS];
	size_t nlisted;
};

/* A Backup vault (Microsoft.DataProtection): its instances' cost a month
 * at the plan's prices, by basis (models/cost/cost_bv.h). Parts that
 * cannot be priced are left out of the sums and said in notes. */
struct rep_bvault {
	const struct bvault *v;      /* borrowed; NULL on the total */
	long instances, by_basis[BVB_COUNT];
	long unpriced;               /* instances with a part left out */
	bool reported;               /* every size_source "reported" */
	double pi_fee, vault_gb, archive_gb, vault_cost, archive_cost;
	/* its disks' incremental snapshots: a Managed Disks charge, not in
	 * rep_bvault_total */
	double snapshot_gb, snapshot_cost;
	char *notes;                 /* owned; "" when all is priced */
	/* the price rows used (NULL: none), for forecast.csv: storage, and
	 * each protected-instance meter with its instances (0 blobs, 1
	 * PostgreSQL) */
	const struct price_row *std_row, *arc_row, *pi_row[2], *snap_row;
	long pi_n[2];
};

double rep_bvault_total(const struct rep_bvault *b);

struct report_data {
	/* what the report was made from (strings borrowed or owned: see
	 * report_data_release) */
	const struct snapshot *s, *prev; /* prev NULL without --previous */
	const char *snapshot_dir, *plan_dir, *prev_dir;
	const char *model_path, *rpo_path, *audit_path;
	struct price_sheet prices;   /* the plan's (plan.json "prices") */
	char currency[8];
	int64_t as_of, prev_as_of;
	const char *billing_account_id, *billing_account_name;
	int top_n;                   /* rows of the vault/policy charts */

	struct horizon h;            /* the plan's months */
	struct rep_stats total_now, total_prev;
	/* with --previous: per current vault (s->vaults order) and one more
	 * for vaults no longer there, and their sum; else NULL */
	struct rep_causes *causes, causes_total;
	double estimated_gb;         /* of total_now's GiB: items sized by
					workload defaults (size_source
					estimated) */
	double storage_after;        /* summary.csv total */
	double saving_total;         /* summary.csv total: over the points'
					remaining lives */
	const char *basis;           /* summary.csv total's
					(money_basis_names), NULL: none */
	double avg_saving;           /* do_nothing - plan, mean per month */
	long move_now, move_on, considered;
	struct rep_risk risk;

	struct rep_series *series;
	size_t nseries;

	struct rep_group *vaults, *policies;
	size_t nvaults, npolicies;
	struct rep_vault_months *vm; /* per current vault (s->vaults order) */
	double focus_max_gap;        /* vault_months.csv (focus.csv) against
					strategies.csv, largest relative
					monthly gap */
	char focus_gap_month[8];

	struct rep_model model;
	struct rep_rpo rpo;
	struct rep_posture posture;
	struct rep_bill bill;        /* plan/reconcile.csv, when a bill */
	struct rep_levers levers;
	struct rep_reasons reasons;
	struct rep_bvault *bvaults;  /* per Backup vault of s, in order */
	size_t nbvaults;
	struct rep_bvault bv_total;

	char **caveats;              /* said on the page, and by the command */
	size_t ncaveats;
	/* per caveat: the monthly cost (currency) of what it touches, so
	 * that the page can list the costliest first; a caveat added again
	 * adds caveat_weight once more */
	double *caveat_money;
	double caveat_weight;        /* the weight of the next caveats */

	int64_t made_at;             /* when the report was made (UTC) */
	bool letter;                 /* print on US Letter, not A4 */
};

/* Adds a caveat (once) and caveat_weight to its money. */
void report_data_add_caveat(struct report_data *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void report_data_release(struct report_data *d);
/* Frees what rp holds and zeroes it. */
void rep_rpo_release(struct rep_rpo *rp);

/* With a bill, a group's month now as the plan priced it, calibrated to
 * the bill (summary.csv monthly_storage_now + monthly_pi: reconcile.csv's
 * model); NAN without a bill or a plan row. Of n groups, the sum over
 * those not removed (NAN if one has none). */
double rep_calibrated_now(const struct report_data *d,
			  const struct rep_group *g);
double rep_calibrated_total(const struct report_data *d,
			    const struct rep_group *g, size_t n);

/* The strategies.csv series named name, or NULL. */
const struct rep_series *report_series(const struct report_data *d,
				       const char *name);

#endif
