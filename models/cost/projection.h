/* SPDX-License-Identifier: MIT
 * projection.h: projected storage cost, month by month, under a tiering
 * strategy. Each recovery point is treated as a slot of its policy's
 * retention ladder: the point ages until it expires, then (for items still
 * protected) a new point takes its place and ages the same way, so the set
 * of ages present repeats as it does in steady state. A strategy says when
 * the current point moves to Archive (if ever) and at what age new points
 * move. Costs accumulate per day into difference arrays and are summed
 * per calendar month, so each point costs O(segments), not O(days).
 * Pure arithmetic, no I/O. */
#ifndef VW_PROJECTION_H
#define VW_PROJECTION_H

#include <stdbool.h>
#include <stdint.h>

#define PROJ_MAX_MONTHS 120

enum strategy { STRAT_DO_NOTHING, STRAT_TIER_AFTER_3M,
		STRAT_TIER_RECOMMENDED, STRAT_MOVE_ALL_ELIGIBLE, STRAT_PLAN,
		STRAT_COUNT };
extern const char *const strategy_names[STRAT_COUNT];

struct horizon {
	int64_t start, end;                  /* [start, end) */
	int months;
	int64_t month_start[PROJ_MAX_MONTHS + 1];
	long days;                           /* whole days in [start, end) */
};

/* Months from the first day of as_of's month. */
void horizon_init(struct horizon *h, int64_t as_of, int months);

struct slot {
	int64_t rp_time, expiry;   /* expiry TIME_NONE: kept forever */
	bool refills;              /* a new point replaces it on expiry */
	bool in_archive;           /* already in Archive now */
	bool in_standard;          /* has a Standard copy now */
	double std_gb, arc_gb;     /* size in Standard / once archived */
	/* A VM point frees more once its daily neighbours expire: from
	 * grows_at on (TIME_NONE: never) it holds std_gb_later in Standard,
	 * and so do the points that follow it. */
	int64_t grows_at;
	double std_gb_later;
	double std_gb_month, arc_gb_month; /* prices */
	/* A vaulted file share's point: its Standard GiB are on the Files
	 * Vaulted meter (std_gb_month is that meter's price), counted in
	 * files_gb as well as std_gb. */
	bool files;
	/* Expected cost of restores from Archive per month while archived
	 * (0 without a model): the current point, and the points that follow
	 * it (they are archived at another age); and the expected number of
	 * those restores per month. */
	double restore_month, restore_month_new;
	double restores_month, restores_month_new;
};

/* When a strategy moves the slot's points: the current point at
 * current_move (TIME_NONE: stays), new points at new_move_age days of age
 * (negative: never). */
struct slot_moves {
	int64_t current_move;
	double new_move_age;
};

/* Per day difference arrays: one set per strategy, and one shared by all
 * strategies for the slots none of them moves (most points). */
#define PROJ_SHARED STRAT_COUNT
struct proj_day {
	double std_gb, arc_gb, cost, restores; /* changes on this day */
	double files_gb;                       /* of std_gb: Files Vaulted */
	double restore_cost;                   /* the restores' part of cost */
};
struct projection {
	struct horizon h;
	struct proj_day *days[STRAT_COUNT + 1]; /* h.days + 1 each */
	double pi_month[STRAT_COUNT];
};

void projection_init(struct projection *p, int64_t as_of, int months);
void projection_release(struct projection *p);
void projection_add(struct projection *p, int strategy,
		    const struct slot *s, const struct slot_moves *m);
/* A slot no strategy moves: its points keep their tier (and size) for as
 * long as they are replaced, or until it expires. Counted once for all
 * strategies. */
void projection_add_fixed(struct projection *p, const struct slot *s);
/* A strategy of a projection (PROJ_SHARED: the slots none moves). */
struct proj_target {
	struct projection *p;
	int strategy;
};
/* projection_add to each of n targets (projections of one horizon: the
 * same as_of and months), or projection_add_fixed to each with the
 * targets' strategy PROJ_SHARED: each target's sums come out as they
 * would one call at a time, with the slot's pieces worked out once. */
void projection_add_to(const struct proj_target *t, int n,
		       const struct slot *s, const struct slot_moves *m);
void projection_add_fixed_to(const struct proj_target *t, int n,
			     const struct slot *s);
void projection_add_pi(struct projection *p, double monthly_fee);

/* GiB are day-averaged over the month; storage costs the month's mean
 * GiB at the monthly price whatever the month's length (Azure bills a
 * month's average daily GB), restores by the month's days. */
struct month_total {
	double std_gb, arc_gb, cost;
	double files_gb;             /* of std_gb, on the Files Vaulted meter */
	double restores;             /* expected restores from Archive (cost
					includes theirs) */
};
/* Month k (0-based) of a strategy. */
void projection_month(const struct projection *p, int strategy, int month,
		      struct month_total *out);

/* Total cost of a slot over the horizon under moves m (for comparing
 * policy settings without a full projection). */
double slot_horizon_cost(const struct horizon *h, const struct slot *s,
			 const struct slot_moves *m);

#endif
