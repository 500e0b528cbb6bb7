/* SPDX-License-Identifier: MIT
 * export_int.h: what export.c (subscriptions, vault lists, the run) and
 * export_vault.c (everything inside one vault) share: the pipeline's
 * state and its helpers. Internal to the exporter; nothing else includes
 * it. Never prints. */
#ifndef VW_EXPORT_INT_H
#define VW_EXPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/azure/arm.h"
#include "optimizer/azure/arm_parse.h"
#include "optimizer/azure/auth.h"
#include "optimizer/azure/cloud.h"
#include "optimizer/export/export.h"
#include "optimizer/azure/http.h"
#include "optimizer/export/itemsize.h"
#include "optimizer/snapshot/manifest.h"
#include "optimizer/snapshot/snapbuild.h"
#include "optimizer/base/strpool.h"

struct ex;

/* A subscription: exported ones, and every one seen (for tenants). */
struct ex_sub {
	const char *id, *tenant;
};

/* A protected item; its points are buffered while they are listed. */
struct ex_item {
	struct ex_vault *v;
	struct arm_item ai;
	const struct policy *policy;
	struct rp *rps;
	size_t n, alloc;
	struct strpool pool;       /* the points' strings, while listing */
	unsigned rec_pages;        /* recommended-for-move pages read */
};

/* A vault being read: everything it needs until its rows are written. */
struct ex_vault {
	struct ex *ex;
	struct arm_vault av;
	const char *what;          /* "vault NAME" for messages */
	unsigned pending;          /* calls still outstanding */
	struct arm_proxy proxy;
	bool has_proxy;
	struct guard guard;
	bool has_guard;
	const char *guard_sub;
	struct policy *policies;
	size_t npolicies, apolicies;
	struct ex_item **items;
	size_t nitems, aitems;
	struct arm_job *jobs;
	size_t njobs, ajobs;
	struct strmap job_ids;
	struct strpool jpool;      /* job strings until the vault is done */
};

/* What the Tags API answered for one source resource, shared by the
 * items backing it up (the databases of one VM): asked once, the items
 * listed meanwhile wait for the answer. */
struct src_tags {
	bool done;
	long status;
	const char *code, *tags;
	struct ex_item **waiting;
	size_t nwaiting, awaiting;
};

/* A manifest warning; repeats of its key only count. */
struct warning {
	char key[160];
	char *text;
	size_t count;
};

/* The whole export. */
struct ex {
	const struct export_options *o;
	struct cloud cloud;
	struct auth *auth;
	struct http_client *http;
	struct arm arm;
	struct snapbuild *b;
	struct manifest m;
	struct strpool pool;
	struct sizes_file *sizes;
	int64_t as_of;
	struct ex_sub *subs;       /* exported */
	size_t nsubs, asubs;
	struct ex_sub *known;      /* every subscription seen, for tenants */
	size_t nknown, aknown;
	struct ex_vault **vaults;
	size_t nvaults, avaults, vaults_done;
	size_t items, items_done;
	uint64_t points, jobs;
	unsigned denied;
	struct warning *warns;
	size_t nwarns, awarns;
	void **owned;              /* callback contexts, freed at the end */
	size_t nowned, aowned;
	bool sub_list_denied;
	struct src_tags **srcs;    /* source resources whose tags were asked */
	size_t nsrcs, asrcs;
	struct strmap src_ids;     /* lowercased ARM id -> index in srcs */
	struct job *prev_jobs;     /* --since: ended jobs of that snapshot */
	size_t nprev_jobs, aprev_jobs;
	struct strmap prev_job_ids; /* "vault_id/job_id" -> prev_jobs index */
	unsigned long reused;      /* job details taken from it */
};

/* Records a warning for the manifest; the same key again only counts. */
void ex_warn(struct ex *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "HTTP 403 AuthorizationFailed" into buf. */
const char *ex_why(long status, const char *code, char buf[96]);
bool ex_is_denial(long status);
/* A status the export cannot go on after (69, or 75 for 429). */
int ex_unexpected(const char *what, long status, const char *code,
		  struct err *e);
const char *ex_pooled(struct ex *x, const char *s);
/* p, freed with the export (callback contexts outlive a failed run). */
void *ex_own(struct ex *x, void *p);
/* A place among what the export frees, for an array that grows (and so
 * moves): ex_own_at puts its latest address there. */
size_t ex_own_slot(struct ex *x);
void *ex_own_at(struct ex *x, size_t slot, void *p);
/* Tenants of the subscriptions seen so far (NULL: unknown). */
const char *ex_known_tenant(const struct ex *x, const char *sub);
void ex_add_known(struct ex *x, const char *sub, const char *tenant);
/* Whether --vault (a glob, any case) selects a vault of this name. */
bool ex_vault_selected(const struct ex *x, const char *name);

/* export_vault.c: a vault read with GET starts its parts here; its rows
 * go to the builder when its last outstanding call ends. */
int ex_vault_start(struct ex_vault *v, struct err *e);
int ex_vault_step(struct ex_vault *v, struct err *e);
void ex_vault_warn(struct ex_vault *v, const char *part, long status,
		   const char *code, const char *consequence);
void ex_vault_free(struct ex_vault *v);

/* export_costs.c: with --costs, once every vault is read, queries Cost
 * Management for the month before the as-of into the builder's costs. */
int ex_costs_start(struct ex *x, struct err *e);
/* export_graph.c: the vault's restore and backup jobs by one Resource
 * Graph query (--inventory resource-graph); rows and end as a listing's. */
int ex_graph_jobs(struct ex_vault *v, arm_item_fn row, arm_end_fn end,
		  struct err *e);

/* export_since.c: the ended jobs of the --since snapshot; whether a
 * listed job's details could be taken from them (then j has them). */
int ex_since_load(struct ex *x, const char *dir, struct err *e);
bool ex_since_details(struct ex *x, const char *vault_id, struct job *j);

/* export_bv.c: lists the subscription's Backup vaults and reads each
 * one's Resource Guard mapping, policies and instances. */
int ex_bv_list(struct ex *x, const struct ex_sub *sub, struct err *e);

#endif
