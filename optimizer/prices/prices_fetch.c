/* SPDX-License-Identifier: MIT
 * retail.c: Azure Retail Prices API pages -> price sheet (see retail.h). */
#include "optimizer/prices/prices_fetch.h"

#include <string.h>

#include <curl/curl.h>

#include "optimizer/azure/arm_parse.h"
#include "optimizer/base/csvio.h"
#include "optimizer/azure/http.h"
#include "optimizer/base/util.h"

#define MAX_PAGES 1000

/* The price sheet's unit of each meter (data/prices/prices.csv). */
static const char *const sheet_units[M_COUNT] = {
	"1 GB/Month", "1 GB/Month", "1 GB/Month", "1 GB/Month",
	"1 GB/Month", "1 GB/Month",
	"1/Month per 500 GB", "1/Month per 500 GB", "1/Month per 500 GB",
	"1/Month per 500 GB",
	"1 GB", "1 GB",
	[M_PI_BLOB] = "1/Month", [M_PI_PGSQL] = "1/Month",
};

int retail_meter_of(const char *meter, const char *product)
{
	static const struct {
		const char *meter;
		int id;
	} exact[] = {
		{ "Standard LRS Data Stored", M_STD_LRS },
		{ "Standard ZRS Data Stored", M_STD_ZRS },
		{ "Standard GRS Data Stored", M_STD_GRS },
		{ "Standard RA-GRS Data Stored", M_STD_RAGRS },
		{ "Archive LRS Data Stored", M_ARC_LRS },
		{ "Archive GRS Data Stored", M_ARC_GRS },
		{ "Azure VM Protected Instance", M_PI_VM },
		{ "SQL Server in Azure VM Protected Instance", M_PI_SQL },
		{ "Azure Files Protected Instance", M_PI_FILES },
		{ "Azure Blob Protected Instance", M_PI_BLOB },
		{ "PostgreSQL Protected Instance", M_PI_PGSQL },
	};

	(void)product;
	if (!meter)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
		if (str_eq_ci(meter, exact[i].meter))
			return exact[i].id;
	if (str_contains_ci(meter, "HANA") &&
	    str_contains_ci(meter, "Protected Instance"))
		return M_PI_HANA;
	if (str_contains_ci(meter, "Rehydrat"))
		return str_contains_ci(meter, "High") ? M_REHYDRATE_HIGH
						  : M_REHYDRATE_STANDARD;
	return -1;
}

static double num(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* Whether candidate c should replace the row kept so far. */
static bool better(const struct retail_row *kept, const struct retail_row *c)
{
	if (!kept->found)
		return true;
	if ((c->tier_min == 0) != (kept->tier_min == 0))
		return c->tier_min == 0;
	if (c->primary != kept->primary)
		return c->primary;
	return strcmp(c->effective, kept->effective) > 0;
}

static void take_item(struct retail_sheet *s, const cJSON *it)
{
	const char *meter = arm_str(it, "meterName");
	const char *product = arm_str(it, "productName");
	const char *type = arm_str(it, "type");
	const char *region = arm_str(it, "armRegionName");
	const char *currency = arm_str(it, "currencyCode");
	const cJSON *primary = cJSON_GetObjectItemCaseSensitive(
		it, "isPrimaryMeterRegion");
	struct retail_row c = { 0 };
	int id;

	s->items_seen++;
	if (type && str_eq_ci(type, "Reservation")) {
		s->reservations_dropped++;
		return;
	}
	if (region && s->region[0] && !str_eq_ci(region, s->region))
		return;
	id = retail_meter_of(meter, product);
	if (id < 0 || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
			      it, "retailPrice")))
		return;
	c.found = true;
	c.price = num(it, "retailPrice", 0);
	c.tier_min = num(it, "tierMinimumUnits", 0);
	c.primary = !primary || cJSON_IsTrue(primary);
	strlcpy_vw(c.currency, currency ? currency : s->currency,
		   sizeof(c.currency));
	strlcpy_vw(c.unit, sheet_units[id], sizeof(c.unit));
	strlcpy_vw(c.effective, arm_str(it, "effectiveStartDate")
					? arm_str(it, "effectiveStartDate")
					: "",
		   sizeof(c.effective));
	snprintf(c.note, sizeof(c.note), "%s / %s", meter,
		 product ? product : "");
	if (better(&s->rows[id], &c))
		s->rows[id] = c;
}

int retail_add_page(struct retail_sheet *s, const cJSON *page,
		    const char **next)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "Items");
	const cJSON *it;
	const char *link = arm_str(page, "NextPageLink");

	if (!cJSON_IsArray(items))
		return -1;
	cJSON_ArrayForEach(it, items)
		take_item(s, it);
	*next = link && *link ? link : NULL;
	return 0;
}

static bool plain_word(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

char *retail_url(const char *endpoint, const char *region,
		 const char *currency, struct err *e)
{
	char *filter, *esc, *url;

	if (!plain_word(region, 40)) {
		err_set(e, EXIT_USAGE,
			"--region: expected an Azure region name such as "
			"westeurope, got '%s'",
			region);
		return NULL;
	}
	if (!plain_word(currency, 3) || strlen(currency) != 3) {
		err_set(e, EXIT_USAGE,
			"--currency: expected a three-letter code such as "
			"EUR, got '%s'",
			currency);
		return NULL;
	}
	filter = xasprintf("serviceName eq 'Backup' and armRegionName eq '%s' "
			   "and priceType eq 'Consumption'",
			   region);
	esc = curl_easy_escape(NULL, filter, 0);
	url = xasprintf("%s%scurrencyCode=%%27%s%%27&$filter=%s", endpoint,
			strchr(endpoint, '?') ? "&" : "?", currency, esc);
	curl_free(esc);
	free(filter);
	return url;
}

/* Reads one page into s; sets *next (caller frees) or NULL at the end. */
static int fetch_page(struct http_client *c, struct retail_sheet *s,
		      const struct cloud *cloud, const char *url, char **next,
		      struct err *e)
{
	struct http_request rq = { 0 };
	struct http_result r;
	const char *link = NULL;
	cJSON *page;
	int rc = 0;

	*next = NULL;
	rq.url = url;
	rq.what = "read the Azure Retail Prices API";
	if (http_fetch(c, &rq, &r, e))
		return -1;
	page = r.status == 200 ? cJSON_Parse(r.body) : NULL;
	if (!page || retail_add_page(s, page, &link))
		rc = err_set(e, EXIT_UNAVAILABLE,
			     "the Azure Retail Prices API answered %s: HTTP "
			     "%ld%s",
			     url, r.status,
			     r.status == 200 ? " with a body that is not a "
					       "price page"
					     : "");
	else if (link && !url_same_origin(link, cloud->prices))
		rc = err_set(e, EXIT_UNAVAILABLE,
			     "NextPageLink '%s' leaves %s; not followed", link,
			     cloud->prices);
	else if (link)
		*next = xstrdup(link);
	cJSON_Delete(page);
	http_result_release(&r);
	return rc;
}

int retail_fetch(struct retail_sheet *s, const struct cloud *cloud,
		 const char *region, const char *currency, struct err *e)
{
	struct http_config cfg;
	struct http_client *c;
	char *url = retail_url(cloud->prices, region, currency, e);
	int rc = 0, pages = 0;

	if (!url)
		return -1;
	memset(s, 0, sizeof(*s));
	strlcpy_vw(s->region, region, sizeof(s->region));
	strlcpy_vw(s->currency, currency, sizeof(s->currency));
	http_config_init(&cfg);
	cfg.ca_bundle = cloud->ca_bundle;
	c = http_client_new(&cfg, NULL);
	while (url && !rc) {
		char *next = NULL;
		if (++pages > MAX_PAGES)
			rc = err_set(e, EXIT_UNAVAILABLE,
				     "the Azure Retail Prices API gave more "
				     "than %d pages; stopped",
				     MAX_PAGES);
		else
			rc = fetch_page(c, s, cloud, url, &next, e);
		free(url);
		url = rc ? NULL : next;
	}
	free(url);
	http_client_free(c);
	return rc;
}

enum { C_REGION, C_CURRENCY, C_METER, C_UNIT, C_PRICE, C_SOURCE, C_DATE,
       C_QUALITY, C_NOTE, C_NCOLS };
static const struct csv_column sheet_cols[] = {
	{ "region", CSV_REQUIRED },	 { "currency", CSV_REQUIRED },
	{ "meter", CSV_REQUIRED },	 { "unit", CSV_REQUIRED },
	{ "price", CSV_REQUIRED },	 { "source", CSV_REQUIRED },
	{ "source_date", CSV_REQUIRED }, { "quality", CSV_REQUIRED },
	{ "note", 0 },
};
static const struct csv_schema sheet_schema = { "price sheet", sheet_cols,
						C_NCOLS };

int retail_write(const struct retail_sheet *s, const char *endpoint,
		 const char *source_date, const char *path, struct err *e)
{
	struct csv_writer *w = csv_writer_open(path, &sheet_schema, e);
	int n = 0;

	if (!w)
		return -1;
	for (int m = 0; m < M_COUNT; m++) {
		const struct retail_row *r = &s->rows[m];
		char price[32];

		if (!r->found)
			continue;
		snprintf(price, sizeof(price), "%.10g", r->price);
		csv_put(w, s->region);
		csv_put(w, r->currency);
		csv_put(w, meter_names[m]);
		csv_put(w, r->unit);
		csv_put(w, price);
		csv_putf(w, "Azure Retail Prices API %s", endpoint);
		csv_put(w, source_date);
		csv_put(w, "published");
		csv_put(w, r->note);
		csv_end_row(w);
		n++;
	}
	if (csv_writer_commit(w, NULL, e))
		return -1;
	return n;
}
