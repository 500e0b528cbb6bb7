/* SPDX-License-Identifier: MIT
 * export_costs.c: `export --costs`, the last full month's actual cost of
 * the exported vaults from the Cost Management Query API into costs.csv
 * (bill.h). Once every vault is read, two queries per subscription that
 * has one (POST /subscriptions/{sub}/providers/Microsoft.CostManagement/
 * query, type ActualCost, a Custom time period of the month before the
 * as-of, Cost and UsageQuantity summed, grouped by ResourceId and Meter):
 *
 *  - meter category Backup, charge type Usage: the vaults' storage and
 *    protected instances, at the vault or, for a vault that reports at
 *    ProtectedItemLevel, below it; and the Backup vaults'
 *    (Microsoft.DataProtection/backupVaults and below), which the bill
 *    reader keeps for the snapshot's Backup vaults (bill.h);
 *  - meter category Storage on restore point collections: the
 *    instant-restore snapshots Azure Backup keeps in AzureBackupRG_*.
 *
 * Rows of other vaults and resources are dropped. A subscription whose
 * costs Azure refuses (Cost Management Reader missing) is a manifest
 * warning; the export goes on, and writes costs.csv when at least one
 * query was answered. */
#include <string.h>
#include <strings.h>

#include "optimizer/export/export_int.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define AGGREGATE                                                       \
	"\"aggregation\":{\"totalCost\":{\"name\":\"Cost\",\"function\":" \
	"\"Sum\"},\"totalQuantity\":{\"name\":\"UsageQuantity\","       \
	"\"function\":\"Sum\"}},\"grouping\":[{\"type\":\"Dimension\","   \
	"\"name\":\"ResourceId\"},{\"type\":\"Dimension\",\"name\":"      \
	"\"Meter\"}]"
#define IS(dim, value)                                                  \
	"{\"dimensions\":{\"name\":\"" dim "\",\"operator\":\"In\","      \
	"\"values\":[\"" value "\"]}}"

/* The two queries: meter category and the filter's other terms. */
static const struct {
	const char *category, *terms;
} queries[] = {
	{ "Backup", IS("ChargeType", "Usage") },
	{ "Storage", IS("ChargeType", "Usage") "," IS(
			     "ResourceType",
			     "microsoft.compute/restorepointcollections") },
};

struct cost_query {
	struct ex *x;
	const char *sub, *category, *date;
};

/* Whether a Backup charge's resource is an exported vault or below it
 * (a protected item's, at ProtectedItemLevel), or a Backup vault's. */
static bool of_exported_vault(const struct ex *x, const char *resource)
{
	if (str_contains_ci(resource,
			    "/providers/Microsoft.DataProtection/backupVaults/"))
		return true;
	for (size_t v = 0; v < x->nvaults; v++) {
		const char *id = x->vaults[v]->av.arm_id;
		size_t n = strlen(id);
		if (strncasecmp(resource, id, n) == 0 &&
		    (resource[n] == '\0' || resource[n] == '/'))
			return true;
	}
	return false;
}

static int column(const cJSON *cols, const char *name, const char *alt)
{
	int i = 0;
	const cJSON *c;

	cJSON_ArrayForEach(c, cols) {
		const char *n = arm_str(c, "name");
		if (n && (str_eq_ci(n, name) || (alt && str_eq_ci(n, alt))))
			return i;
		i++;
	}
	return -1;
}

static const char *cell_str(const cJSON *row, int i)
{
	const char *s = cJSON_GetStringValue(cJSON_GetArrayItem(row, i));
	return s ? s : "";
}

static int on_costs(void *ctx, const cJSON *props, struct err *e)
{
	struct cost_query *q = ctx;
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(props, "columns");
	int cost = column(cols, "Cost", "PreTaxCost");
	int qty = column(cols, "UsageQuantity", NULL);
	int res = column(cols, "ResourceId", NULL);
	int meter = column(cols, "Meter", NULL);
	int cur = column(cols, "Currency", "BillingCurrency");
	const cJSON *row;

	if (cost < 0 || qty < 0 || res < 0 || meter < 0 || cur < 0)
		return err_set(e, EXIT_UNAVAILABLE,
			       "Cost Management query of subscription %s: the "
			       "answer lacks a column (Cost, UsageQuantity, "
			       "ResourceId, Meter, Currency)",
			       q->sub);
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(props,
								 "rows")) {
		struct cost_row r = { q->date, cell_str(row, res),
				      q->category, cell_str(row, meter),
				      cell_str(row, cur), 0, 0 };
		const cJSON *c = cJSON_GetArrayItem(row, cost);
		const cJSON *n = cJSON_GetArrayItem(row, qty);

		if (!cJSON_IsNumber(c) || !cJSON_IsNumber(n))
			return err_set(e, EXIT_UNAVAILABLE,
				       "Cost Management query of subscription "
				       "%s: a row without a number in Cost or "
				       "UsageQuantity",
				       q->sub);
		r.cost = c->valuedouble;
		r.qty = n->valuedouble;
		if (bill_meter_of(r.meter_category, r.meter) < 0 ||
		    (*q->category == 'B' ? !of_exported_vault(q->x,
							       r.resource_id)
					 : !str_contains_ci(r.resource_id,
							    "/resourceGroups/"
							    "AzureBackupRG")))
			continue;
		snapbuild_cost(q->x->b, &r);
	}
	return 0;
}

static int on_costs_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	struct cost_query *q = ctx;
	char key[160], b[96];

	if (r->status == 200 || r->status == 204) {
		snapbuild_want_costs(q->x->b);
		return 0;
	}
	if (!ex_is_denial(r->status) && r->status != 404)
		return ex_unexpected("query Cost Management", r->status,
				     r->code, e);
	q->x->denied += ex_is_denial(r->status);
	snprintf(key, sizeof(key), "costs:%s", q->sub);
	ex_warn(q->x, key,
		"subscription %s: cannot read its costs from Cost Management "
		"(%s; Cost Management Reader is needed): costs.csv lacks them",
		q->sub, ex_why(r->status, r->code, b));
	return 0;
}

/* Whether any exported vault is in subscription sub. */
static bool has_vault(const struct ex *x, const char *sub)
{
	for (size_t v = 0; v < x->nvaults; v++)
		if (str_eq_ci(x->vaults[v]->av.v.subscription_id, sub))
			return true;
	return false;
}

static int query(struct ex *x, const char *sub, int k, const char *date,
		 const char *from, const char *to, struct err *e)
{
	struct cost_query *q = ex_own(x, xcalloc(1, sizeof(*q)));
	struct arm_list_spec spec = { 0 };
	char *path = xasprintf("/subscriptions/%s/providers/"
			       "Microsoft.CostManagement/query",
			       sub);
	char *url = arm_url(&x->arm, path, ARM_API_COSTMANAGEMENT, NULL);
	char *body = xasprintf(
		"{\"type\":\"ActualCost\",\"timeframe\":\"Custom\","
		"\"timePeriod\":{\"from\":\"%s\",\"to\":\"%s\"},\"dataset\":{"
		AGGREGATE ",\"filter\":{\"and\":[" IS("MeterCategory", "%s")
		",%s]}}}",
		from, to, queries[k].category, queries[k].terms);
	int rc;

	q->x = x;
	q->sub = sub;
	q->category = queries[k].category;
	q->date = date;
	spec.url = url;
	spec.what = "query Cost Management";
	spec.item = on_costs;
	spec.end = on_costs_end;
	spec.ctx = q;
	rc = arm_query(&x->arm, &spec, body, e);
	free(body);
	free(url);
	free(path);
	return rc;
}

int ex_costs_start(struct ex *x, struct err *e)
{
	struct civil c;
	int64_t start, end;
	char from[TIME_ISO_LEN], to[TIME_ISO_LEN];
	const char *date;

	if (!x->o->costs)
		return 0;
	time_to_civil(x->as_of, &c);
	end = time_from_civil(c.year, c.month, 1, 0, 0, 0);
	start = c.month == 1 ? time_from_civil(c.year - 1, 12, 1, 0, 0, 0)
			     : time_from_civil(c.year, c.month - 1, 1, 0, 0,
					       0);
	time_format_iso(start, from);
	time_format_iso(end - 1, to);
	from[10] = '\0';
	date = ex_pooled(x, from);
	time_format_iso(start, from);
	for (size_t i = 0; i < x->nsubs; i++) {
		if (!has_vault(x, x->subs[i].id))
			continue;
		for (int k = 0; k < (int)ARRAY_SIZE(queries); k++)
			if (query(x, x->subs[i].id, k, date, from, to, e))
				return -1;
	}
	return 0;
}
