/* SPDX-License-Identifier: MIT
 * check_fix.c: the suggested fix of a row whose predicted RPO breaches
 * its target: the least change to the item's policy (a daily schedule
 * for a weekly one, then Enhanced every 12, 8, 6 or 4 h; a shorter log
 * interval for SQL/HANA) whose predicted RPO, computed by the same
 * schedule model on the changed policy, meets the target. Given as text
 * and as a policies.csv edit ("column=value" pairs joined by ";"). */
#include "optimizer/check/check_internal.h"

#include <math.h>

#include "models/check/schedule.h"

#define EPS 1e-9

/* One candidate change to a policy. */
struct fix {
	int frequency;        /* enum frequency; -1: unchanged */
	int policy_type;      /* enum policy_type; -1: unchanged */
	int interval_h;       /* hourly interval; 0: unchanged */
	int log_min;          /* log interval; 0: unchanged */
};

static void apply(struct policy *p, const struct fix *f)
{
	if (f->frequency >= 0)
		p->frequency = f->frequency;
	if (f->policy_type >= 0)
		p->policy_type = f->policy_type;
	if (f->interval_h) {
		p->hourly_interval_h = f->interval_h;
		p->window_start = "00:00";
		p->window_hours = 24;
	}
	if (f->log_min)
		p->log_interval_min = f->log_min;
	if (p->frequency == FREQ_DAILY && !p->run_times[0])
		p->run_times = "22:00";
	/* a daily schedule needs a daily retention: Azure's least, 7 d */
	if (p->frequency != FREQ_WEEKLY && !p->daily_keep_days)
		p->daily_keep_days = 7;
}

static void edit_of(const struct policy *was, const struct policy *p,
		    const struct fix *f, struct strbuf *out)
{
	strbuf_reset(out);
	if (f->log_min) {
		strbuf_addf(out, "log_interval_min=%d", f->log_min);
		return;
	}
	if (f->policy_type >= 0)
		strbuf_addf(out, "policy_type=%s;",
			    policy_type_names[f->policy_type]);
	strbuf_addf(out, "frequency=%s", frequency_names[p->frequency]);
	if (f->interval_h)
		strbuf_addf(out,
			    ";hourly_interval_h=%d;window_start=00:00;"
			    "window_hours=24",
			    f->interval_h);
	else
		strbuf_addf(out, ";run_times=%s", p->run_times);
	if (p->daily_keep_days != was->daily_keep_days)
		strbuf_addf(out, ";daily_keep_days=%d", p->daily_keep_days);
}

/* The candidates, least change first. */
static size_t candidates(const struct policy *p, struct fix *out)
{
	static const int hours[] = { 12, 8, 6, 4 };
	static const int logs[] = { 720, 480, 240, 120, 60, 30, 15 };
	size_t n = 0;

	if (p->workload == WL_SQL || p->workload == WL_HANA) {
		for (size_t i = 0; i < ARRAY_SIZE(logs); i++)
			out[n++] = (struct fix){ -1, -1, 0, logs[i] };
		return n;
	}
	if (p->frequency == FREQ_WEEKLY)
		out[n++] = (struct fix){ FREQ_DAILY, -1, 0, 0 };
	for (size_t i = 0; i < ARRAY_SIZE(hours); i++)
		out[n++] = (struct fix){
			FREQ_HOURLY, p->workload == WL_VM ? PT_ENHANCED : -1,
			hours[i], 0
		};
	return n;
}

static const char *cost_note(const struct fix *f)
{
	if (f->log_min)
		return "no cost change: the same log volume, backed up more "
		       "often";
	if (f->interval_h)
		return "monthly cost change not priced: more snapshots a day "
		       "add snapshot storage (Enhanced: on ZRS) for blocks "
		       "rewritten between them, which the daily churn model "
		       "cannot split by hour";
	return "monthly cost change not priced: a backup every day instead "
	       "of a few a week adds vault storage for the extra points";
}

static void suggest(const struct check_input *in, const struct check_row *r,
		    struct check_fix *out)
{
	const double target = in->t->rpo_hours;
	struct fix c[16];
	double best = NAN;
	char best_why[200] = "", t[24];
	size_t n;

	format_hours(target, t, sizeof(t));
	n = candidates(in->p, c);
	for (size_t i = 0; i < n; i++) {
		struct policy p = *in->p;
		struct rpo_predicted pred;
		double h;

		apply(&p, &c[i]);
		rpo_predict(&pred, &p, in->zones, in->as_of);
		h = r->tier == TT_SNAPSHOT ? pred.snapshot_h : pred.vault_h;
		if (!isnan(h) && !(h >= best)) {
			best = h;
			snprintf(best_why, sizeof(best_why), "%s",
				 r->tier == TT_SNAPSHOT ? pred.snapshot_why
							: pred.vault_why);
		}
		if (isnan(h) || h > target + EPS)
			continue;
		out->rpo_h = h;
		edit_of(in->p, &p, &c[i], &out->edit);
		strbuf_addf(&out->text, "policy '%s': %s <= %s target; %s",
			    in->p->policy_name,
			    r->tier == TT_SNAPSHOT ? pred.snapshot_why
						   : pred.vault_why,
			    t, cost_note(&c[i]));
		return;
	}
	strbuf_addf(&out->text, "none by schedule: the best %s schedule, %s, "
		    "stays over the %s target%s",
		    workload_names[in->p->workload],
		    best_why[0] ? best_why : "(none usable)", t,
		    r->tier == TT_VAULT && in->p->workload == WL_VM
			    ? " (the vault keeps one VM backup a day)"
			    : "");
}

static void copy_fix(struct check_fix *to, const struct check_fix *from)
{
	strbuf_reset(&to->text);
	strbuf_reset(&to->edit);
	strbuf_add(&to->text, from->text.buf, from->text.len);
	strbuf_add(&to->edit, from->edit.buf, from->edit.len);
	to->rpo_h = from->rpo_h;
}

void check_fix_suggest(const struct check_input *in,
		       const struct check_row *r, struct check_fix *out)
{
	struct fix_memo *m;

	out->rpo_h = NAN;
	strbuf_reset(&out->text);
	strbuf_reset(&out->edit);
	if (!in->p || r->verdict != V_BREACHED || isnan(r->rpo_pred) ||
	    r->rpo_pred <= in->t->rpo_hours + EPS)
		return;
	/* the policy's, the target's and the tier's alone */
	m = &in->fix[r->tier == TT_VAULT];
	if (!m->done) {
		m->fix = (struct check_fix)CHECK_FIX_INIT;
		m->fix.rpo_h = NAN;
		suggest(in, r, &m->fix);
		m->done = true;
	}
	copy_fix(out, &m->fix);
}
