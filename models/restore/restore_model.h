/* SPDX-License-Identifier: MIT
 * restore_model.h: how likely a recovery point is to be restored, by age
 * (docs/modeling.md §2). `vaultwise fit` builds the model from
 * a snapshot's job history and writes it as JSON; `plan` reads it and asks
 * for rates and forecasts per point. Never prints, never exits.
 *
 * The model: restores of one point form a Poisson process in its age a
 * (days) with intensity w * rho * lambda(a), where
 *   - lambda(a) = B + K (a + c)^-p  (per coverage-day; modified Omori
 *     decay plus a compliance floor B),
 *   - w is the point's coverage: the days of look-back it stands for
 *     (coverage_days),
 *   - rho is a gamma-distributed scale of the item's policy (or workload),
 *     shrunk towards the pool by empirical Bayes.
 * With fewer than min_events restores in the whole history the model is
 * the documented prior (method "prior": p = 1, c = 1 d, scale from the
 * rule of three), and plan decides on its posterior like on any fit. */
#ifndef VW_RESTORE_MODEL_H
#define VW_RESTORE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"

/* ---- the intensity ---- */

struct hazard {
	double B, K, c, p; /* per coverage-day; ages in days */
};

/* lambda(a) = B + K (a + c)^-p. */
double hazard_rate(const struct hazard *h, double age_days);
/* Lambda(a) = integral of lambda over [0, a], closed form (stable at and
 * near p = 1, where the decay term is K ln((a + c) / c)). */
double hazard_cum(const struct hazard *h, double age_days);
/* The same with its decay term's scale K c^(1-p) (hazard_decay_scale)
 * computed once, for a caller asking many ages of one h: equal to
 * hazard_cum to the bit. */
double hazard_decay_scale(const struct hazard *h);
double hazard_cum_scaled(const struct hazard *h, double scale,
			 double age_days);

/* Days of look-back a point stands for: daily 1, weekly 7, monthly 30,
 * yearly 365; SQL/HANA full: days between fulls of its policy (7 / the
 * number of run days of a weekly schedule, 1 for daily fulls, 7 when the
 * policy is unknown), differential 1, log 0 (log points carry no
 * exposure: their restores are point-in-time restores on top of a full).
 * p may be NULL. */
double coverage_days(int workload, int rp_kind, const struct policy *p);
/* The same for a point as listed: a Snapshot-only point of an Hourly
 * (Enhanced) policy stands for its hourly interval, interval / 24 days;
 * other points as coverage_days. */
double point_coverage_days(int workload, int rp_kind, int tier,
			   const struct policy *p);

/* Exact (Garwood) interval for a Poisson rate: n events over exposure,
 * two-sided at level (e.g. 0.95). For n = 0 the lower bound is 0. */
void poisson_rate_interval(long n, double exposure, double level,
			   double *lo, double *hi);

/* ---- fitting ---- */

struct restore_scan;
struct fit_options {
	double level;     /* level of every interval in the model */
	long min_events;  /* fewer events used: the prior */
	/* the fit's own read of the snapshot's directory, begun before it
	 * was opened (restore_scan_begin; finished by the fit, whose
	 * optimiser runs while the files' hash ends), or NULL */
	struct restore_scan *scan;
};
#define FIT_OPTIONS_INIT { 0.90, 5, NULL }

/* What went into the fit, for the headline and the JSON. */
struct restore_fit_summary {
	long restore_jobs;        /* restore jobs in the history window */
	long failed_jobs;         /* of those, not succeeded (still demand) */
	long retries_merged;      /* same item and point within 24 h */
	long events_used;         /* events matched to a point with exposure */
	long dropped_expired;     /* their point is not in the snapshot */
	long dropped_no_rp_time;  /* the job names no restored point */
	long dropped_log_points;  /* restores of log points (coverage 0) */
	long dropped_bad_age;     /* started before the point existed */
	long points;              /* points with exposure */
	double point_days;        /* sum of (exit - entry) ages */
	double coverage_point_days; /* the same weighted by coverage */
	int64_t history_from, as_of;
	/* the fit: convergence checks met (always 1 for the prior); AIC of
	 * the model and of the exponential + floor alternative (NAN in the
	 * prior) */
	int converged;
	double aic, aic_exponential;
};

struct restore_model; /* fitted or read; free with restore_model_free */

/* Streams the snapshot's jobs and recovery points (evaluated at s->as_of)
 * and fits the model. On success *out is the caller's. */
int restore_model_fit(struct restore_model **out, struct snapshot *s,
		      const struct fit_options *o, struct err *e);
int restore_model_write(const struct restore_model *m, const char *path,
			struct err *e);
int restore_model_read(struct restore_model **out, const char *path,
		       struct err *e);
void restore_model_free(struct restore_model *m);

const struct hazard *restore_model_hazard(const struct restore_model *m);
const char *restore_model_method(const struct restore_model *m);
const struct restore_fit_summary *
restore_model_summary(const struct restore_model *m);
/* Estimate and interval (at the model's level) of a parameter: 0 B, 1 K,
 * 2 c, 3 p. Intervals are Hessian (Wald) intervals on the log scale,
 * except p's (profile likelihood), B's when the profile likelihood at
 * B = 0 is within the boundary's critical value, chi2_1(2 level - 1) / 2
 * ([0, the profile's upper bound]) and, in the prior, B's and K's (the
 * quantiles of the scale's gamma). */
void restore_model_param(const struct restore_model *m, int which,
			 double *est, double *lo, double *hi);
double restore_model_level(const struct restore_model *m);

/* The scale rho of an item's group: posterior Gamma(shape, rate) and
 * where it came from ("policy", "workload", "pooled" or "prior"). A policy
 * unknown to the model, or with no exposure, falls back to its workload;
 * a workload with no exposure to the prior of a new group. policy_id may
 * be NULL. level is a static string. */
struct restore_scale {
	double shape, rate;
	long events;
	double exposure;  /* expected restores of the group at rho = 1 */
	const char *level;
};
void restore_model_scale(const struct restore_model *m,
			 const char *policy_id, int workload,
			 struct restore_scale *out);

/* Restores of one point of coverage weight over ages [a0, a1] (days):
 * expected number with an interval at level, and P(at least one) with
 * its interval. The interval combines the group's scale posterior with the
 * parameter uncertainty (delta method on the log scale) as one gamma
 * distribution with the squared coefficients of variation added. */
struct restore_forecast {
	double mean, lo, hi, p_any, p_any_lo, p_any_hi;
};
void restore_model_forecast(const struct restore_model *m,
			    const char *policy_id, int workload,
			    double weight, double a0, double a1,
			    double level, struct restore_forecast *out);

/* The expected number alone (restore_model_forecast's mean), cheaply. */
double restore_model_expected(const struct restore_model *m,
			      const char *policy_id, int workload,
			      double weight, double a0, double a1);

/* The restore rate (per day) to decide on for a point of coverage weight
 * at age: weight * lambda(age) * rho_q. q = 0.5 gives the posterior mean
 * of rho (the risk-neutral choice: cost is linear in expected restores);
 * any other q in (0, 1) the q-quantile of the combined gamma above, e.g.
 * 0.9 for a conservative plan. */
double restore_model_rate_quantile(const struct restore_model *m,
				   const char *policy_id, int workload,
				   double weight, double age, double q);

/* The age (days) in [lo, hi] at which moving a point of coverage weight
 * costs least when Archive pays below restore rate theta (per day; see
 * decision.h): for the Omori shape the first age its rate falls to theta
 * (closed form, possibly outside [lo, hi]: INFINITY when the floor stays
 * above theta); with the age bands (chosen by AIC, restore_bands.c) the
 * best of the bands. */
double restore_model_best_age(const struct restore_model *m,
			      const char *policy_id, int workload,
			      double weight, double theta, double lo,
			      double hi);
/* Lambda(a) of the shape plan decides on, at rho = 1: the exponential +
 * floor fit when AIC prefers it to the Omori shape (with its age bands
 * when it uses them), else that shape. The forecasts, expected restores,
 * rates and best ages follow the same shape. */
double restore_model_cum(const struct restore_model *m, double age_days);

#endif
