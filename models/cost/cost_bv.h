/* SPDX-License-Identifier: MIT
 * cost_bv.h: what a Backup vault's instances (Microsoft.DataProtection)
 * cost a month at the price sheet's prices, and on what basis
 * (docs/backup-vaults.md "Cost"): vaulted blobs and PostgreSQL flexible
 * servers pay a protected-instance fee and the vault's storage; disk
 * snapshots and operational blob backup are billed by Managed Disks and
 * Storage with the source, not by Backup. The disks' incremental
 * snapshots are priced too, apart (snapshot_cost: part of what backup
 * costs, billed by Managed Disks). Pure: never prints. */
#ifndef VW_COST_BV_H
#define VW_COST_BV_H

#include <stdbool.h>

#include "models/cost/prices.h"
#include "optimizer/snapshot/snapshot.h"

enum bv_basis {
	BVB_VAULTED,      /* protected-instance fee + vault storage */
	BVB_OPERATIONAL,  /* blobs kept in the storage account */
	BVB_SNAPSHOTS,    /* incremental disk snapshots */
	BVB_NO_METER,     /* a datasource the sheet has no meter for */
	BVB_COUNT
};
extern const char *const bv_basis_names[BVB_COUNT];

/* Money in the sheet's currency per month, sizes in GiB. A part that
 * cannot be priced (no price row, no size) is NAN and note says why. */
struct bv_cost {
	int basis;            /* enum bv_basis */
	double pi_fee, vault_cost, archive_cost;
	double vault_gb, archive_gb;
	/* BVB_SNAPSHOTS: the disk's snapshot GiB at the Managed Disks
	 * incremental snapshot meter (snapshot_lrs); 0 on other bases */
	double snapshot_gb, snapshot_cost;
	bool complete;        /* every part the basis bills is priced */
	const struct price_row *pi_row, *std_row, *arc_row; /* NULL: none */
	const struct price_row *snap_row;
	char note[320];
};

/* The cost of instance bi of Backup vault v (policy p, NULL when none) in
 * currency. A vault in a region the sheet does not price takes the first
 * region's prices of that currency, and note says so. */
void bv_instance_cost(struct bv_cost *out, const struct price_sheet *ps,
		      const char *currency, const struct bvault *v,
		      const struct binstance *bi, const struct bpolicy *p);

/* The parts Backup bills that are priced, summed (0 when none is): the
 * disks' snapshot_cost, a Managed Disks charge, is not in it. */
double bv_cost_total(const struct bv_cost *c);

/* What a disk's incremental snapshots hold, GiB: the oldest kept is a
 * full copy of the disk's used size, each later one what changed since
 * the one before (churn_fraction of the interval, models/cost/sizes.h);
 * snapshots kept: at least 1. The estimate for an instance whose export
 * gives no snapshot size. */
double bv_disk_snapshot_gb(double disk_gb, double daily_churn,
			   double interval_days, int snapshots);

#endif
