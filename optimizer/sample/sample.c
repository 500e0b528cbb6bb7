/* SPDX-License-Identifier: MIT
 * sample.c: the sample estate's layout (tenant, subscriptions, vaults and
 * their protections, Resource Guards, policies), the restore hazard, and
 * sample_write, which streams it all into a snapshot through
 * snapshot_writer. Items are made in sample_items.c, each item's history
 * in sample_history.c. Called by cmd_sample.c and the tests; never
 * prints, never reads the clock. */
#include "optimizer/sample/sample_internal.h"

#include <ctype.h>
#include <math.h>

#include <gsl/gsl_randist.h>

#include "optimizer/snapshot/manifest.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

/* modeling.md's prototype used B = 2e-5, K = 0.02; with the coverage
 * weights (a monthly point counts 30, a yearly one 365) those give
 * thousands of restores a year in a 240-item estate. These give about a
 * hundred, and a K/B ratio that keeps the power-law part visible for
 * about 100 days, so that a fit recovers p and B. */
static const struct sample_hazard default_hazard = { 4e-7, 2e-4, 1, 1.3 };

void sample_options_init(struct sample_options *o)
{
	o->seed = ESTATE_DEFAULT_SEED;
	o->vaults = ESTATE_DEFAULT_VAULTS;
	o->items = ESTATE_DEFAULT_ITEMS;
	o->as_of = time_from_civil(2026, 11, 1, 0, 0, 0);
	o->hazard = default_hazard;
}

int sample_hazard_parse(const char *s, struct sample_hazard *out)
{
	const char *parts[5];
	char *copy;
	size_t n = str_split(s, ',', &copy, parts, ARRAY_SIZE(parts));
	struct sample_hazard h;
	int rc = -1;

	/* Bounded so that a typo cannot ask for billions of restores. */
	if (n == 4 && !parse_double(parts[0], 0, 0.01, &h.B) &&
	    !parse_double(parts[1], 0, 1, &h.K) &&
	    !parse_double(parts[2], 1e-6, 1000, &h.c) &&
	    !parse_double(parts[3], 1e-3, 5, &h.p)) {
		*out = h;
		rc = 0;
	}
	free(copy);
	return rc;
}

double sample_hazard_rate(const struct sample_hazard *h, double age_days)
{
	return h->B + h->K * pow(age_days + h->c, -h->p);
}

double sample_hazard_cumulative(const struct sample_hazard *h,
				double age_days)
{
	double q = 1 - h->p;
	double l = log1p(age_days / h->c);
	/* K (c^q - (a+c)^q) / (p-1), written to stay exact near p = 1. */
	double shape = q == 0 ? l : pow(h->c, q) * expm1(q * l) / q;

	return h->B * age_days + h->K * shape;
}

char *sample_generator_string(const struct sample_options *o)
{
	char when[TIME_ISO_LEN];

	time_format_iso(o->as_of, when);
	return xasprintf("sample seed=%lu vaults=%ld items=%ld "
			 "hazard=B:%g,K:%g,c:%g,p:%g as_of=%s",
			 o->seed, o->vaults, o->items, o->hazard.B,
			 o->hazard.K, o->hazard.c, o->hazard.p, when);
}

static const struct {
	const char *name;
	int offset_s;
} zones[] = {
	{ "UTC", 0 },
	{ "GMT Standard Time", 0 },
	{ "W. Europe Standard Time", 3600 },
	{ "Pacific Standard Time", -8 * 3600 },
};

int sample_zone_offset(const char *time_zone, int *offset_s)
{
	for (size_t i = 0; i < ARRAY_SIZE(zones); i++)
		if (strcmp(zones[i].name, time_zone) == 0) {
			*offset_s = zones[i].offset_s;
			return 0;
		}
	return -1;
}

void sample_guid(gsl_rng *r, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	char *o = out;

	for (int i = 0; i < 16; i += 4) {
		unsigned long v = gsl_rng_get(r);
		for (int k = 0; k < 4; k++)
			b[i + k] = (unsigned char)(v >> (8 * k));
	}
	b[6] = (unsigned char)(0x40 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	/* By hand: a job id per backup run, millions in a large estate. */
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
}

/* ---- policy templates ---- */

struct policy_tpl {
	const char *name;
	int workload, type, freq;
	int interval_h;
	const char *window_start;
	int window_hours;
	const char *run_times, *run_days, *time_zone;
	int irp, daily, weekly, monthly, yearly;
	int tiering, tier_after_days;
	int log_min, log_keep;
	const char *diff_days;
	int diff_keep;
	int max_age_days; /* oldest protection start of its items */
};

#define WEU "W. Europe Standard Time"
#define GMT "GMT Standard Time"
#define PST "Pacific Standard Time"

enum {
	T_DEFAULT, T_STD_LTR, T_STD_10Y, T_STD_SHORT, T_STD_WEEKLY, T_STD_180,
	T_STD_90, T_STD_1Y,
	T_ENH_DEFAULT, T_ENH_4H12, T_ENH_NIGHT, T_ENH_DAILY_LTR, T_ENH_6H,
	T_ENH_8H, T_ENH_12H, T_ENH_WEEKLY, T_ENH_7Y, T_SQL_DEFAULT,
	T_SQL_WEEKLY_LTR, T_SQL_WEEKLY_12M, T_HANA_DAILY, T_HANA_WEEKLY,
	T_FILES_DAILY, T_FILES_2X, T_COUNT
};

static const struct policy_tpl templates[T_COUNT] = {
	[T_DEFAULT] = { "DefaultPolicy", WL_VM, PT_STANDARD, FREQ_DAILY, 0,
			"", 0, "22:30", "", "UTC", 2, 30, 0, 0, 0, TM_NONE, 0,
			0, 0, "", 0, 2190 },
	[T_STD_LTR] = { "VM-Daily-12M", WL_VM, PT_STANDARD, FREQ_DAILY, 0, "",
			0, "23:00", "", WEU, 2, 30, 12, 12, 0, TM_NONE, 0, 0,
			0, "", 0, 2190 },
	[T_STD_10Y] = { "VM-Compliance-10Y", WL_VM, PT_STANDARD, FREQ_DAILY,
			0, "", 0, "21:00", "", GMT, 5, 7, 4, 60, 10, TM_NONE,
			0, 0, 0, "", 0, 2190 },
	[T_STD_SHORT] = { "DevTest-14d", WL_VM, PT_STANDARD, FREQ_DAILY, 0, "",
			  0, "19:00", "", "UTC", 1, 14, 4, 0, 0, TM_NONE, 0, 0,
			  0, "", 0, 1095 },
	[T_STD_WEEKLY] = { "VM-Weekly-Sunday", WL_VM, PT_STANDARD,
			   FREQ_WEEKLY, 0, "", 0, "02:00", "Sunday", "UTC", 5,
			   0, 26, 12, 0, TM_NONE, 0, 0, 0, "", 0, 1825 },
	[T_STD_180] = { "VM-Daily-180d", WL_VM, PT_STANDARD, FREQ_DAILY, 0,
			"", 0, "20:00", "", PST, 2, 180, 0, 0, 0, TM_NONE, 0,
			0, 0, "", 0, 1460 },
	[T_STD_90] = { "VM-Daily-90d", WL_VM, PT_STANDARD, FREQ_DAILY, 0, "",
		       0, "21:30", "", WEU, 3, 90, 8, 12, 0, TM_NONE, 0, 0, 0,
		       "", 0, 2190 },
	[T_STD_1Y] = { "VM-Daily-1Y", WL_VM, PT_STANDARD, FREQ_DAILY, 0, "", 0,
		       "20:30", "", WEU, 2, 365, 0, 0, 7, TM_NONE, 0, 0, 0,
		       "", 0, 2190 },
	[T_ENH_DEFAULT] = { "EnhancedPolicy", WL_VM, PT_ENHANCED,
			    FREQ_HOURLY, 4, "08:00", 24, "", "", "UTC", 7, 30,
			    0, 0, 0, TM_NONE, 0, 0, 0, "", 0, 1000 },
	[T_ENH_4H12] = { "VM-Enhanced-4h-Business", WL_VM, PT_ENHANCED,
			 FREQ_HOURLY, 4, "08:00", 12, "", "", WEU, 7, 30, 12,
			 12, 0, TM_TIERRECOMMENDED, 0, 0, 0, "", 0, 1000 },
	[T_ENH_NIGHT] = { "VM-Enhanced-Night", WL_VM, PT_ENHANCED,
			  FREQ_HOURLY, 4, "20:00", 12, "", "", GMT, 5, 14, 8,
			  6, 0, TM_DONOTTIER, 0, 0, 0, "", 0, 1000 },
	[T_ENH_DAILY_LTR] = { "VM-Enhanced-Daily-5Y", WL_VM, PT_ENHANCED,
			      FREQ_DAILY, 0, "", 0, "01:00", "", WEU, 7, 60,
			      12, 60, 5, TM_TIERAFTER, 90, 0, 0, "", 0,
			      1200 },
	[T_ENH_6H] = { "VM-Enhanced-6h", WL_VM, PT_ENHANCED, FREQ_HOURLY, 6,
		       "08:00", 24, "", "", "UTC", 3, 30, 12, 24, 0,
		       TM_TIERAFTER, 120, 0, 0, "", 0, 1000 },
	[T_ENH_8H] = { "VM-Enhanced-8h", WL_VM, PT_ENHANCED, FREQ_HOURLY, 8,
		       "08:00", 24, "", "", WEU, 5, 30, 12, 12, 0,
		       TM_TIERRECOMMENDED, 0, 0, 0, "", 0, 1000 },
	[T_ENH_12H] = { "VM-Enhanced-12h", WL_VM, PT_ENHANCED, FREQ_HOURLY,
			12, "08:00", 24, "", "", PST, 10, 60, 0, 0, 0,
			TM_NONE, 0, 0, 0, "", 0, 1000 },
	[T_ENH_WEEKLY] = { "VM-Enhanced-Weekly", WL_VM, PT_ENHANCED,
			   FREQ_WEEKLY, 0, "", 0, "03:00", "Saturday", GMT, 7,
			   0, 52, 24, 0, TM_TIERAFTER, 90, 0, 0, "", 0,
			   1000 },
	[T_ENH_7Y] = { "VM-Enhanced-Compliance-7Y", WL_VM, PT_ENHANCED,
		       FREQ_DAILY, 0, "", 0, "23:00", "", "UTC", 5, 30, 12, 84,
		       7, TM_TIERAFTER, 180, 0, 0, "", 0, 1300 },
	[T_SQL_DEFAULT] = { "HourlyLogBackup", WL_SQL, PT_STANDARD,
			    FREQ_DAILY, 0, "", 0, "20:00", "", "UTC", 0, 30,
			    0, 0, 0, TM_NONE, 0, 60, 30, "", 0, 1460 },
	[T_SQL_WEEKLY_LTR] = { "SQL-WeeklyFull-3Y", WL_SQL, PT_STANDARD,
			       FREQ_WEEKLY, 0, "", 0, "01:00", "Sunday", WEU,
			       0, 0, 52, 36, 0, TM_TIERAFTER, 60, 15, 14,
			       "Tuesday;Thursday;Saturday", 30, 1825 },
	[T_SQL_WEEKLY_12M] = { "SQL-Weekly-12M", WL_SQL, PT_STANDARD,
			       FREQ_WEEKLY, 0, "", 0, "02:00", "Sunday", GMT,
			       0, 0, 26, 12, 0, TM_NONE, 0, 30, 15,
			       "Wednesday", 14, 1460 },
	[T_HANA_DAILY] = { "HANA-Daily-30d", WL_HANA, PT_STANDARD, FREQ_DAILY,
			   0, "", 0, "23:00", "", "UTC", 0, 30, 0, 0, 0,
			   TM_DONOTTIER, 0, 15, 15, "", 0, 1460 },
	[T_HANA_WEEKLY] = { "HANA-Weekly-5Y", WL_HANA, PT_STANDARD,
			    FREQ_WEEKLY, 0, "", 0, "22:00", "Saturday", WEU,
			    0, 0, 26, 24, 5, TM_TIERAFTER, 90, 15, 21,
			    "Tuesday;Thursday", 14, 1460 },
	[T_FILES_DAILY] = { "FileShare-Daily", WL_FILES, PT_STANDARD,
			    FREQ_DAILY, 0, "", 0, "02:00", "", "UTC", 5, 30,
			    12, 0, 0, TM_NONE, 0, 0, 0, "", 0, 700 },
	[T_FILES_2X] = { "FileShare-TwiceDaily", WL_FILES, PT_STANDARD,
			 FREQ_DAILY, 0, "", 0, "07:00;19:00", "", WEU, 7, 14,
			 4, 0, 0, TM_NONE, 0, 0, 0, "", 0, 700 },
};

/* ---- vault profiles ---- */

enum { G_NONE, G_SAME_SUB, G_OTHER_SUB, G_OTHER_TENANT };

/* Critical operations a Resource Guard can protect (azure-backup.md
 * section 1.8); only OP_FIRST_EXCLUDABLE..OP_LAST_EXCLUDABLE may be
 * excluded. */
static const char *const critical_ops[] = {
	"Microsoft.RecoveryServices/vaults/backupconfig/write",
	"Microsoft.RecoveryServices/vaults/backupResourceGuardProxies/delete",
	"Microsoft.RecoveryServices/vaults/backupPolicies/write",
	"Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/"
	"protectedItems/write",
	"Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/"
	"protectedItems/delete",
	"Microsoft.RecoveryServices/vaults/backupSecurityPIN/action",
	"Microsoft.RecoveryServices/vaults/write#reduceImmutabilityState",
	"Microsoft.RecoveryServices/vaults/write#modifyEncryptionSettings",
};
#define X_POLICIES (1u << 2)
#define X_ITEM_WRITE (1u << 3)
#define X_PIN (1u << 5)

/* Profiles 0 and 1 pass every audit rule; each rule fails on some other
 * profile (see sample.h). */
static const struct vault_profile profiles[] = {
	{ "prod", "westeurope", "weu", "prd", 0,
	  { "crm", "erp", "shop", "bi" }, RED_GRS, ON, IMM_LOCKED,
	  SD_ALWAYSON, 30, G_OTHER_SUB, 0, XSR_PERMANENTLY_DISABLED, OFF, ON,
	  ON, 30,
	  { { T_ENH_4H12, 2 }, { T_ENH_DAILY_LTR, 4 }, { T_ENH_6H, 1 },
	    { T_SQL_WEEKLY_LTR, 3 }, { T_SQL_DEFAULT, 1 } },
	  1 },
	{ "prod", "northeurope", "neu", "prd", 0,
	  { "hr", "pay", "portal", "ad" }, RED_GRS, ON, IMM_LOCKED,
	  SD_ALWAYSON, 60, G_OTHER_SUB, 0, XSR_DISABLED, OFF, ON, ON, 26,
	  { { T_ENH_8H, 2 }, { T_ENH_7Y, 3 }, { T_HANA_WEEKLY, 2 },
	    { T_HANA_DAILY, 1 } },
	  1 },
	{ "sap-prd", "westeurope", "weu", "prd", 1,
	  { "s4h", "bw", "po", "solman" }, RED_ZRS, OFF, IMM_UNLOCKED,
	  SD_ENABLED, 14, G_SAME_SUB, X_PIN, XSR_ENABLED, OFF, ON, ON, 22,
	  { { T_HANA_WEEKLY, 3 }, { T_HANA_DAILY, 1 },
	    { T_ENH_DAILY_LTR, 3 }, { T_SQL_WEEKLY_12M, 1 } }, 0 },
	{ "legacy", "westeurope", "weu", "prd", 0,
	  { "intranet", "mail", "file", "erp" }, RED_LRS, OFF, IMM_DISABLED,
	  SD_DISABLED, 14, G_NONE, 0, XSR_ENABLED, ON, OFF, OFF, 34,
	  { { T_STD_LTR, 2 }, { T_STD_10Y, 2 }, { T_STD_180, 4 },
	    { T_STD_90, 3 }, { T_DEFAULT, 1 } }, 0 },
	{ "dev", "uksouth", "uks", "dev", 2,
	  { "crm", "shop", "api", "build" }, RED_LRS, OFF, IMM_DISABLED,
	  SD_ENABLED, 14, G_NONE, 0, XSR_ENABLED, ON, OFF, ON, 12,
	  { { T_STD_SHORT, 4 }, { T_DEFAULT, 2 }, { T_ENH_DEFAULT, 1 } }, 0 },
	{ "prod", "uksouth", "uks", "prd", 1,
	  { "web", "api", "cms", "search" }, RED_GRS, OFF, IMM_UNLOCKED,
	  SD_ALWAYSON, 14, G_OTHER_TENANT, 0, XSR_DISABLED, OFF, OFF, ON, 20,
	  { { T_ENH_NIGHT, 2 }, { T_ENH_WEEKLY, 1 }, { T_SQL_DEFAULT, 1 },
	    { T_ENH_7Y, 2 } }, 0 },
	{ "prod", "eastus", "eus", "prd", 1,
	  { "crm", "order", "ship", "edi" }, RED_GRS, ON, IMM_LOCKED,
	  SD_ENABLED, 14, G_OTHER_SUB, X_ITEM_WRITE, XSR_DISABLED, ON, ON, ON,
	  18,
	  { { T_STD_180, 5 }, { T_ENH_12H, 2 }, { T_SQL_WEEKLY_LTR, 2 } }, 0 },
	{ "data", "eastus2", "eus2", "prd", 1,
	  { "dwh", "etl", "report", "ml" }, RED_ZRS, OFF, IMM_UNLOCKED,
	  SD_ALWAYSON, 90, G_NONE, 0, XSR_ENABLED, OFF, OFF, OFF, 16,
	  { { T_SQL_DEFAULT, 1 }, { T_SQL_WEEKLY_12M, 2 },
	    { T_STD_WEEKLY, 1 }, { T_STD_90, 3 } }, 0 },
	{ "files", "westeurope", "weu", "prd", 0,
	  { "finance", "hr", "scan", "share" }, RED_GRS, OFF, IMM_DISABLED,
	  SD_ENABLED, 14, G_NONE, 0, XSR_ENABLED, ON, OFF, ON, 12,
	  { { T_FILES_DAILY, 2 }, { T_FILES_2X, 2 }, { T_STD_90, 2 } }, 0 },
	{ "finance", "northeurope", "neu", "prd", 0,
	  { "ledger", "tax", "treasury", "audit" }, RED_GRS, ON, IMM_LOCKED,
	  SD_ALWAYSON, 180, G_SAME_SUB, X_POLICIES | X_PIN, XSR_DISABLED, OFF,
	  ON, ON, 18,
	  { { T_STD_10Y, 2 }, { T_STD_1Y, 3 }, { T_ENH_7Y, 2 } }, 0 },
	{ "dr", "eastus2", "eus2", "dr", 2, { "dc", "jump", "mon", "dns" },
	  RED_LRS, OFF, IMM_UNLOCKED, SD_ENABLED, 30, G_NONE, 0,
	  XSR_PERMANENTLY_DISABLED, OFF, OFF, ON, 12,
	  { { T_ENH_DEFAULT, 1 }, { T_STD_180, 4 } }, 0 },
	{ "test", "westeurope", "weu", "tst", 2,
	  { "qa", "perf", "uat", "lab" }, RED_GRS, OFF, IMM_DISABLED,
	  SD_DISABLED, 14, G_NONE, 0, XSR_ENABLED, ON, OFF, OFF, 6,
	  { { T_STD_SHORT, 3 }, { T_DEFAULT, 2 } }, 0 },
};
#define NPROFILES ARRAY_SIZE(profiles)

static const char *pooled(struct estate *es, const char *s)
{
	return strpool_dup(&es->pool, s);
}

static const char *pooledf(struct estate *es, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *pooledf(struct estate *es, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	s = pooled(es, sb.buf);
	strbuf_release(&sb);
	return s;
}

static void make_tenancy(struct estate *es)
{
	gsl_rng *r = es->x.rng;

	sample_guid(r, es->tenant);
	for (int i = 0; i < 4; i++)
		sample_guid(r, es->subs[i]);
	sample_guid(r, es->foreign_tenant);
	sample_guid(r, es->foreign_sub);
}

/* ---- vaults and guards ---- */

static const char *guard_id(struct estate *es, const struct gen_vault *gv,
			    const char **sub, const char **tenant)
{
	const struct vault_profile *pf = gv->prof;

	*tenant = es->tenant;
	switch (pf->guard) {
	case G_SAME_SUB:
		*sub = gv->v.subscription_id;
		return pooledf(es,
			       "/subscriptions/%s/resourceGroups/%s/providers/"
			       "Microsoft.DataProtection/resourceGuards/"
			       "guard-%s-%s",
			       *sub, gv->v.resource_group, pf->name,
			       pf->region);
	case G_OTHER_SUB:
		*sub = es->subs[3];
		return pooledf(es,
			       "/subscriptions/%s/resourceGroups/"
			       "rg-security-guards-%s/providers/"
			       "Microsoft.DataProtection/resourceGuards/"
			       "guard-backup-%s",
			       *sub, pf->region, pf->region);
	default:
		*sub = es->foreign_sub;
		*tenant = es->foreign_tenant;
		return pooledf(es,
			       "/subscriptions/%s/resourceGroups/"
			       "rg-msp-backup-guards/providers/"
			       "Microsoft.DataProtection/resourceGuards/"
			       "msp-guard-%s",
			       *sub, pf->region);
	}
}

static void put_guard(struct estate *es, struct gen_vault *gv)
{
	struct strbuf prot = STRBUF_INIT, excl = STRBUF_INIT;
	struct guard g;

	g.vault_id = gv->v.vault_id;
	g.resource_guard_id = guard_id(es, gv, &g.guard_subscription_id,
				       &g.guard_tenant_id);
	for (size_t i = 0; i < ARRAY_SIZE(critical_ops); i++) {
		struct strbuf *sb = (gv->prof->excluded & (1u << i)) ? &excl
								    : &prot;
		if (sb->len)
			strbuf_addch(sb, ';');
		strbuf_adds(sb, critical_ops[i]);
	}
	g.protected_operations = prot.buf;
	g.excluded_operations = excl.buf;
	gv->v.resource_guard_id = g.resource_guard_id;
	snapshot_put_guard(&es->x.sw, &g);
	es->x.stats.guards++;
	strbuf_release(&prot);
	strbuf_release(&excl);
}

static void make_vault(struct estate *es, long index)
{
	struct gen_vault *gv = &es->vaults[index];
	const struct vault_profile *pf = &profiles[index % NPROFILES];
	struct vault *v = &gv->v;
	char id[SNAPSHOT_ID_LEN];
	long cycle = index / (long)NPROFILES + 1;

	memset(gv, 0, sizeof(*gv));
	gv->prof = pf;
	v->subscription_id = es->subs[pf->sub];
	v->tenant_id = es->tenant;
	v->resource_group = pooledf(es, "rg-backup-%s-%s", pf->name,
				    pf->region);
	v->vault_name = pooledf(es, "rsv-%s-%s-%02ld", pf->name,
				pf->region, cycle);
	v->location = pf->location;
	gv->arm_id = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
			       "Microsoft.RecoveryServices/vaults/%s",
			       v->subscription_id, v->resource_group,
			       v->vault_name);
	snapshot_make_id(id, 'v', gv->arm_id);
	v->vault_id = pooled(es, id);
	v->redundancy = pf->redundancy;
	v->cross_region_restore = pf->crr;
	v->immutability = pf->immutability;
	v->soft_delete = pf->soft_delete;
	v->soft_delete_days = pf->soft_delete_days;
	v->mua = pf->guard == G_NONE ? OFF : ON;
	v->resource_guard_id = "";
	v->cross_subscription_restore = pf->xsr;
	v->public_network_access = pf->pna;
	v->cmk = pf->cmk;
	v->job_failure_alerts = pf->alerts;
	v->tags = pooledf(es, "env=%s", pf->env);
	if (v->mua == ON)
		put_guard(es, gv);
	snapshot_put_vault(&es->x.sw, v);
	es->x.stats.vaults++;
}

/* ---- policies ---- */

/* Minutes after midnight of "HH:MM"; 0 for anything else (an exported
 * policy aged by `sample --from` may leave a time empty). */
static int clock_minutes(const char *hhmm)
{
	for (int i = 0; i < 5; i++)
		if (i == 2 ? hhmm[i] != ':' : !isdigit((unsigned char)hhmm[i]))
			return 0;
	return (hhmm[0] - '0') * 600 + (hhmm[1] - '0') * 60 +
	       (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

static unsigned day_mask(const char *days, int *first)
{
	static const char *const names[] = { "Sunday",	 "Monday",
					     "Tuesday",	 "Wednesday",
					     "Thursday", "Friday",
					     "Saturday" };
	unsigned mask = 0;

	*first = -1;
	for (int d = 0; d < 7; d++)
		if (strstr(days, names[d])) {
			mask |= 1u << d;
			if (*first < 0)
				*first = d;
		}
	return mask;
}

void sample_decode_policy(struct gen_policy *gp)
{
	const struct policy *p = &gp->p;
	int first;

	int step = p->hourly_interval_h > 0 ? p->hourly_interval_h : 24;

	if (sample_zone_offset(p->time_zone, &gp->offset_s))
		gp->offset_s = 0;
	gp->nruns = 0;
	if (p->frequency == FREQ_HOURLY) {
		int start = clock_minutes(p->window_start);
		for (int h = 0; h <= p->window_hours && h < 24 &&
				gp->nruns < ESTATE_MAX_RUNS;
		     h += step)
			gp->run_min[gp->nruns++] = start + h * 60;
		/* Local clock order within the day: wrap past midnight. */
		for (int i = 0; i < gp->nruns; i++)
			gp->run_min[i] %= 24 * 60;
		for (int i = 1; i < gp->nruns; i++)
			for (int k = i; k > 0 &&
					gp->run_min[k - 1] > gp->run_min[k];
			     k--) {
				int t = gp->run_min[k];
				gp->run_min[k] = gp->run_min[k - 1];
				gp->run_min[k - 1] = t;
			}
	} else {
		for (const char *s = p->run_times; strlen(s) >= 5 &&
						   gp->nruns < ESTATE_MAX_RUNS;
		     s += s[5] ? 6 : 5)
			gp->run_min[gp->nruns++] = clock_minutes(s);
	}
	gp->run_days = p->frequency == FREQ_WEEKLY
			       ? day_mask(p->run_days, &first)
			       : 0x7f;
	gp->ret_wday = p->frequency == FREQ_WEEKLY ? first : 0;
	gp->diff_days = day_mask(p->diff_run_days, &first);
}

static void make_policy(struct estate *es, struct gen_vault *gv,
			const struct policy_tpl *t)
{
	struct gen_policy *gp = &es->policies[es->npolicies++];
	struct policy *p = &gp->p;
	char id[SNAPSHOT_ID_LEN];

	memset(gp, 0, sizeof(*gp));
	p->arm_id = pooledf(es, "%s/backupPolicies/%s", gv->arm_id,
			    t->name);
	snapshot_make_id(id, 'p', p->arm_id);
	p->policy_id = pooled(es, id);
	p->vault_id = gv->v.vault_id;
	p->policy_name = t->name;
	p->workload = t->workload;
	p->policy_type = t->type;
	p->frequency = t->freq;
	p->hourly_interval_h = t->interval_h;
	p->window_start = t->window_start;
	p->window_hours = t->window_hours;
	p->run_times = t->run_times;
	p->run_days = t->run_days;
	p->time_zone = t->time_zone;
	p->instant_rp_days = t->irp;
	p->daily_keep_days = t->daily;
	p->weekly_keep_weeks = t->weekly;
	p->monthly_keep_months = t->monthly;
	p->yearly_keep_years = t->yearly;
	p->tiering_mode = t->tiering;
	p->tier_after_days = t->tier_after_days;
	p->log_interval_min = t->log_min;
	p->log_keep_days = t->log_keep;
	p->diff_run_days = t->diff_days;
	p->diff_keep_days = t->diff_keep;
	gp->max_age_days = t->max_age_days;
	sample_decode_policy(gp);
	snapshot_put_policy(&es->x.sw, p);
	es->x.stats.policies++;
}

static void make_policies(struct estate *es, struct gen_vault *gv)
{
	gv->pol_first = es->npolicies;
	for (int i = 0; i < ESTATE_MAX_VAULT_POLICIES &&
			gv->prof->policies[i].weight;
	     i++)
		make_policy(es, gv, &templates[gv->prof->policies[i].tpl]);
	gv->npol = es->npolicies - gv->pol_first;
}

/* ---- the whole estate ---- */

static void fill_manifest(struct estate *es, struct manifest *m)
{
	manifest_init(m);
	m->source = xstrdup("sample");
	m->tenant_id = xstrdup(es->tenant);
	for (int i = 0; i < 4; i++)
		manifest_add_subscription(m, es->subs[i]);
	m->exported_at = es->x.as_of;
	m->restore_jobs_from = es->x.restore_from;
	m->backup_jobs_from = es->x.backup_from;
	m->generator = sample_generator_string(es->x.o);
}

static void sample_release(struct estate *es)
{
	for (long i = 0; es->vaults && i < es->x.o->vaults; i++)
		free(es->vaults[i].arm_id);
	free(es->vaults);
	free(es->policies);
	strpool_release(&es->pool);
	sample_history_free(es->x.h);
	gsl_rng_free(es->x.rng);
	gsl_rng_free(es->x.restore_rng);
}

int sample_write(const struct sample_options *o, const char *dir,
		 struct sample_stats *stats, struct err *e)
{
	struct estate es;
	struct manifest m;
	int rc;

	memset(&es, 0, sizeof(es));
	if (o->vaults < 1 || o->items < 1)
		return err_set(e, EXIT_USAGE,
			       "an estate needs at least one vault and item");
	es.x.o = o;
	es.x.as_of = o->as_of;
	es.x.restore_from = o->as_of - (int64_t)ESTATE_RESTORE_DAYS * DAY_S;
	es.x.backup_from = o->as_of - (int64_t)ESTATE_BACKUP_DAYS * DAY_S;
	es.x.resume_at = TIME_NONE;
	es.x.drills_left = ESTATE_MAX_DRILLS;
	if (snapshot_writer_begin(&es.x.sw, dir, e))
		return -1;
	es.x.rng = gsl_rng_alloc(gsl_rng_mt19937);
	es.x.restore_rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(es.x.rng, o->seed);
	gsl_rng_set(es.x.restore_rng, o->seed ^ 0x5eed5eedUL);
	es.x.h = sample_history_new();
	es.vaults = xcalloc((size_t)o->vaults, sizeof(*es.vaults));
	es.policies = xcalloc((size_t)o->vaults * ESTATE_MAX_VAULT_POLICIES,
			      sizeof(*es.policies));
	make_tenancy(&es);
	for (long i = 0; i < o->vaults; i++) {
		make_vault(&es, i);
		make_policies(&es, &es.vaults[i]);
	}
	sample_share_items(&es);
	sample_reserve_lever_items(&es);
	for (long i = 0; i < o->vaults; i++)
		sample_make_items(&es, &es.vaults[i]);
	sample_make_backup_vaults(&es);
	sample_make_lever_items(&es);
	fill_manifest(&es, &m);
	rc = snapshot_writer_commit(&es.x.sw, &m, e);
	manifest_release(&m);
	if (stats)
		*stats = es.x.stats;
	sample_release(&es);
	return rc;
}
