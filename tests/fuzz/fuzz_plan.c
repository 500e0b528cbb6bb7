/* SPDX-License-Identifier: MIT
 * fuzz_plan.c: libFuzzer target for the readers of a plan directory and
 * of the report's other inputs: report_run (optimizer/report/report.h) reading
 * plan.json, summary.csv, strategies.csv and plan.csv (report_plan.c),
 * model.json, rpo_rto.csv and posture.csv (report_inputs.c), and the
 * audit's audit_plan_load reading policy_changes.csv, and apply's
 * apply_plan_load reading plan.json, items.csv, policy_changes.csv and
 * plan.csv. A plan of tests/data/tiny-snapshot is made once with
 * plan_run; each input's first byte picks which file the rest replaces,
 * the others staying as made. Files only in the fuzzer's scratch
 * directory. */
#include "fuzzutil.h"
#include "optimizer/apply/apply_internal.h"
#include "optimizer/plan/plan.h"
#include "models/audit/audit_rules.h"
#include "optimizer/audit/audit.h"
#include "optimizer/report/report.h"

enum which { W_PLAN_CSV, W_SUMMARY, W_STRATEGIES, W_PLAN_JSON, W_ITEMS,
	     W_POLICY_CHANGES, W_MODEL, W_RPO, W_POSTURE, W_COUNT };

static const char *const names[W_COUNT] = {
	"plan.csv", "summary.csv", "strategies.csv", "plan.json",
	"items.csv", "policy_changes.csv", "model.json", "rpo_rto.csv",
	"posture.csv",
};

static char *plan_dir, *out_dir, *paths[W_COUNT], *originals[W_COUNT];
static size_t original_len[W_COUNT];

static void make_plan(void)
{
	struct plan_options o;
	struct plan_summary sum;
	struct err e = ERR_INIT;

	plan_options_init(&o);
	memset(&sum, 0, sizeof(sum));
	if (plan_run(&fuzz_tiny, &o, plan_dir, &sum, &e))
		abort();
	plan_summary_release(&sum);
}

/* The plan of the tiny snapshot, its files kept to be put back. */
static void setup(void)
{
	struct err e = ERR_INIT;

	plan_dir = fuzz_path("plan");
	out_dir = fuzz_path("report");
	make_plan();
	for (int w = 0; w < W_COUNT; w++) {
		paths[w] = w <= W_POLICY_CHANGES ? path_join(plan_dir, names[w])
						 : fuzz_path(names[w]);
		if (w <= W_POLICY_CHANGES &&
		    read_file(paths[w], 1u << 26, &originals[w],
			      &original_len[w], &e))
			abort();
	}
}

static void run_report(int w)
{
	struct report_options o;
	struct report_summary sum;
	struct err e = ERR_INIT;

	report_options_init(&o);
	o.plan_dir = plan_dir;
	o.model_path = w == W_MODEL ? paths[w] : NULL;
	o.rpo_path = w == W_RPO ? paths[w] : NULL;
	o.audit_path = w == W_POSTURE ? paths[w] : NULL;
	memset(&sum, 0, sizeof(sum));
	if (report_run(&fuzz_tiny, &o, out_dir, &sum, &e) &&
	    (!e.code || !e.msg[0]))
		abort();
	report_summary_release(&sum);
}

/* apply's reader: an error must say what, never crash. */
static void load_for_apply(void)
{
	struct apply_plan p;
	struct jstates js;
	struct err e = ERR_INIT;

	memset(&js, 0, sizeof(js));
	if (apply_plan_load(&p, plan_dir, fuzz_tiny.as_of, &js, NULL, &e) &&
	    (!e.code || !e.msg[0]))
		abort();
	apply_plan_release(&p);
}

static void load_policy_changes(void)
{
	struct audit_plan plan;
	struct err e = ERR_INIT;

	if (audit_plan_load(&plan, plan_dir, &e) == 0)
		audit_plan_release(&plan);
}

static void run(const struct fuzz_input *in)
{
	int w = (int)(in->pick % W_COUNT);

	fuzz_write_at(paths[w], in->data, in->size);
	if (w == W_POLICY_CHANGES)
		load_policy_changes();
	else if (w != W_ITEMS)
		run_report(w);
	if (w == W_PLAN_CSV || w == W_PLAN_JSON || w == W_ITEMS ||
	    w == W_POLICY_CHANGES)
		load_for_apply();
	if (originals[w])
		fuzz_write_at(paths[w], originals[w], original_len[w]);
}

const struct fuzz_target fuzz_target = {
	.pick = true, .tiny = true, .setup = setup, .run = run,
};
