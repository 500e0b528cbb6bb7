/* SPDX-License-Identifier: MIT
 * reason.h: why a recovery point moves or stays, as a stable code (plan.csv's
 * reason_code) and the sentence it stands for, its figures named by the
 * plan.csv columns that hold them (docs/outputs.md). A code whose sentence
 * says all there is with the row's columns leaves plan.csv's reason empty;
 * the others (and a row whose reason says more: a hold, Azure's set, the
 * early-deletion risk) keep the sentence composed for the row. */
#ifndef VW_REASON_H
#define VW_REASON_H

#include <stdbool.h>

enum reason_code {
	RC_NOT_ARCHIVABLE,    /* a kind Azure never archives */
	RC_ALREADY_ARCHIVE,
	RC_SNAPSHOT_ONLY,
	RC_RETENTION,         /* fewer than 180 days left at any move */
	RC_NOT_READY,         /* Azure says so, in its words */
	RC_DEPENDANTS,        /* daily and weekly points depend on it */
	RC_RTO_TARGET,        /* an RTO target keeps it in Standard */
	RC_BREAKEVEN,         /* moves: Archive pays after the restores */
	RC_BREAKEVEN_LATER,   /* and from when its dependants expire */
	RC_LOW_CHURN,         /* Archive's full copy costs more */
	RC_LOW_CHURN_SET,     /* even moved with its VM set */
	RC_RESTORE_RISK,      /* restore rate above Archive's until too late */
	RC_RESTORE_COST,      /* the expected restores eat the saving */
	RC_KEPT_AS_ASKED,     /* plan --moves none */
	RC_MOVED_AS_ASKED,    /* plan --moves all-eligible */
	RC_COUNT
};

struct reason_kind {
	const char *code;     /* plan.csv's reason_code */
	const char *sentence; /* {column} stands for that column's value */
	bool in_columns;      /* the sentence and the columns say it all */
};

extern const struct reason_kind reason_kinds[RC_COUNT];

#endif
