/* SPDX-License-Identifier: MIT
 * cost_bv.c: the monthly cost of Backup-vault instances (cost_bv.h).
 * Sources: disk-backup-overview.md and blob-backup-overview.md
 * ("Pricing", MicrosoftDocs/azure-docs) for what Backup does not bill;
 * the price sheet's rows for what it does. */
#include "models/cost/cost_bv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "models/cost/sizes.h"
#include "optimizer/base/util.h"

const char *const bv_basis_names[BVB_COUNT] = {
	"vaulted", "operational", "disk_snapshots", "no_meter"
};

static void note_add(struct bv_cost *c, const char *text)
{
	size_t n = strlen(c->note);

	snprintf(c->note + n, sizeof(c->note) - n, "%s%s", n ? "; " : "",
		 text);
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* The basis of an instance and, when vaulted, its fee's meter. */
static int basis_of(const struct binstance *bi, const struct bpolicy *p,
		    int *meter)
{
	const char *ds = bi->datasource_type;

	if (str_eq_ci(ds, "Microsoft.Compute/disks"))
		return BVB_SNAPSHOTS;
	if (has_prefix_ci(ds, "Microsoft.DBforPostgreSQL/flexibleServers")) {
		*meter = M_PI_PGSQL;
		return BVB_VAULTED;
	}
	if (!has_prefix_ci(ds, "Microsoft.Storage/storageAccounts"))
		return BVB_NO_METER;
	*meter = M_PI_BLOB;
	/* Without a policy, vaulted data left in the vault still counts. */
	if (p ? str_contains_ci(p->data_stores, "VaultStore")
	      : bi->vault_gb > 0 || bi->archive_gb > 0)
		return BVB_VAULTED;
	return BVB_OPERATIONAL;
}

/* A price row for v's region, saying when it is missing, another
 * region's, or not a published or third-party figure. */
static const struct price_row *find_row(struct bv_cost *c,
					const struct price_sheet *ps,
					const char *currency,
					const struct bvault *v, int meter,
					const char *what)
{
	const struct price_row *r = prices_find(ps, v->location, currency,
						meter);
	char text[200];

	if (!r) {
		snprintf(text, sizeof(text),
			 "no %s price in %s for %s: %s left out",
			 meter_names[meter], currency, v->location, what);
		note_add(c, text);
		c->complete = false;
		return NULL;
	}
	if (!str_eq_ci(r->region, v->location)) {
		snprintf(text, sizeof(text), "%s priced with %s's %s prices",
			 meter_names[meter], r->region, currency);
		note_add(c, text);
	}
	if (r->quality >= PQ_ESTIMATE) {
		snprintf(text, sizeof(text), "the %s price is %s %s",
			 meter_names[meter],
			 r->quality == PQ_ESTIMATE ? "an" : "a",
			 price_quality_names[r->quality]);
		note_add(c, text);
	}
	return r;
}

/* GiB x the row's price; NAN without either. */
static double storage_cost(struct bv_cost *c, const struct price_sheet *ps,
			   const char *currency, const struct bvault *v,
			   int meter, double gb, const struct price_row **row)
{
	*row = NULL;
	if (isnan(gb) || gb == 0)
		return isnan(gb) ? NAN : 0;
	*row = find_row(c, ps, currency, v, meter, "its storage");
	return *row ? gb * (*row)->price : NAN;
}

static void vaulted_cost(struct bv_cost *c, const struct price_sheet *ps,
			 const char *currency, const struct bvault *v,
			 int meter)
{
	int std = standard_meter_of(v->redundancy, v->cross_region_restore);
	int arc = v->redundancy == RED_GRS ? M_ARC_GRS : M_ARC_LRS;

	/* One fee per instance a month, whatever its size (no size band is
	 * published for these meters). */
	c->pi_row = find_row(c, ps, currency, v, meter,
			     "the protected-instance fee");
	c->pi_fee = c->pi_row ? c->pi_row->price : NAN;
	if (isnan(c->vault_gb) || isnan(c->archive_gb)) {
		note_add(c, "vault-store size not known (Azure reports none "
			    "for a backup instance): storage left out");
		c->complete = false;
	}
	c->vault_cost = storage_cost(c, ps, currency, v, std, c->vault_gb,
				     &c->std_row);
	c->archive_cost = storage_cost(c, ps, currency, v, arc,
				       c->archive_gb, &c->arc_row);
}

/* A disk's snapshots at the Managed Disks incremental snapshot meter:
 * Azure keeps them on Standard HDD, LRS, whatever the disk's type
 * (disk-backup-overview.md, "How the backup and restore process
 * works"). */
static void snapshot_cost(struct bv_cost *c, const struct price_sheet *ps,
			  const char *currency, const struct bvault *v,
			  const struct binstance *bi)
{
	c->snapshot_gb = bi->snapshot_gb;
	if (isnan(bi->snapshot_gb)) {
		note_add(c, "snapshot size not known: the Managed Disks "
			    "snapshot charge left out");
		c->snapshot_cost = NAN;
		return;
	}
	c->snapshot_cost = storage_cost(c, ps, currency, v, M_SNAPSHOT_LRS,
					bi->snapshot_gb, &c->snap_row);
}

void bv_instance_cost(struct bv_cost *out, const struct price_sheet *ps,
		      const char *currency, const struct bvault *v,
		      const struct binstance *bi, const struct bpolicy *p)
{
	int meter = -1;
	char text[200];

	memset(out, 0, sizeof(*out));
	out->basis = basis_of(bi, p, &meter);
	out->vault_gb = bi->vault_gb;
	out->archive_gb = bi->archive_gb;
	out->complete = true;
	switch (out->basis) {
	case BVB_VAULTED:
		vaulted_cost(out, ps, currency, v, meter);
		break;
	case BVB_OPERATIONAL:
		note_add(out, "operational backup: kept in the storage "
			      "account (versions, soft delete, change feed) "
			      "and billed by Storage with it; no Backup fee");
		break;
	case BVB_SNAPSHOTS:
		note_add(out, "incremental disk snapshots in the snapshot "
			      "resource group, billed by Managed Disks; no "
			      "protected-instance fee or backup storage");
		snapshot_cost(out, ps, currency, v, bi);
		break;
	default:
		snprintf(text, sizeof(text),
			 "no price-sheet meter for %s: not priced",
			 bi->datasource_type);
		note_add(out, text);
		out->pi_fee = out->vault_cost = out->archive_cost = NAN;
		out->complete = false;
	}
}

double bv_disk_snapshot_gb(double disk_gb, double daily_churn,
			   double interval_days, int snapshots)
{
	int later = snapshots > 1 ? snapshots - 1 : 0;

	return disk_gb *
	       (1 + later * churn_fraction(daily_churn, interval_days));
}

double bv_cost_total(const struct bv_cost *c)
{
	const double parts[] = { c->pi_fee, c->vault_cost, c->archive_cost };
	double sum = 0;

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (!isnan(parts[i]))
			sum += parts[i];
	return sum;
}
