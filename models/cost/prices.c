/* SPDX-License-Identifier: MIT
 * prices.c: loading the price sheet and choosing the prices for a vault. */
#include "models/cost/prices.h"

#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const meter_names[M_COUNT] = {
	"standard_lrs", "standard_zrs", "standard_grs", "standard_ragrs",
	"archive_lrs", "archive_grs",
	"pi_vm", "pi_sql", "pi_hana", "pi_files",
	"rehydrate_standard", "rehydrate_high",
	"files_vaulted_lrs", "files_vaulted_grs",
	"snapshot_lrs", "snapshot_zrs",
	"reserved_100tb_1y", "reserved_100tb_3y", "reserved_1pb_1y",
	"reserved_1pb_3y",
	"pi_blob_vaulted", "pi_postgresql",
};
const char *const price_quality_names[PQ_COUNT] = {
	"published", "third-party", "estimate", "placeholder"
};

enum { C_REGION, C_CURRENCY, C_METER, C_UNIT, C_PRICE, C_SOURCE, C_DATE,
       C_QUALITY, C_NOTE, C_NCOLS };
static const struct csv_column price_cols[] = {
	{ "region", CSV_REQUIRED },   { "currency", CSV_REQUIRED },
	{ "meter", CSV_REQUIRED },    { "unit", CSV_REQUIRED },
	{ "price", CSV_REQUIRED },    { "source", CSV_REQUIRED },
	{ "source_date", CSV_REQUIRED }, { "quality", CSV_REQUIRED },
	{ "note", 0 },
};
static const struct csv_schema price_schema = { "prices", price_cols,
						C_NCOLS };

struct price_loader {
	struct price_sheet *ps;
	size_t alloc;
};

static int load_price(void *ctx, const struct csv_row *r, struct err *e)
{
	struct price_loader *l = ctx;
	struct price_row p = { 0 };
	const char *region, *currency, *unit, *source, *date;
	int64_t t;

	if (row_str(r, C_REGION, 0, &region, e) ||
	    row_str(r, C_CURRENCY, 0, &currency, e) ||
	    row_enum(r, C_METER, 0, meter_names, M_COUNT, &p.meter, e) ||
	    row_str(r, C_UNIT, 0, &unit, e) ||
	    row_double(r, C_PRICE, 0, 0, 1e6, &p.price, e) ||
	    row_str(r, C_SOURCE, 0, &source, e) ||
	    row_str(r, C_DATE, 0, &date, e) ||
	    row_enum(r, C_QUALITY, 0, price_quality_names, PQ_COUNT,
		     &p.quality, e))
		return -1;
	if (time_parse_iso(date, 1, &t))
		return row_error(r, C_DATE, e, "a date such as 2026-11-01");
	if (p.meter >= M_RESERVED_100T_1Y && p.meter <= M_RESERVED_1P_3Y &&
	    (p.price <= 0 || p.price > 1))
		return row_error(r, C_PRICE, e,
				 "a share of the pay-as-you-go rate, above 0 "
				 "and at most 1");
	if (strlen(currency) != 3)
		return row_error(r, C_CURRENCY, e,
				 "a three-letter ISO 4217 code such as EUR");
	for (size_t i = 0; i < l->ps->n; i++) {
		const struct price_row *o = &l->ps->rows[i];
		if (o->meter == p.meter && str_eq_ci(o->region, region) &&
		    str_eq_ci(o->currency, currency))
			return row_error(r, C_METER, e,
					 "one row per region, currency and "
					 "meter (this one repeats an earlier "
					 "row)");
	}
	p.region = xstrdup(region);
	p.currency = xstrdup(currency);
	p.unit = xstrdup(unit);
	p.source = xstrdup(source);
	p.source_date = xstrdup(date);
	p.note = xstrdup(r->val[C_NOTE]);
	p.line = r->line;
	l->ps->rows = grow_array(l->ps->rows, sizeof(p), l->ps->n + 1,
				 &l->alloc);
	l->ps->rows[l->ps->n++] = p;
	return 0;
}

int prices_load(struct price_sheet *ps, const char *path, struct err *e)
{
	struct price_loader l = { ps, 0 };

	memset(ps, 0, sizeof(*ps));
	ps->path = xstrdup(path);
	if (csv_read(path, &price_schema, load_price, &l, NULL, e)) {
		prices_release(ps);
		return -1;
	}
	if (ps->n == 0) {
		err_set(e, EXIT_DATAERR, "%s: no prices in the sheet", path);
		prices_release(ps);
		return -1;
	}
	return 0;
}

void prices_release(struct price_sheet *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		struct price_row *p = &ps->rows[i];
		free(p->region);
		free(p->currency);
		free(p->unit);
		free(p->source);
		free(p->source_date);
		free(p->note);
	}
	free(ps->rows);
	free(ps->path);
	memset(ps, 0, sizeof(*ps));
}

static bool region_priced(const struct price_sheet *ps, const char *region,
			  const char *currency)
{
	for (size_t i = 0; i < ps->n; i++)
		if (str_eq_ci(ps->rows[i].region, region) &&
		    str_eq_ci(ps->rows[i].currency, currency))
			return true;
	return false;
}

const struct price_row *prices_find(const struct price_sheet *ps,
				    const char *region, const char *currency,
				    int meter)
{
	const char *from = region;

	if (!region_priced(ps, region, currency)) {
		from = NULL;
		for (size_t i = 0; i < ps->n && !from; i++)
			if (str_eq_ci(ps->rows[i].currency, currency))
				from = ps->rows[i].region;
		if (!from)
			return NULL;
	}
	for (size_t i = 0; i < ps->n; i++) {
		const struct price_row *p = &ps->rows[i];
		if (p->meter == meter && str_eq_ci(p->currency, currency) &&
		    str_eq_ci(p->region, from))
			return p;
	}
	return NULL;
}

const char *prices_currency(const struct price_sheet *ps,
			    const char *currency)
{
	for (size_t i = 0; i < ps->n; i++)
		if (str_eq_ci(ps->rows[i].currency, currency))
			return ps->rows[i].currency;
	return NULL;
}

char *prices_currency_list(const struct price_sheet *ps)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < ps->n; i++) {
		const char *cur = ps->rows[i].currency;
		if (prices_currency(ps, cur) == cur)
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", cur);
	}
	return strbuf_detach(&sb);
}

const char *prices_default_currency(const struct price_sheet *ps,
				    const struct vault *vaults, size_t n)
{
	const char *best = ps->rows[0].currency;
	size_t best_count = 0;

	for (size_t i = 0; i < ps->n; i++) {
		const char *cur = ps->rows[i].currency;
		size_t count = 0;

		if (i && str_eq_ci(cur, ps->rows[i - 1].currency))
			continue;
		for (size_t v = 0; v < n; v++)
			count += region_priced(ps, vaults[v].location, cur);
		if (count > best_count) {
			best = cur;
			best_count = count;
		}
	}
	return best;
}

int standard_meter_of(int redundancy, int crr)
{
	switch (redundancy) {
	case RED_LRS:
		return M_STD_LRS;
	case RED_ZRS:
		return M_STD_ZRS;
	default:
		/* Cross-region restore makes the secondary readable: RA-GRS. */
		return crr == ON ? M_STD_RAGRS : M_STD_GRS;
	}
}

static int standard_meter_for(const struct vault *v)
{
	return standard_meter_of(v->redundancy, v->cross_region_restore);
}

/* Vaulted Azure Files has its own storage meters (domain-audit P7;
 * "Azure Files Vaulted LRS/GRS Data Stored" in the Azure Retail Prices
 * API). The sheet has LRS and GRS rows: a ZRS vault's shares are priced
 * at LRS, an RA-GRS one's at GRS. */
static int files_meter_for(const struct vault *v)
{
	return v->redundancy == RED_GRS ? M_FILES_VAULTED_GRS
					: M_FILES_VAULTED_LRS;
}

double std_price_of(const struct rate_card *rc, int workload)
{
	return workload == WL_FILES ? rc->files_gb_month : rc->std_gb_month;
}

void rate_card_caveats(const struct rate_card *rc, const char *location,
		       bool with_rehydration, price_caveat_fn fn, void *ctx)
{
	int used[4] = { rc->archive_meter };
	size_t n = 1;
	char text[400];

	/* a vault of file shares alone uses no Standard meter */
	if (rc->has_other || !rc->has_files)
		used[n++] = rc->standard_meter;
	if (rc->has_files)
		used[n++] = rc->files_meter;
	if (with_rehydration)
		used[n++] = M_REHYDRATE_STANDARD;
	for (size_t i = 0; i < n; i++) {
		const struct price_row *r = rc->row[used[i]];
		if (!r) {
			snprintf(text, sizeof(text),
				 "no %s price in %s for %s: taken as 0",
				 meter_names[used[i]], rc->currency, location);
			fn(ctx, text);
			continue;
		}
		if (!str_eq_ci(r->region, location)) {
			snprintf(text, sizeof(text),
				 "%s has no %s prices in the price sheet: "
				 "%s's are used for its vaults",
				 location, rc->currency, r->region);
			fn(ctx, text);
		}
		if (r->quality >= PQ_ESTIMATE) {
			snprintf(text, sizeof(text),
				 "the %s %s price for %s is %s %s (%s)",
				 r->region, r->currency, meter_names[r->meter],
				 r->quality == PQ_ESTIMATE ? "an" : "a",
				 price_quality_names[r->quality], r->note);
			fn(ctx, text);
		}
	}
}

static int missing_meter(const struct price_sheet *ps, const struct vault *v,
			 const char *currency, int meter, const char *why,
			 struct err *e)
{
	const struct price_row *any = prices_find(ps, v->location, currency,
						  M_STD_LRS);
	const char *region = any ? any->region : v->location;

	return err_set(e, EXIT_DATAERR,
		       "%s: region %s has no %s price in %s (vault '%s' in "
		       "%s needs it%s); add the row: another region's "
		       "price is never used for a region the sheet prices",
		       ps->path, region, meter_names[meter], currency,
		       v->vault_name, v->location, why);
}

int rate_card_for(struct rate_card *out, const struct price_sheet *ps,
		  const struct vault *v, const char *currency, struct err *e)
{
	int required[] = { 0, 0, M_PI_VM, M_REHYDRATE_STANDARD,
			   M_REHYDRATE_HIGH };

	memset(out, 0, sizeof(*out));
	out->currency = currency;
	out->fallback_region = !region_priced(ps, v->location, currency);
	for (int m = 0; m < M_COUNT; m++)
		out->row[m] = prices_find(ps, v->location, currency, m);
	out->standard_meter = standard_meter_for(v);
	out->archive_meter = v->redundancy == RED_GRS ? M_ARC_GRS : M_ARC_LRS;
	required[0] = out->standard_meter;
	required[1] = out->archive_meter;
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!out->row[required[i]])
			return missing_meter(ps, v, currency, required[i], "",
					     e);
	out->std_gb_month = out->row[out->standard_meter]->price;
	out->arc_gb_month = out->row[out->archive_meter]->price;
	for (int k = 0; k < 2; k++)
		out->rehydrate_gb_month[k] =
			out->row[k ? M_REHYDRATE_HIGH : M_REHYDRATE_STANDARD]
				->price;
	out->files_meter = files_meter_for(v);
	if (out->row[out->files_meter])
		out->files_gb_month = out->row[out->files_meter]->price;
	out->worst_quality = out->row[out->standard_meter]->quality;
	if (out->row[out->archive_meter]->quality > out->worst_quality)
		out->worst_quality = out->row[out->archive_meter]->quality;
	return 0;
}

int pi_meter(int workload)
{
	static const int meter_of[WL_COUNT] = { M_PI_VM, M_PI_SQL, M_PI_HANA,
						M_PI_FILES };
	return meter_of[workload];
}

double pi_unit_price(const struct rate_card *rc, int workload)
{
	return rc->pi_unit[workload] > 0 ? rc->pi_unit[workload]
					 : rc->row[pi_meter(workload)]->price;
}

double pi_monthly_fee(const struct rate_card *rc, int workload,
		      double source_gb)
{
	double unit = pi_unit_price(rc, workload);
	double scale = rc->pi_units_scale[workload];

	if (scale > 0)
		unit *= scale;
	if (source_gb <= 50)
		return unit / 2;
	return unit * ceil(source_gb / 500);
}

/* A vault protecting file shares has their meter among its storage
 * meters (caveats, worst quality). */
static void add_files(struct rate_card *rc)
{
	int q = rc->row[rc->files_meter]->quality;

	rc->has_files = true;
	if (q > rc->worst_quality)
		rc->worst_quality = q;
}

int rate_cards_for(struct rate_card *cards, const struct price_sheet *ps,
		   const struct snapshot *s, const char *currency,
		   struct err *e)
{
	for (size_t v = 0; v < s->nvaults; v++)
		if (rate_card_for(&cards[v], ps, &s->vaults[v], currency, e))
			return -1;
	for (size_t i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		const struct vault *v = &s->vaults[it->vault_idx];
		struct rate_card *rc = &cards[it->vault_idx];
		int m = pi_meter(it->workload);

		if (!rc->row[m])
			return missing_meter(ps, v, currency, m,
					     ": it protects that workload", e);
		if (it->workload != WL_FILES)
			rc->has_other = true;
		if (it->workload != WL_FILES || rc->has_files)
			continue;
		if (!rc->row[rc->files_meter])
			return missing_meter(ps, v, currency, rc->files_meter,
					     ": it protects file shares", e);
		add_files(rc);
	}
	return 0;
}

/* ---- protected instances ---- */

/* One SQL/HANA database and the instance it belongs to. */
struct pi_member {
	size_t item, vault;
	int workload;
	const char *key; /* the instance, in the item's ARM id */
	size_t len;
};

/* The instance of a database: its ARM id up to the instance field of the
 * protected item's name (".../protectionContainers/VMAppContainer;
 * Compute;rg;vm/protectedItems/SQLDataBase;mssqlserver"); without one,
 * the host VM (source_resource_id); without that, the item alone. */
static void instance_key(const struct item *it, struct pi_member *m)
{
	const char *p = strstr(it->arm_id, "/protectedItems/");
	const char *semi = p ? strchr(p, ';') : NULL;

	if (semi) {
		const char *end = strchr(semi + 1, ';');
		m->key = it->arm_id;
		m->len = end ? (size_t)(end - it->arm_id) : strlen(it->arm_id);
	} else if (it->source_resource_id[0]) {
		m->key = it->source_resource_id;
		m->len = strlen(m->key);
	} else {
		m->key = it->item_id;
		m->len = strlen(m->key);
	}
}

static int member_cmp(const void *a, const void *b)
{
	const struct pi_member *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->vault != y->vault)
		return x->vault < y->vault ? -1 : 1;
	if (x->workload != y->workload)
		return x->workload - y->workload;
	c = strncasecmp(x->key, y->key, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Members [a, b) form one instance: one fee on their total size, shared
 * in proportion to each database's size (equally when all are empty). */
static void instance_fee(const struct snapshot *s,
			 const struct rate_card *cards,
			 const struct pi_member *m, size_t a, size_t b,
			 double *fee)
{
	const struct item *first = &s->items[m[a].item];
	double total = 0, whole;

	for (size_t i = a; i < b; i++)
		total += s->items[m[i].item].source_gb;
	whole = pi_monthly_fee(&cards[first->vault_idx], first->workload,
			       total);
	for (size_t i = a; i < b; i++)
		fee[m[i].item] = total > 0
			? whole * s->items[m[i].item].source_gb / total
			: whole / (double)(b - a);
}

void pi_item_fees(const struct snapshot *s, const struct rate_card *cards,
		  double *fee)
{
	struct pi_member *m = xcalloc(s->nitems + 1, sizeof(*m));
	size_t n = 0;

	for (size_t i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		if (it->workload != WL_SQL && it->workload != WL_HANA) {
			fee[i] = pi_monthly_fee(&cards[it->vault_idx],
						it->workload, it->source_gb);
			continue;
		}
		m[n].item = i;
		m[n].vault = it->vault_idx;
		m[n].workload = it->workload;
		instance_key(it, &m[n++]);
	}
	qsort(m, n, sizeof(*m), member_cmp);
	for (size_t a = 0, b; a < n; a = b) {
		for (b = a + 1; b < n && member_cmp(&m[a], &m[b]) == 0; b++)
			;
		instance_fee(s, cards, m, a, b, fee);
	}
	free(m);
}
