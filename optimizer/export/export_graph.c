/* SPDX-License-Identifier: MIT
 * export_graph.c: with --inventory resource-graph, a vault's restore and
 * backup jobs come from one Azure Resource Graph query (RecoveryServices
 * Resources, up to 1,000 rows a page) instead of four paged ARM listings
 * of 50. The rows carry the ARM job's properties, so they take the same
 * path as listed jobs. Never prints. */
#include <string.h>

#include "optimizer/azure/arg.h"
#include "optimizer/export/export_int.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

/* s as a KQL string literal: quoted, with ' and \ escaped. */
static void kql_string(struct strbuf *sb, const char *s)
{
	strbuf_addf(sb, "'");
	for (; *s; s++)
		strbuf_addf(sb, "%s%c", *s == '\'' || *s == '\\' ? "\\" : "",
			    *s);
	strbuf_addf(sb, "'");
}

/* The jobs the ARM listings would give: restores (by Azure's three
 * operation names) started since the restore window began, and every job
 * started since the backup window began, up to the export's time. */
static char *jobs_query(const struct ex_vault *v)
{
	const struct ex *x = v->ex;
	struct strbuf sb = STRBUF_INIT;
	char restore_from[TIME_ISO_LEN], backup_from[TIME_ISO_LEN];
	char to[TIME_ISO_LEN];
	char *prefix = xasprintf("%s/backupJobs/", v->av.arm_id);

	time_format_iso(x->as_of - (int64_t)x->o->lookback_days * DAY_S,
			restore_from);
	time_format_iso(x->as_of - (int64_t)x->o->backup_jobs_days * DAY_S,
			backup_from);
	time_format_iso(x->as_of, to);
	strbuf_addf(&sb, "RecoveryServicesResources"
			 " | where type =~ "
			 "'microsoft.recoveryservices/vaults/backupjobs'"
			 " | where id startswith ");
	kql_string(&sb, prefix);
	strbuf_addf(&sb, " | where todatetime(properties.startTime) between "
			 "(datetime(%s) .. datetime(%s))"
			 " | where properties.operation in~ ('Restore', "
			 "'RestoreWithRehydrate', 'CrossRegionRestore') or "
			 "todatetime(properties.startTime) >= datetime(%s)"
			 " | project id, name, type, properties",
		    restore_from, to, backup_from);
	free(prefix);
	return strbuf_detach(&sb);
}

int ex_graph_jobs(struct ex_vault *v, arm_item_fn row, arm_end_fn end,
		  struct err *e)
{
	struct arg_query_spec s = { 0 };
	const char *sub = v->av.v.subscription_id;
	char *query = jobs_query(v);
	int rc;

	s.subscriptions = &sub;
	s.nsubscriptions = 1;
	s.query = query;
	s.what = "query backup jobs in Resource Graph";
	s.row = row;
	s.end = end;
	s.ctx = v;
	v->pending++;
	rc = arg_query(&v->ex->arm, &s, e);
	free(query);
	return rc;
}
