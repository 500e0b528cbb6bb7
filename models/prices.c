/* SPDX-License-Identifier: MIT
 * prices.c: loading the price sheet and choosing the prices for a vault. */
#include "prices.h"

#include <math.h>

#include "csvio.h"
#include "timeutil.h"
#include "util.h"

const char *const meter_names[M_COUNT] = {
	"standard_lrs", "standard_zrs", "standard_grs", "standard_ragrs",
	"archive_lrs", "archive_grs",
	"pi_vm", "pi_sql", "pi_hana", "pi_files",
	"rehydrate_standard", "rehydrate_high",
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

const struct price_row *prices_find(const struct price_sheet *ps,
				    const char *region, const char *currency,
				    int meter)
{
	const struct price_row *other = NULL;

	for (size_t i = 0; i < ps->n; i++) {
		const struct price_row *p = &ps->rows[i];
		if (p->meter != meter || !str_eq_ci(p->currency, currency))
			continue;
		if (str_eq_ci(p->region, region))
			return p;
		if (!other)
			other = p;
	}
	return other;
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

static bool region_priced(const struct price_sheet *ps, const char *region,
			  const char *currency)
{
	for (size_t i = 0; i < ps->n; i++)
		if (str_eq_ci(ps->rows[i].region, region) &&
		    str_eq_ci(ps->rows[i].currency, currency))
			return true;
	return false;
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

static int standard_meter_for(const struct vault *v)
{
	switch (v->redundancy) {
	case RED_LRS:
		return M_STD_LRS;
	case RED_ZRS:
		return M_STD_ZRS;
	default:
		/* Cross-region restore makes the secondary readable: RA-GRS. */
		return v->cross_region_restore == ON ? M_STD_RAGRS : M_STD_GRS;
	}
}

void rate_card_caveats(const struct rate_card *rc, const char *location,
		       bool with_rehydration, price_caveat_fn fn, void *ctx)
{
	const int used[] = { rc->standard_meter, rc->archive_meter,
			     M_REHYDRATE_STANDARD };
	size_t n = with_rehydration ? 3 : 2;
	char text[400];

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

int rate_card_for(struct rate_card *out, const struct price_sheet *ps,
		  const struct vault *v, const char *currency, struct err *e)
{
	static const int required[] = { M_PI_VM };

	memset(out, 0, sizeof(*out));
	out->currency = currency;
	for (int m = 0; m < M_COUNT; m++) {
		out->row[m] = prices_find(ps, v->location, currency, m);
		if (out->row[m] && !str_eq_ci(out->row[m]->region, v->location))
			out->fallback_region = true;
	}
	out->standard_meter = standard_meter_for(v);
	out->archive_meter = v->redundancy == RED_GRS ? M_ARC_GRS : M_ARC_LRS;
	if (!out->row[out->archive_meter])
		out->archive_meter = M_ARC_LRS;
	for (int i = 0; i < 2; i++) {
		int m = i ? out->archive_meter : out->standard_meter;
		if (!out->row[m])
			return err_set(e, EXIT_DATAERR,
				       "%s: no %s price in %s for any region "
				       "(vault '%s' in %s needs one)",
				       ps->path, meter_names[m], currency,
				       v->vault_name, v->location);
	}
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!out->row[required[i]])
			return err_set(e, EXIT_DATAERR,
				       "%s: no %s price in %s", ps->path,
				       meter_names[required[i]], currency);
	out->std_gb_month = out->row[out->standard_meter]->price;
	out->arc_gb_month = out->row[out->archive_meter]->price;
	for (int k = 0; k < 2; k++) {
		const struct price_row *r =
			out->row[k ? M_REHYDRATE_HIGH : M_REHYDRATE_STANDARD];
		out->rehydrate_gb[k] = r ? r->price : 0;
	}
	out->worst_quality = out->row[out->standard_meter]->quality;
	if (out->row[out->archive_meter]->quality > out->worst_quality)
		out->worst_quality = out->row[out->archive_meter]->quality;
	return 0;
}

static const struct price_row *pi_row(const struct rate_card *rc,
				      int workload)
{
	static const int meter_of[WL_COUNT] = { M_PI_VM, M_PI_SQL, M_PI_HANA,
						M_PI_FILES };
	const struct price_row *r = rc->row[meter_of[workload]];
	return r ? r : rc->row[M_PI_VM];
}

double pi_monthly_fee(const struct rate_card *rc, int workload,
		      double source_gb)
{
	double unit = pi_row(rc, workload)->price;

	if (source_gb <= 50)
		return unit / 2;
	return unit * ceil(source_gb / 500);
}
