/* SPDX-License-Identifier: MIT
 * report_html_checks.c: the sections of report.html that come from the
 * other stages: what changed since the previous snapshot, the restore
 * likelihood (model.json), RPO/RTO verdicts (rpo_rto.csv) and vault
 * protection findings (posture.csv). A section whose input was not given
 * says how to add it. */
#include <math.h>

#include "reports/report_changes.h"
#include "reports/report_html_internal.h"
#include "optimizer/base/timeutil.h"

static void not_included(struct strbuf *o, const char *how)
{
	strbuf_addf(o, "<p class=\"note\">Not included: %s</p>\n</section>\n",
		    how);
}

/* ---- changes since the previous snapshot ---- */

/* then -> now, flagged when it doubled or halved (a vault's first or
 * last month is new or removed, not flagged; sizes under least not) */
static void then_now(struct strbuf *o, const struct rep_group *g,
		     double then, double now, int decimals, double least)
{
	char a[48], b[48];

	strbuf_addf(o, "<td class=\"n\">%s &rarr; %s",
		    fmt_number(a, sizeof(a), then, decimals),
		    fmt_number(b, sizeof(b), now, decimals));
	if (g->presence == REP_BOTH)
		page_flag(o, then, now, least);
	strbuf_adds(o, "</td>");
}

static void change_row(struct strbuf *o, const struct rep_group *g,
		       const char *cls)
{
	static const char *const tags[] = { "", " (new)", " (removed)" };
	char delta[48];

	strbuf_addf(o, "<tr%s><td class=\"name\">", cls);
	html_escape(o, g->name);
	strbuf_addf(o, "%s</td>", tags[g->presence]);
	then_now(o, g, (double)g->prev.points, (double)g->now.points, 0, 10);
	then_now(o, g, g->prev.std_gb, g->now.std_gb, 1, 100);
	then_now(o, g, g->prev.arc_gb, g->now.arc_gb, 1, 100);
	then_now(o, g, rep_stats_total(&g->prev), rep_stats_total(&g->now), 2,
		 1);
	strbuf_addf(o, "<td class=\"n\">%s</td></tr>\n",
		    fmt_delta(delta, sizeof(delta),
			      rep_stats_total(&g->now) -
				      rep_stats_total(&g->prev),
			      2));
}

static void human_day(struct strbuf *o, int64_t t)
{
	char d[DATE_ISO_LEN];

	time_format_date(t, d);
	strbuf_adds(o, d);
}

void page_changes(struct strbuf *o, const struct report_data *d)
{
	struct rep_group total;
	double then = rep_stats_total(&d->total_prev);
	double now = rep_stats_total(&d->total_now);

	page_section(o, "changes", "What changed since the previous snapshot");
	if (!d->prev) {
		not_included(o, "pass <code>--previous SNAPSHOT</code> with "
				"last month's snapshot (see "
				"<code>docs/SCHEDULING.md</code> for keeping "
				"one per month).");
		return;
	}
	strbuf_adds(o, "<p>From the snapshot of ");
	page_date(o, d->prev_as_of);
	strbuf_adds(o, " to that of ");
	page_date(o, d->as_of);
	strbuf_adds(o, " the backup cost went from ");
	page_money(o, d, then);
	strbuf_adds(o, " to ");
	page_money(o, d, now);
	strbuf_adds(o, ", ");
	page_change(o, d, then, now);
	strbuf_adds(o, ". Both snapshots are priced with the same "
		       "price sheet, so the change is in what is stored, not "
		       "in prices. A <strong class=\"flag\">&#9873;</strong> "
		       "marks a vault's figure that more than doubled or fell "
		       "by half or more: check it before reading the total."
		       "</p>\n");
	strbuf_adds(o, "<div class=\"scroll\"><table>\n");
	page_basis_caption(o, rep_sizes_basis(&d->total_now, &d->total_prev),
			   "both snapshots' sizes at the price sheet's list "
			   "prices, never calibrated");
	strbuf_addf(o, "<thead><tr><th>Vault"
		       "</th><th class=\"n\">Points<br><span class=\"unit\">"
		       "then &rarr; now</span></th><th class=\"n\">Standard"
		       "<br><span class=\"unit\">GiB</span></th><th "
		       "class=\"n\">Archive<br><span class=\"unit\">GiB</span>"
		       "</th><th class=\"n\">Cost<br><span class=\"unit\">"
		       "%s/month</span></th><th class=\"n\">Change<br><span "
		       "class=\"unit\">%s/month</span></th></tr></thead>\n"
		       "<tbody>\n",
		    d->currency, d->currency);
	for (size_t i = 0; i < d->nvaults; i++)
		change_row(o, &d->vaults[i], "");
	memset(&total, 0, sizeof(total));
	total.name = "All vaults";
	total.now = d->total_now;
	total.prev = d->total_prev;
	change_row(o, &total, " class=\"total\"");
	strbuf_adds(o, "</tbody></table></div>\n");
	page_causes(o, d);
	page_source(o, "From <code>vaults.csv</code>: previous_points &rarr; "
		       "points, previous_standard_gb &rarr; standard_gb, "
		       "previous_archive_gb &rarr; archive_gb, "
		       "previous_total_cost &rarr; total_cost, and "
		       "delta_total_cost; per policy in "
		       "<code>policies.csv</code>.");
	strbuf_adds(o, "</section>\n");
}

/* ---- restore likelihood ---- */

static const struct svg_tick age_ticks[] = {
	{ 1, "1 d" },    { 7, "1 wk" },  { 30, "1 mo" }, { 90, "3 mo" },
	{ 365, "1 yr" }, { 1825, "5 yr" },
};

static void restore_chart(struct strbuf *o, const struct rep_model *m)
{
	double x[REP_MODEL_BINS], y[REP_MODEL_BINS], lo[REP_MODEL_BINS],
		hi[REP_MODEL_BINS];
	struct svg_series s[2];
	struct svg_line_chart c;
	char band[80];

	for (size_t i = 0; i < m->nbins; i++) {
		x[i] = m->bins[i].x;
		y[i] = isfinite(m->bins[i].rate) ? m->bins[i].rate : NAN;
		lo[i] = m->bins[i].rate_lo;
		hi[i] = m->bins[i].rate_hi;
	}
	s[0] = (struct svg_series){ "Model", SVG_LINE, m->curve_age,
				    m->curve, m->curve_lo, m->curve_hi,
				    REP_CURVE_POINTS, 0 };
	s[1] = (struct svg_series){ "Seen", SVG_POINTS, x, y, lo, hi,
				    m->nbins, 1 };
	c = (struct svg_line_chart){
		"restore-curve", "Restores by age of the recovery point",
		"The model's restore rate falls with the age of a point; the "
		"points are the rates seen in each age band, with their "
		"intervals.",
		{ "age of the recovery point (log scale)", 1, 1825, true,
		  age_ticks, ARRAY_SIZE(age_ticks), 0, false },
		{ "restores per 10\xe2\x81\xb6 coverage-days", NAN, NAN, true,
		  NULL, 0, 0, false },
		s, 2
	};
	strbuf_adds(o, "<figure>\n");
	svg_line_chart(o, &c);
	strbuf_adds(o, "<figcaption><ul class=\"legend\">");
	snprintf(band, sizeof(band), "model, with its %.0f%% interval",
		 m->level * 100);
	page_legend_item(o, 0, true, band);
	page_legend_item(o, 1, false, "seen in the restore history, with "
				      "its interval (open: none seen)");
	strbuf_adds(o, "</ul></figcaption>\n</figure>\n");
}

static void param_row(struct strbuf *o, const struct rep_model *m, int i,
		      const char *name, const char *unit, const char *what,
		      double scale, int decimals)
{
	char a[48], b[48], c[48];

	strbuf_addf(o, "<tr><td>%s</td><td class=\"n\">%s</td>"
		       "<td class=\"n\">%s to %s</td><td>",
		    name, fmt_number(a, sizeof(a), m->est[i] * scale, decimals),
		    fmt_number(b, sizeof(b), m->lo[i] * scale, decimals),
		    fmt_number(c, sizeof(c), m->hi[i] * scale, decimals));
	strbuf_adds(o, unit);
	strbuf_adds(o, "</td><td>");
	strbuf_adds(o, what);
	strbuf_adds(o, "</td></tr>\n");
}

static void param_table(struct strbuf *o, const struct rep_model *m)
{
	strbuf_addf(o, "<div class=\"scroll\"><table>\n<thead><tr><th>"
		       "Parameter</th><th class=\"n\">Estimate</th>"
		       "<th class=\"n\">%.0f%% interval</th><th>Unit</th>"
		       "<th>Meaning</th></tr></thead>\n<tbody>\n",
		    m->level * 100);
	param_row(o, m, 0, "B", "per million coverage-days",
		  "the floor: restores that do not fade with age", 1e6, 3);
	param_row(o, m, 1, "K", "per million coverage-days",
		  "the size of the early, fading part", 1e6, 1);
	param_row(o, m, 2, "c", "days", "how soon the fading starts", 1, 2);
	param_row(o, m, 3, "p", "(none)", "how fast it fades with age", 1,
		  2);
	strbuf_adds(o, "</tbody></table></div>\n");
}

static void bin_table(struct strbuf *o, const struct rep_model *m)
{
	strbuf_adds(o, "<div class=\"scroll\"><table>\n<thead><tr><th>"
		       "Age, days</th><th class=\"n\">Restores seen</th>"
		       "<th class=\"n\">Expected by the model</th>"
		       "<th class=\"n\">Coverage-days, millions</th>"
		       "<th class=\"n\">Seen, per million coverage-days</th>"
		       "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < m->nbins; i++) {
		const struct rep_model_bin *b = &m->bins[i];
		char a[48], c[48], r[48], lo[48], hi[48];
		strbuf_adds(o, "<tr><td>");
		html_escape(o, b->label);
		strbuf_addf(o, "</td><td class=\"n\">%ld</td><td class=\"n\">"
			       "%s</td><td class=\"n\">%s</td>"
			       "<td class=\"n\">%s [%s to %s]</td></tr>\n",
			    b->events,
			    fmt_number(a, sizeof(a), b->expected, 1),
			    fmt_number(c, sizeof(c), b->cov_days / 1e6, 2),
			    fmt_number(r, sizeof(r), b->rate, 3),
			    fmt_number(lo, sizeof(lo), b->rate_lo, 3),
			    fmt_number(hi, sizeof(hi), b->rate_hi, 3));
	}
	strbuf_adds(o, "</tbody></table></div>\n");
}

void page_restore_model(struct strbuf *o, const struct report_data *d)
{
	const struct rep_model *m = &d->model;

	page_section(o, "restores", "How likely a backup is to be restored");
	if (!m->present) {
		not_included(o, "run <code>vaultwise fit SNAPSHOT --out "
				"model.json</code> and pass <code>--model "
				"model.json</code>.");
		return;
	}
	strbuf_addf(o, "<p>Restores are frequent for fresh recovery points "
		       "and rare for old ones: that is what makes Archive "
		       "pay. A <em>coverage-day</em> is one day of history a "
		       "point stands for (a daily point 1, a weekly 7, a "
		       "monthly 30), so a monthly point at a rate of 1 per "
		       "million coverage-days is restored about once in "
		       "33,000 days. Fitted on %ld restores (of %ld restore "
		       "jobs",
		    m->events_used, m->restore_jobs);
	if (m->history_from != TIME_NONE) {
		strbuf_adds(o, " since ");
		human_day(o, m->history_from);
	}
	strbuf_adds(o, ") over ");
	html_number(o, (double)m->points, 0);
	strbuf_adds(o, " recovery points.</p>\n");
	restore_chart(o, m);
	if (!m->has_cov)
		strbuf_adds(o, "<p class=\"note\">model.json gives no "
			       "covariance: the curve is drawn without its "
			       "interval.</p>\n");
	strbuf_adds(o, "<h3>The model</h3>\n<p>Restores of one point per "
		       "coverage-day at age <em>a</em> days: "
		       "B + K (a + c)<sup>&minus;p</sup>.</p>\n");
	param_table(o, m);
	strbuf_adds(o, "<h3>Seen against expected, by age</h3>\n");
	bin_table(o, m);
	strbuf_adds(o, "<p class=\"source\">From <code>restore_by_age.csv"
		       "</code> (one row per age band and the curve's points), "
		       "made from ");
	page_path(o, d->model_path);
	strbuf_adds(o, " (<em>parameters</em>, <em>covariance_log</em>, "
		       "<em>observed_vs_expected</em>). Method ");
	html_escape(o, m->method);
	strbuf_adds(o, ": ");
	html_escape(o, m->note);
	strbuf_adds(o, ".</p>\n</section>\n");
}

/* ---- RPO / RTO ---- */

static void rpo_chart(struct strbuf *o, const struct report_data *d)
{
	static const char *const parts[] = { "met", "breached", "unknown" };
	static const int styles[] = { 2, 1, 5 };
	const struct rep_rpo *r = &d->rpo;
	struct svg_bar *bars = xcalloc(r->ntargets + 1, sizeof(*bars));
	char (*values)[48] = xcalloc(r->ntargets + 1, sizeof(*values));
	struct svg_bar_chart c;

	for (size_t i = 0; i < r->ntargets; i++) {
		const struct rep_target *t = &r->targets[i];
		snprintf(values[i], sizeof(values[i]), "%zu of %zu breached",
			 t->breached, t->met + t->breached + t->unknown);
		bars[i] = (struct svg_bar){ t->target_id, NULL, values[i],
					    { (double)t->met,
					      (double)t->breached,
					      (double)t->unknown, 0 } };
	}
	c = (struct svg_bar_chart){
		"rpo-targets", "RPO/RTO verdicts by target",
		"One bar per target: the checks met, breached and unknown.",
		parts, styles, 3, bars, r->ntargets,
		{ "checks (item and target)", NAN, NAN, false, NULL, 0, 0,
		  true }
	};
	page_bar_figure(o, &c, styles, parts, 3);
	free(bars);
	free(values);
}

static void hours(struct strbuf *o, double target, double seen)
{
	char a[48], b[48];

	strbuf_addf(o, "<td class=\"n\">%s &rarr; %s</td>",
		    fmt_number(a, sizeof(a), target, 1),
		    fmt_number(b, sizeof(b), seen, 1));
}

static void breach_table(struct strbuf *o, const struct rep_rpo *r)
{
	strbuf_adds(o, "<div class=\"scroll\"><table class=\"text\">\n"
		       "<colgroup><col style=\"width:15%\"><col style=\"width:"
		       "14%\"><col style=\"width:13%\"><col style=\"width:"
		       "11%\"><col style=\"width:11%\"><col style=\"width:"
		       "36%\"></colgroup>\n<thead><tr><th>Item</th><th>Vault"
		       "</th><th>Target</th><th class=\"n\">RPO<br><span "
		       "class=\"unit\">target &rarr; worst, h</span></th><th "
		       "class=\"n\">RTO<br><span class=\"unit\">target &rarr; "
		       "estimate, h</span></th><th>Why</th></tr></thead>\n"
		       "<tbody>\n");
	for (size_t i = 0; i < r->nlisted; i++) {
		const struct rep_breach *b = &r->listed[i];
		strbuf_adds(o, "<tr><td>");
		html_escape(o, b->item);
		strbuf_adds(o, "</td><td>");
		html_escape(o, b->vault);
		strbuf_adds(o, "</td><td>");
		html_escape(o, b->target_id);
		strbuf_adds(o, "</td>");
		hours(o, b->rpo_target, b->rpo_seen);
		hours(o, b->rto_target, b->rto_est);
		strbuf_adds(o, "<td>");
		html_escape(o, b->reason);
		strbuf_adds(o, "</td></tr>\n");
	}
	strbuf_adds(o, "</tbody></table></div>\n");
}

void page_rpo(struct strbuf *o, const struct report_data *d)
{
	const struct rep_rpo *r = &d->rpo;

	page_section(o, "rpo", "Recovery point and recovery time objectives");
	if (!r->present) {
		not_included(o, "run <code>vaultwise check SNAPSHOT --targets "
				"FILE --out rpo_rto.csv</code> and pass "
				"<code>--rpo rpo_rto.csv</code>.");
		return;
	}
	strbuf_addf(o, "<p>%zu checks of an item against a target: "
		       "<strong>%zu met</strong>, <strong>%zu breached"
		       "</strong>, %zu unknown (not enough history to "
		       "tell).</p>\n",
		    r->rows, r->met, r->breached, r->unknown);
	if (r->ntargets)
		rpo_chart(o, d);
	if (r->nlisted) {
		strbuf_addf(o, "<h3>Breaches%s</h3>\n",
			    r->breached > r->nlisted
				    ? ", the furthest from their target first"
				    : "");
		breach_table(o, r);
		if (r->breached > r->nlisted)
			strbuf_addf(o, "<p class=\"note\">%zu more breaches "
				       "are in rpo_rto.csv.</p>\n",
				    r->breached - r->nlisted);
	}
	strbuf_adds(o, "<p class=\"source\">From ");
	page_path(o, d->rpo_path);
	strbuf_adds(o, ": one row per item and target (verdict, "
		       "rpo_target_h, the worse of rpo_predicted_h and "
		       "rpo_observed_h, rto_target_h, rto_estimated_h, "
		       "reason).</p>\n</section>\n");
}

/* ---- posture ---- */

static void audit_chart(struct strbuf *o, const struct rep_posture *p)
{
	static const char *const parts[] = { "failing" };
	static const int styles[] = { 1 };
	struct svg_bar bars[REP_SEVERITIES];
	char values[REP_SEVERITIES][40];
	struct svg_bar_chart c;

	for (int s = 0; s < REP_SEVERITIES; s++) {
		snprintf(values[s], sizeof(values[s]), "%zu failing",
			 p->fails[s]);
		bars[s] = (struct svg_bar){ rep_severity_names[s], NULL,
					    values[s],
					    { (double)p->fails[s], 0, 0, 0 } };
	}
	c = (struct svg_bar_chart){
		"posture-severity", "Failing protection checks by severity",
		"One bar per severity: how many checks of a vault against a "
		"rule fail.",
		parts, styles, 1, bars, REP_SEVERITIES,
		{ "failing checks (vault and rule)", NAN, NAN, false, NULL, 0,
		  0, true }
	};
	page_bar_figure(o, &c, NULL, NULL, 0);
}

static void finding_table(struct strbuf *o, const struct rep_posture *p)
{
	strbuf_adds(o, "<div class=\"scroll\"><table class=\"text\">\n"
		       "<colgroup><col style=\"width:9%\"><col style=\"width:"
		       "15%\"><col style=\"width:15%\"><col style=\"width:"
		       "21%\"><col style=\"width:40%\"></colgroup>\n"
		       "<thead><tr><th>Severity</th><th>Vault</th><th>Check"
		       "</th><th>Found</th><th>Fix</th></tr></thead>\n"
		       "<tbody>\n");
	for (size_t i = 0; i < p->nlisted; i++) {
		const struct rep_finding *f = &p->listed[i];
		strbuf_addf(o, "<tr><td%s>%s</td><td>",
			    f->severity == 0 ? " class=\"sev-high\"" : "",
			    rep_severity_names[f->severity]);
		html_escape(o, f->vault);
		if (f->backup_vault)
			strbuf_adds(o, " <span class=\"unit\">(Backup "
				       "vault)</span>");
		strbuf_adds(o, "</td><td>");
		html_escape(o, f->rule_id);
		strbuf_adds(o, "</td><td>");
		html_escape(o, f->evidence);
		strbuf_adds(o, "</td><td>");
		html_escape(o, f->fix);
		strbuf_adds(o, "</td></tr>\n");
	}
	strbuf_adds(o, "</tbody></table></div>\n");
}

void page_posture(struct strbuf *o, const struct report_data *d)
{
	const struct rep_posture *p = &d->posture;
	size_t fails = p->rows - p->passed;

	page_section(o, "posture", "Vault protection findings");
	if (!p->present) {
		not_included(o, "run <code>vaultwise audit SNAPSHOT --out "
				"posture.csv</code> and pass <code>--posture "
				"posture.csv</code>.");
		return;
	}
	strbuf_addf(o, "<p>%zu checks over %zu vaults (%zu Recovery Services "
		       "vaults, %zu Backup vaults): %zu passed, %zu "
		       "failed (%zu high, %zu medium, %zu low, %zu info)."
		       "</p>\n",
		    p->rows, p->vaults, p->vaults - p->backup_vaults,
		    p->backup_vaults, p->passed, fails, p->fails[0],
		    p->fails[1], p->fails[2], p->fails[3]);
	audit_chart(o, p);
	if (p->nlisted) {
		strbuf_addf(o, "<h3>Failing checks%s</h3>\n",
			    fails > p->nlisted ? ", the most severe first"
					       : "");
		finding_table(o, p);
		if (fails > p->nlisted)
			strbuf_addf(o, "<p class=\"note\">%zu more failing "
				       "checks are in posture.csv.</p>\n",
				    fails - p->nlisted);
	}
	strbuf_adds(o, "<p class=\"source\">From ");
	page_path(o, d->audit_path);
	strbuf_adds(o, ": one row per vault and rule (severity, status, "
		       "evidence, fix).</p>\n</section>\n");
}
