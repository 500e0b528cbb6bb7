/* SPDX-License-Identifier: MIT
 * cost_bv.h: what a Backup vault's instances (Microsoft.DataProtection)
 * cost a month at the price sheet's prices, and on what basis
 * (docs/backup-vaults.md "Cost"): vaulted blobs and PostgreSQL flexible
 * servers pay a protected-instance fee and the vault's storage; disk
 * snapshots and operational blob backup are billed by Managed Disks and
 * Storage with the source, not by Backup. Pure: never prints. */
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
	bool complete;        /* every part the basis bills is priced */
	const struct price_row *pi_row, *std_row, *arc_row; /* NULL: none */
	char note[320];
};

/* The cost of instance bi of Backup vault v (policy p, NULL when none) in
 * currency. A vault in a region the sheet does not price takes the first
 * region's prices of that currency, and note says so. */
void bv_instance_cost(struct bv_cost *out, const struct price_sheet *ps,
		      const char *currency, const struct bvault *v,
		      const struct binstance *bi, const struct bpolicy *p);

/* The parts that are priced, summed (0 when none is). */
double bv_cost_total(const struct bv_cost *c);

#endif
