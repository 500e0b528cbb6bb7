/* SPDX-License-Identifier: MIT
 * restore_internal.h: the inside of struct restore_model, shared by the
 * fit (restore_fit.c, restore_eb.c), the queries and JSON
 * (restore_model.c) and the unit tests. Nothing else should include it. */
#ifndef VW_RESTORE_INTERNAL_H
#define VW_RESTORE_INTERNAL_H

#include <stdbool.h>

#include "models/restore/restore_data.h"
#include "models/restore/restore_model.h"
#include "optimizer/base/strpool.h"

enum { PAR_B, PAR_K, PAR_C, PAR_P, NPAR };
extern const char *const restore_param_names[NPAR];

/* Exposure, events and the posterior of the scale rho of one group. */
struct group_fit {
	char *id;             /* policy id, workload name or "pooled" */
	int workload;         /* -1 for the pool */
	long events, points;
	double point_days, cov_days;
	double expected;      /* restores expected at rho = 1 */
	double shape, rate;   /* posterior Gamma of rho */
	double ratio_lo, ratio_hi; /* Garwood interval of events/expected */
};

/* Gamma(alpha, rate alpha/mu) prior of the groups' scales. */
struct eb_fit {
	double alpha, mu;
	const char *method;   /* "ml", "moments", "none" (static strings) */
	int groups;
};

struct fit_diag {
	double loglik;        /* at the estimate, without the penalty on p */
	double penalty;       /* the log-normal penalty on p */
	double aic;           /* 2 * NPAR - 2 * loglik */
	int iterations, starts, starts_converged, starts_agree;
	double size, grad_norm, newton_decrement;
	bool converged;
	bool hessian_regularized;
};

/* The exponential + floor alternative: B + A e^(-k a). */
struct exp_fit {
	double B, A, k;
	double loglik, aic;
	bool converged;
	bool fitted;
};

struct table_row {
	long events;
	double point_days, cov_days, expected, expected_exp;
};

/* The flexible hazard (restore_bands.c): lambda times ratio[k] in age
 * band k (restore_band_edges: 15 days wide through the first year, where
 * moves are decided), used when its AIC beats the Omori shape's. events
 * and expected (pooled, at the fitted shape) are what the ratios come
 * from; they are written to and read from the model's JSON. */
#define AGE_BANDS 28
extern const double restore_band_edges[AGE_BANDS + 1]; /* last: inf */
struct age_bands {
	bool used;
	long events[AGE_BANDS];
	double expected[AGE_BANDS], ratio[AGE_BANDS];
	double loglik_gain, aic;
};

/* 11 years of whole days: the longest retention of the estates seen
 * (10 yearly points) with room; older ages are computed as asked. */
#define CUM_TABLE_DAYS 4096

struct restore_model {
	char *method;         /* "mle" or "prior" */
	struct hazard h;
	double cov[NPAR][NPAR]; /* of (log B, log K, log c, log p) */
	double level;
	struct restore_fit_summary sum;
	struct fit_diag diag;
	/* NAN where they do not apply: */
	bool b_at_zero;       /* B = 0 is within B's interval (profile) */
	double b_hi;          /* then: B's profile-likelihood upper bound */
	double prior_bound;   /* prior: the events' 95% upper bound */
	double p_lo, p_hi;    /* profile-likelihood interval of p */
	struct exp_fit alt;
	struct group_fit pooled, workload[WL_COUNT];
	struct group_fit *policy;
	size_t npolicy;
	struct strmap policy_map;
	struct eb_fit eb_workload, eb_policy;
	struct table_row table[AGE_TABLE_BINS];
	struct age_bands bands;
	struct expo_stats kinds[RK_COUNT]; /* no histograms */
	int joint_rounds;     /* of shape and scales fitted jointly; 0: none */
	/* Lambda of the shape plan decides on at whole days 0 .. cum_days - 1,
	 * filled once the model is final (restore_model_finish_summary):
	 * plan asks it at the same whole-day ages for most points. */
	double cum_day[CUM_TABLE_DAYS];
	int cum_days;
	double decay_scale;   /* hazard_decay_scale(&h), once cum_days > 0 */
};

/* A model with groups copied from d (ids duplicated), not yet fitted. */
struct restore_model *restore_model_new(const struct restore_data *d);
/* Fits the model to collected data (restore_model_fit calls this; the
 * unit tests call it with simulated data). */
int restore_model_fit_data(struct restore_model **out,
			   const struct restore_data *d,
			   const struct fit_options *o, struct err *e);
/* Empirical Bayes over workloads, then policies (restore_eb.c). */
int restore_eb_fit(struct restore_model *m, struct err *e);
/* The estimator of (alpha, mu) for groups with events n and expected E;
 * cap bounds alpha (the pool's own information). */
int eb_estimate(const long *n, const double *E, size_t G, double cap,
		struct eb_fit *out, struct err *e);
/* Sets id -> index for the policies. */
void restore_model_index(struct restore_model *m);
/* Sets m->bands' ratios and whether they are used, from their events
 * and expected (after the fit or a read). */
void restore_bands_choose(struct restore_model *m);
/* lambda and Lambda of h with the bands (b NULL or unused: h alone). */
double bands_rate(const struct hazard *h, const struct age_bands *b,
		  double a);
double bands_cum(const struct hazard *h, const struct age_bands *b,
		 double a);
/* The age in [lo, hi] at which a move costs least for a point of scale
 * w_rho when Archive pays at rate theta; without bands the closed form
 * optimal_move_age (which may lie outside [lo, hi]). */
double bands_best_age(const struct hazard *h, const struct age_bands *b,
		      double w_rho, double theta, double lo, double hi);

/* The negative log-likelihood of d's pooled events and exposure under h,
 * without the events' sum of log w and without the penalty on p, with
 * its gradient and Hessian in (log B, log K, log c, log p), in closed
 * form (restore_deriv.c). */
struct nll_deriv {
	double f, g[NPAR], H[NPAR][NPAR];
};
void omori_deriv(const struct restore_data *d, const struct hazard *h,
		 struct nll_deriv *out);
/* The same for the exponential alternative at x = (B, A, k), its
 * derivatives in (log B, log A, log k) (the fourth row and column 0). */
void exp_deriv(const struct restore_data *d, const double x[3],
	       struct nll_deriv *out);

/* Copies the fit's outcome into m->sum and tabulates the final shape's
 * Lambda by whole day (cum_day). */
void restore_model_finish_summary(struct restore_model *m);

/* Runs nmsimplex2 from x (restarting once at the minimum found) on f
 * over n variables until the simplex size is under tol; x gets the
 * minimum. Returns 0, or -1 with e set when GSL fails. */
struct nm_result {
	double f, size;
	int iterations;
	bool size_ok;
};
int nm_minimize(double (*f)(const double *x, void *ctx), void *ctx,
		size_t n, double *x, double step, double tol,
		struct nm_result *out, struct err *e);

#endif
