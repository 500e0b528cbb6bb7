/* SPDX-License-Identifier: MIT
 * plan_meta.c: plan.json read back and checked (plan_meta.h). */
#include "optimizer/snapshot/plan_meta.h"

#include <cjson/cJSON.h>

#include "optimizer/base/jsonutil.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define PLAN_JSON_MAX (1u << 20)

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int field_error(const char *path, const char *key,
		       const char *expected, struct err *e)
{
	return err_set(e, EXIT_DATAERR, "%s: field '%s': expected %s", path,
		       key, expected);
}

int plan_meta_read(const char *dir, struct plan_meta *m, struct err *e)
{
	char *path = path_join(dir, PLAN_JSON);
	cJSON *o = json_read_object(path, PLAN_JSON_MAX, e);
	const char *as_of, *cur, *prices, *method;
	const cJSON *h;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (!o)
		goto done;
	as_of = json_str(o, "as_of");
	cur = json_str(o, "currency");
	prices = json_str(o, "prices");
	method = json_str(o, "method");
	h = cJSON_GetObjectItemCaseSensitive(o, "horizon_months");
	if (!as_of || time_parse_iso(as_of, 0, &m->as_of))
		field_error(path, "as_of", "an ISO 8601 UTC time", e);
	else if (!cur || strlen(cur) != 3)
		field_error(path, "currency", "a currency code", e);
	else if (!prices || !*prices)
		field_error(path, "prices", "the price sheet's path", e);
	else if (!cJSON_IsNumber(h) || h->valuedouble < 1 ||
		 h->valuedouble > PLAN_HORIZON_MAX)
		field_error(path, "horizon_months", "1 to 120", e);
	else
		rc = 0;
	if (rc == 0) {
		strlcpy_vw(m->currency, cur, sizeof(m->currency));
		m->prices = xstrdup(prices);
		m->horizon_months = (int)h->valuedouble;
		m->net_of_restores = method && (strcmp(method, "model") == 0 ||
						strcmp(method, "prior") == 0);
		if (json_str(o, "snapshot"))
			m->snapshot = xstrdup(json_str(o, "snapshot"));
	}
done:
	cJSON_Delete(o);
	free(path);
	return rc;
}

void plan_meta_release(struct plan_meta *m)
{
	free(m->prices);
	free(m->snapshot);
	m->prices = m->snapshot = NULL;
}
