/* SPDX-License-Identifier: MIT
 * check_output.c: the rows of the RPO/RTO check written as rpo_rto.csv,
 * as JSON (an array of objects, one per row, numbers as numbers) or as
 * JUnit XML for CI systems (one testcase per item and target; a failing
 * row is a <failure> whose message is the reason). */
#include "optimizer/check/check.h"

#include <cjson/cJSON.h>

#include "optimizer/check/check_internal.h"
#include "optimizer/base/csvio.h"
#include "optimizer/base/jsonutil.h"
#include "optimizer/base/fileio.h"
#include "reports/html.h"

const char *const check_format_names[CF_COUNT] = { "csv", "json",
						   "junit" };

static const struct csv_column out_cols[] = {
	{ "item_id", 0 },	   { "target_id", 0 },
	{ "tier", 0 },		   { "rpo_target_h", 0 },
	{ "rpo_predicted_h", 0 },  { "rpo_observed_h", 0 },
	{ "rto_target_h", 0 },	   { "rto_estimated_h", 0 },
	{ "verdict", 0 },	   { "reason", 0 },
	{ "vault_name", 0 },	   { "item_name", 0 },
	{ "policy_name", 0 },	   { "workload", 0 },
	{ "evaluated_tier", 0 },   { "rpo_observed_p95_h", 0 },
	{ "newest_point_age_h", 0 }, { "failure_streak", 0 },
	{ "rto_newest_h", 0 },	   { "rto_oldest_h", 0 },
	{ "oldest_point_needed", 0 }, { "oldest_point_tier", 0 },
	{ "min_retention_days", 0 }, { "margin_hours", 0 },
	{ "cause", 0 },		   { "severity", 0 },
	{ "container", 0 },	   { "arm_id", 0 },
	{ "source_resource_id", 0 }, { "suggested_fix", 0 },
	{ "fix_policy_change", 0 }, { "fix_rpo_predicted_h", 0 },
	{ "vault_kind", 0 },	   { "rpo_basis", 0 },
	{ "rto_basis", 0 },
};
_Static_assert(ARRAY_SIZE(out_cols) == C_NCOLS, "out_cols out of step");
static const struct csv_schema out_schema = { "rpo_rto.csv", out_cols,
					      C_NCOLS };

/* Columns JSON gives as numbers (null when empty). */
static bool numeric_col(int c)
{
	switch (c) {
	case C_RPO_T: case C_RPO_P: case C_RPO_O: case C_RTO_T:
	case C_RTO_E: case C_P95: case C_AGE: case C_STREAK:
	case C_RTO_NEW: case C_RTO_OLD: case C_MIN_RET: case C_MARGIN:
	case C_FIX_RPO:
		return true;
	default:
		return false;
	}
}

struct check_sink {
	int format;
	char *path;
	struct csv_writer *csv;
	cJSON *json;
	struct strbuf xml;
	size_t tests, failures, skipped;
};

struct check_sink *check_sink_open(const char *path, int format,
				   struct err *e)
{
	struct check_sink *k = xcalloc(1, sizeof(*k));

	k->format = format;
	k->xml = (struct strbuf)STRBUF_INIT;
	if (format == CF_CSV) {
		k->csv = csv_writer_open_output(path, &out_schema, e);
		if (!k->csv) {
			free(k);
			return NULL;
		}
	} else if (afile_check(path, e)) {
		free(k);
		return NULL;
	}
	k->path = xstrdup(path);
	k->json = format == CF_JSON ? cJSON_CreateArray() : NULL;
	return k;
}

static void json_row(struct check_sink *k, const char *const *v)
{
	cJSON *o = cJSON_CreateObject();

	for (int c = 0; c < C_NCOLS; c++) {
		if (!numeric_col(c))
			json_add_text(o, out_cols[c].name, v[c]);
		else if (!v[c][0])
			cJSON_AddNullToObject(o, out_cols[c].name);
		else
			cJSON_AddNumberToObject(o, out_cols[c].name,
						strtod(v[c], NULL));
	}
	cJSON_AddItemToArray(k->json, o);
}

/* "breached (failed_jobs, margin -1.50 h): <reason>" */
static void junit_message(struct strbuf *sb, const char *const *v)
{
	strbuf_addf(sb, "%s (%s", v[C_VERDICT], v[C_CAUSE]);
	if (v[C_MARGIN][0])
		strbuf_addf(sb, ", margin %s h", v[C_MARGIN]);
	strbuf_addf(sb, "): %s", v[C_REASON]);
}

static void junit_row(struct check_sink *k, const char *const *v,
		      bool failing)
{
	struct strbuf *x = &k->xml;
	struct strbuf msg = STRBUF_INIT;
	bool met = strcmp(v[C_VERDICT], verdict_names[V_MET]) == 0;

	k->tests++;
	strbuf_adds(x, "    <testcase classname=\"");
	html_escape(x, v[C_TARGET]);
	strbuf_adds(x, "\" name=\"");
	html_escapef(x, "%s/%s (%s)", v[C_VAULT], v[C_NAME], v[C_ITEM]);
	strbuf_adds(x, "\" time=\"0\"");
	if (met) {
		strbuf_adds(x, "/>\n");
		return;
	}
	junit_message(&msg, v);
	if (failing) {
		k->failures++;
		strbuf_adds(x, ">\n      <failure type=\"");
		html_escape(x, v[C_CAUSE]);
		strbuf_adds(x, "\" message=\"");
		html_escape(x, msg.buf);
		strbuf_adds(x, "\">");
		if (v[C_FIX][0])
			html_escapef(x, "suggested fix: %s", v[C_FIX]);
		strbuf_adds(x, "</failure>\n");
	} else if (strcmp(v[C_VERDICT], verdict_names[V_UNKNOWN]) == 0) {
		k->skipped++;
		strbuf_adds(x, ">\n      <skipped message=\"");
		html_escape(x, msg.buf);
		strbuf_adds(x, "\"/>\n");
	} else {
		strbuf_adds(x, ">\n      <system-out>");
		html_escapef(x, "%s: %s", v[C_SEVERITY], msg.buf);
		strbuf_adds(x, "</system-out>\n");
	}
	strbuf_adds(x, "    </testcase>\n");
	strbuf_release(&msg);
}

void check_sink_row(struct check_sink *k, const char *const *v,
		    bool failing)
{
	if (k->format == CF_CSV) {
		for (int c = 0; c < C_NCOLS; c++)
			csv_put(k->csv, v[c]);
		csv_end_row(k->csv);
	} else if (k->format == CF_JSON) {
		json_row(k, v);
	} else {
		junit_row(k, v, failing);
	}
}

static char *junit_document(const struct check_sink *k)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(&sb,
		    "<testsuites name=\"vaultwise check\" tests=\"%zu\" "
		    "failures=\"%zu\" errors=\"0\">\n"
		    "  <testsuite name=\"rpo_rto\" tests=\"%zu\" "
		    "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
		    "time=\"0\">\n",
		    k->tests, k->failures, k->tests, k->failures,
		    k->skipped);
	strbuf_add(&sb, k->xml.buf, k->xml.len);
	strbuf_adds(&sb, "  </testsuite>\n</testsuites>\n");
	return strbuf_detach(&sb);
}

static void sink_free(struct check_sink *k)
{
	cJSON_Delete(k->json);
	strbuf_release(&k->xml);
	free(k->path);
	free(k);
}

void check_sink_abort(struct check_sink *k)
{
	if (k->csv)
		csv_writer_abort(k->csv);
	sink_free(k);
}

int check_sink_commit(struct check_sink *k, struct err *e)
{
	char *text;
	int rc;

	if (k->format == CF_CSV) {
		rc = csv_writer_commit(k->csv, NULL, e);
		sink_free(k);
		return rc;
	}
	if (k->format == CF_JSON) {
		char *j = cJSON_Print(k->json);

		text = xasprintf("%s\n", j ? j : "[]");
		cJSON_free(j);
	} else {
		text = junit_document(k);
	}
	rc = afile_write_string(k->path, text, e);
	free(text);
	sink_free(k);
	return rc;
}
