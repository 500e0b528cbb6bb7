/* SPDX-License-Identifier: MIT
 * snapbuild.c: collect rows in any order, spool points and jobs, write the
 * snapshot in canonical order (see snapbuild.h). */
#include "optimizer/snapshot/snapbuild.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optimizer/base/strpool.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct range {
	int64_t off;     /* -1: none */
	uint32_t n;
};

struct bitem {
	struct item it;
	struct range rps, jobs;
};

struct expiry_fix {
	const char *item_id;         /* the item's own (kept) id */
	int64_t lo, hi, expiry;
};

struct snapbuild {
	struct strpool pool;
	struct strmap vault_ids, policy_ids, item_ids;
	struct vault *vaults;
	struct policy *policies;
	struct bitem *items;
	struct guard *guards;
	struct job *vjobs;           /* jobs of no item */
	struct bv_tables bv;         /* Backup vaults (snapshot_bv.h) */
	struct bv_history bvh;       /* their points and jobs */
	struct strmap bv_ids;        /* their vault, policy, instance ids */
	size_t abvaults, abpolicies, abinstances, abrps, abjobs;
	struct expiry_fix *fixes;    /* snapbuild_rp_expiry */
	size_t nfixes, afixes;
	size_t nvaults, npolicies, nitems, nguards, nvjobs;
	size_t avaults, apolicies, aitems, aguards, avjobs;
	FILE *spool;
	int64_t spool_end;
	uint64_t nrps, njobs;
	char *spool_path;            /* for messages */
	struct strpool scratch;      /* strings of records read back */
	struct cost_row *costs;      /* costs.csv, when wanted */
	size_t ncosts, acosts;
	bool want_costs;
};

static const char *keep(struct snapbuild *b, const char *s)
{
	return strpool_dup(&b->pool, s ? s : "");
}

/* qsort that takes an empty array (NULL) too. */
static void sort(void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static char *parent_dir(const char *path)
{
	char *p = xstrdup(path);
	size_t n = strlen(p);
	char *slash;

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	slash = strrchr(p, '/');
	if (!slash) {
		free(p);
		return xstrdup(".");
	}
	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	return p;
}

struct snapbuild *snapbuild_new(const char *out_path, struct err *e)
{
	struct snapbuild *b = xcalloc(1, sizeof(*b));
	char *dir = parent_dir(out_path);
	char *tmpl;
	int fd;

	if (mkdir_p(dir, e)) {
		free(dir);
		free(b);
		return NULL;
	}
	tmpl = path_join(dir, ".vaultwise-spool.XXXXXX");
	free(dir);
	fd = mkstemp(tmpl);
	if (fd < 0 || !(b->spool = fdopen(fd, "w+b"))) {
		err_errno(e, EXIT_CANTCREAT, "cannot create a spool file '%s'",
			  tmpl);
		if (fd >= 0)
			close(fd);
		free(tmpl);
		free(b);
		return NULL;
	}
	unlink(tmpl); /* anonymous from now on: gone at exit, whatever */
	b->spool_path = tmpl;
	return b;
}

void snapbuild_free(struct snapbuild *b)
{
	if (!b)
		return;
	if (b->spool)
		fclose(b->spool);
	strmap_release(&b->vault_ids);
	strmap_release(&b->policy_ids);
	strmap_release(&b->item_ids);
	strpool_release(&b->pool);
	strpool_release(&b->scratch);
	free(b->vaults);
	free(b->policies);
	free(b->items);
	free(b->guards);
	free(b->vjobs);
	snapshot_bv_release(&b->bv);
	snapshot_bv_history_release(&b->bvh);
	strmap_release(&b->bv_ids);
	free(b->fixes);
	free(b->costs);
	free(b->spool_path);
	free(b);
}

static int twice(struct err *e, const char *what, const char *id)
{
	return err_set(e, EXIT_DATAERR,
		       "%s '%s' appears twice (do the inputs overlap?)", what,
		       id);
}

int snapbuild_vault(struct snapbuild *b, const struct vault *v,
		    struct err *e)
{
	struct vault c = *v;

	c.vault_id = keep(b, v->vault_id);
	if (strmap_put(&b->vault_ids, c.vault_id, b->nvaults))
		return twice(e, "vault", v->vault_id);
	c.subscription_id = keep(b, v->subscription_id);
	c.resource_group = keep(b, v->resource_group);
	c.vault_name = keep(b, v->vault_name);
	c.location = keep(b, v->location);
	c.resource_guard_id = keep(b, v->resource_guard_id);
	c.tenant_id = keep(b, v->tenant_id);
	c.tags = keep(b, v->tags);
	b->vaults = grow_array(b->vaults, sizeof(c), b->nvaults + 1,
			       &b->avaults);
	b->vaults[b->nvaults++] = c;
	return 0;
}

int snapbuild_policy(struct snapbuild *b, const struct policy *p,
		     struct err *e)
{
	struct policy c = *p;

	c.policy_id = keep(b, p->policy_id);
	if (strmap_put(&b->policy_ids, c.policy_id, b->npolicies))
		return twice(e, "policy", p->policy_id);
	c.vault_id = keep(b, p->vault_id);
	c.policy_name = keep(b, p->policy_name);
	c.arm_id = keep(b, p->arm_id);
	c.window_start = keep(b, p->window_start);
	c.run_times = keep(b, p->run_times);
	c.run_days = keep(b, p->run_days);
	c.time_zone = keep(b, p->time_zone);
	c.diff_run_days = keep(b, p->diff_run_days);
	b->policies = grow_array(b->policies, sizeof(c), b->npolicies + 1,
				 &b->apolicies);
	b->policies[b->npolicies++] = c;
	return 0;
}

int snapbuild_item(struct snapbuild *b, const struct item *it,
		   struct err *e)
{
	struct bitem c = { *it, { -1, 0 }, { -1, 0 } };

	c.it.item_id = keep(b, it->item_id);
	if (strmap_put(&b->item_ids, c.it.item_id, b->nitems))
		return twice(e, "item", it->item_id);
	c.it.vault_id = keep(b, it->vault_id);
	c.it.policy_id = keep(b, it->policy_id);
	c.it.item_name = keep(b, it->item_name);
	c.it.protection_state = keep(b, it->protection_state);
	c.it.arm_id = keep(b, it->arm_id);
	c.it.source_resource_id = keep(b, it->source_resource_id);
	c.it.source_tags = keep(b, it->source_tags);
	b->items = grow_array(b->items, sizeof(c), b->nitems + 1, &b->aitems);
	b->items[b->nitems++] = c;
	return 0;
}

int snapbuild_guard(struct snapbuild *b, const struct guard *g,
		    struct err *e)
{
	struct guard c;

	(void)e;
	c.vault_id = keep(b, g->vault_id);
	c.resource_guard_id = keep(b, g->resource_guard_id);
	c.guard_subscription_id = keep(b, g->guard_subscription_id);
	c.guard_tenant_id = keep(b, g->guard_tenant_id);
	c.protected_operations = keep(b, g->protected_operations);
	c.excluded_operations = keep(b, g->excluded_operations);
	b->guards = grow_array(b->guards, sizeof(c), b->nguards + 1,
			       &b->aguards);
	b->guards[b->nguards++] = c;
	return 0;
}

int snapbuild_bvault(struct snapbuild *b, const struct bvault *v,
		     struct err *e)
{
	struct bvault c = *v;

	c.vault_id = keep(b, v->vault_id);
	if (strmap_put(&b->bv_ids, c.vault_id, 0))
		return twice(e, "Backup vault", v->vault_id);
	c.subscription_id = keep(b, v->subscription_id);
	c.resource_group = keep(b, v->resource_group);
	c.vault_name = keep(b, v->vault_name);
	c.location = keep(b, v->location);
	c.resource_guard_id = keep(b, v->resource_guard_id);
	c.tenant_id = keep(b, v->tenant_id);
	c.arm_id = keep(b, v->arm_id);
	b->bv.vaults = grow_array(b->bv.vaults, sizeof(c), b->bv.nvaults + 1,
				  &b->abvaults);
	b->bv.vaults[b->bv.nvaults++] = c;
	return 0;
}

int snapbuild_bpolicy(struct snapbuild *b, const struct bpolicy *p,
		      struct err *e)
{
	struct bpolicy c = *p;

	c.policy_id = keep(b, p->policy_id);
	if (strmap_put(&b->bv_ids, c.policy_id, 0))
		return twice(e, "Backup vault policy", p->policy_id);
	c.vault_id = keep(b, p->vault_id);
	c.policy_name = keep(b, p->policy_name);
	c.datasource_type = keep(b, p->datasource_type);
	c.schedule = keep(b, p->schedule);
	c.time_zone = keep(b, p->time_zone);
	c.data_stores = keep(b, p->data_stores);
	c.retention_rules = keep(b, p->retention_rules);
	c.arm_id = keep(b, p->arm_id);
	b->bv.policies = grow_array(b->bv.policies, sizeof(c),
				    b->bv.npolicies + 1, &b->abpolicies);
	b->bv.policies[b->bv.npolicies++] = c;
	return 0;
}

int snapbuild_binstance(struct snapbuild *b, const struct binstance *bi,
			struct err *e)
{
	struct binstance c = *bi;

	c.instance_id = keep(b, bi->instance_id);
	if (strmap_put(&b->bv_ids, c.instance_id, 0))
		return twice(e, "backup instance", bi->instance_id);
	c.vault_id = keep(b, bi->vault_id);
	c.policy_id = keep(b, bi->policy_id);
	c.instance_name = keep(b, bi->instance_name);
	c.datasource_type = keep(b, bi->datasource_type);
	c.protection_status = keep(b, bi->protection_status);
	c.source_resource_id = keep(b, bi->source_resource_id);
	c.arm_id = keep(b, bi->arm_id);
	b->bv.instances = grow_array(b->bv.instances, sizeof(c),
				     b->bv.ninstances + 1, &b->abinstances);
	b->bv.instances[b->bv.ninstances++] = c;
	return 0;
}

void snapbuild_brp(struct snapbuild *b, const struct brp *rp)
{
	struct brp c = *rp;

	c.rp_id = keep(b, rp->rp_id);
	c.instance_id = keep(b, rp->instance_id);
	c.rp_type = keep(b, rp->rp_type);
	c.data_stores = keep(b, rp->data_stores);
	b->bvh.rps = grow_array(b->bvh.rps, sizeof(c), b->bvh.nrps + 1,
				&b->abrps);
	b->bvh.rps[b->bvh.nrps++] = c;
}

void snapbuild_bjob(struct snapbuild *b, const struct bjob *j)
{
	struct bjob c = *j;

	c.job_id = keep(b, j->job_id);
	c.vault_id = keep(b, j->vault_id);
	c.instance_id = keep(b, j->instance_id);
	c.operation = keep(b, j->operation);
	c.category = keep(b, j->category);
	c.status = keep(b, j->status);
	c.datasource_type = keep(b, j->datasource_type);
	c.error_code = keep(b, j->error_code);
	b->bvh.jobs = grow_array(b->bvh.jobs, sizeof(c), b->bvh.njobs + 1,
				 &b->abjobs);
	b->bvh.jobs[b->bvh.njobs++] = c;
}

/* ---- spool records ---- */

static void put_bytes(FILE *f, const void *p, size_t n)
{
	fwrite(p, 1, n, f);
}

static void put_str(FILE *f, const char *s)
{
	uint32_t n = (uint32_t)strlen(s ? s : "");

	put_bytes(f, &n, sizeof(n));
	put_bytes(f, s ? s : "", n);
}

static void put_i64(FILE *f, int64_t v)
{
	put_bytes(f, &v, sizeof(v));
}

static void put_f64(FILE *f, double v)
{
	put_bytes(f, &v, sizeof(v));
}

static int get_bytes(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n ? 0 : -1;
}

static int get_str(struct snapbuild *b, const char **out)
{
	char small[256], *buf = small;
	uint32_t n;
	int rc;

	if (get_bytes(b->spool, &n, sizeof(n)))
		return -1;
	if (n >= sizeof(small))
		buf = xmalloc((size_t)n + 1);
	rc = get_bytes(b->spool, buf, n);
	buf[n] = '\0';
	*out = strpool_dup(&b->scratch, buf);
	if (buf != small)
		free(buf);
	return rc;
}

static int get_i64(FILE *f, int64_t *v)
{
	return get_bytes(f, v, sizeof(*v));
}

static int get_f64(FILE *f, double *v)
{
	return get_bytes(f, v, sizeof(*v));
}

static int spool_error(struct snapbuild *b, struct err *e)
{
	return err_errno(e, EXIT_IOERR, "spool file '%s'", b->spool_path);
}

/* Positions the spool for appending; returns the offset. */
static int append_at(struct snapbuild *b, int64_t *off, struct err *e)
{
	if (fseeko(b->spool, (off_t)b->spool_end, SEEK_SET))
		return spool_error(b, e);
	*off = b->spool_end;
	return 0;
}

static int appended(struct snapbuild *b, struct err *e)
{
	off_t end = ftello(b->spool);

	if (end < 0 || ferror(b->spool))
		return spool_error(b, e);
	b->spool_end = (int64_t)end;
	return 0;
}

static struct bitem *find_item(struct snapbuild *b, const char *id,
			       struct err *e)
{
	size_t i;

	if (strmap_get(&b->item_ids, id, &i)) {
		err_set(e, EXIT_SOFTWARE, "rows for unknown item '%s'", id);
		return NULL;
	}
	return &b->items[i];
}

int snapbuild_item_rps(struct snapbuild *b, const char *item_id,
		       const struct rp *rps, size_t n, struct err *e)
{
	struct bitem *bi = find_item(b, item_id, e);
	FILE *f = b->spool;

	if (!bi)
		return -1;
	if (bi->rps.off >= 0)
		return twice(e, "the recovery points of item", item_id);
	if (append_at(b, &bi->rps.off, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct rp *r = &rps[i];
		put_str(f, r->rp_id);
		put_str(f, r->move_info);
		put_i64(f, r->rp_time);
		put_i64(f, r->expiry_time);
		put_i64(f, r->kind);
		put_i64(f, r->tier);
		put_i64(f, r->move_ready);
		put_f64(f, r->unique_gb);
		put_f64(f, r->full_gb);
		put_i64(f, r->recommended);
	}
	bi->rps.n = (uint32_t)n;
	b->nrps += n;
	return appended(b, e);
}

int snapbuild_rp_expiry(struct snapbuild *b, const char *item_id,
			int64_t lo, int64_t hi, int64_t expiry,
			struct err *e)
{
	struct bitem *bi = find_item(b, item_id, e);
	struct expiry_fix *f;

	if (!bi)
		return -1;
	b->fixes = grow_array(b->fixes, sizeof(*b->fixes), b->nfixes + 1,
			      &b->afixes);
	f = &b->fixes[b->nfixes++];
	f->item_id = bi->it.item_id;
	f->lo = lo;
	f->hi = hi;
	f->expiry = expiry;
	return 0;
}

/* The fixes of r's item applied to r. */
static void fix_expiry(const struct snapbuild *b, struct rp *r)
{
	for (size_t k = 0; k < b->nfixes; k++) {
		const struct expiry_fix *f = &b->fixes[k];
		if (f->item_id == r->item_id && r->expiry_time == TIME_NONE &&
		    r->rp_time >= f->lo && r->rp_time <= f->hi &&
		    f->expiry > r->rp_time)
			r->expiry_time = f->expiry;
	}
}

static int read_rp(struct snapbuild *b, struct rp *r)
{
	int64_t kind, tier, ready, rec;
	FILE *f = b->spool;

	if (get_str(b, &r->rp_id) || get_str(b, &r->move_info) ||
	    get_i64(f, &r->rp_time) || get_i64(f, &r->expiry_time) ||
	    get_i64(f, &kind) || get_i64(f, &tier) || get_i64(f, &ready) ||
	    get_f64(f, &r->unique_gb) || get_f64(f, &r->full_gb) ||
	    get_i64(f, &rec))
		return -1;
	r->recommended = (int)rec;
	r->kind = (int)kind;
	r->tier = (int)tier;
	r->move_ready = (int)ready;
	return 0;
}

int snapbuild_item_rp_times(struct snapbuild *b, const char *item_id,
			    int64_t **times, size_t *n, struct err *e)
{
	struct bitem *bi = find_item(b, item_id, e);
	struct rp r;

	*times = NULL;
	*n = 0;
	if (!bi)
		return -1;
	if (bi->rps.off < 0 || !bi->rps.n)
		return 0;
	if (fflush(b->spool) || fseeko(b->spool, (off_t)bi->rps.off, SEEK_SET))
		return spool_error(b, e);
	*times = xcalloc(bi->rps.n, sizeof(int64_t));
	for (uint32_t i = 0; i < bi->rps.n; i++) {
		if (read_rp(b, &r)) {
			free(*times);
			*times = NULL;
			return spool_error(b, e);
		}
		(*times)[i] = r.rp_time;
	}
	*n = bi->rps.n;
	strpool_reset(&b->scratch);
	return 0;
}

static void put_job(FILE *f, const struct job *j)
{
	put_str(f, j->job_id);
	put_str(f, j->operation);
	put_str(f, j->status);
	put_str(f, j->source_tier);
	put_str(f, j->error_code);
	put_i64(f, j->start_time);
	put_i64(f, j->end_time);
	put_i64(f, j->rp_time);
	put_f64(f, j->duration_s);
	put_f64(f, j->data_gb);
}

static int read_job(struct snapbuild *b, struct job *j)
{
	FILE *f = b->spool;

	return get_str(b, &j->job_id) || get_str(b, &j->operation) ||
			       get_str(b, &j->status) ||
			       get_str(b, &j->source_tier) ||
			       get_str(b, &j->error_code) ||
			       get_i64(f, &j->start_time) ||
			       get_i64(f, &j->end_time) ||
			       get_i64(f, &j->rp_time) ||
			       get_f64(f, &j->duration_s) ||
			       get_f64(f, &j->data_gb)
		       ? -1
		       : 0;
}

static int by_item_id(const void *a, const void *b)
{
	const struct job *const *x = a, *const *y = b;
	int c = strcmp((*x)->item_id, (*y)->item_id);

	if (c)
		return c;
	return *x < *y ? -1 : *x > *y;
}

static void keep_vault_job(struct snapbuild *b, const struct job *j)
{
	struct job c = *j;

	c.job_id = keep(b, j->job_id);
	c.vault_id = keep(b, j->vault_id);
	c.item_id = "";
	c.operation = keep(b, j->operation);
	c.status = keep(b, j->status);
	c.source_tier = keep(b, j->source_tier);
	c.error_code = keep(b, j->error_code);
	b->vjobs = grow_array(b->vjobs, sizeof(c), b->nvjobs + 1, &b->avjobs);
	b->vjobs[b->nvjobs++] = c;
	b->njobs++;
}

int snapbuild_jobs(struct snapbuild *b, const struct job *jobs, size_t n,
		   struct err *e)
{
	const struct job **order = xcalloc(n ? n : 1, sizeof(*order));
	size_t k = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (jobs[i].item_id && jobs[i].item_id[0])
			order[k++] = &jobs[i];
		else
			keep_vault_job(b, &jobs[i]);
	}
	sort(order, k, sizeof(*order), by_item_id);
	for (size_t i = 0; i < k && !rc;) {
		struct bitem *bi = find_item(b, order[i]->item_id, e);
		size_t j = i;

		if (!bi) {
			rc = -1;
			break;
		}
		if (bi->jobs.off >= 0) {
			rc = twice(e, "the jobs of item", order[i]->item_id);
			break;
		}
		rc = append_at(b, &bi->jobs.off, e);
		for (; !rc && j < k &&
		       strcmp(order[j]->item_id, order[i]->item_id) == 0;
		     j++)
			put_job(b->spool, order[j]);
		bi->jobs.n = (uint32_t)(j - i);
		b->njobs += j - i;
		rc = rc ? rc : appended(b, e);
		i = j;
	}
	free(order);
	return rc;
}

void snapbuild_want_costs(struct snapbuild *b)
{
	b->want_costs = true;
}

void snapbuild_cost(struct snapbuild *b, const struct cost_row *r)
{
	struct cost_row *c;

	b->costs = grow_array(b->costs, sizeof(*b->costs), b->ncosts + 1,
			      &b->acosts);
	c = &b->costs[b->ncosts++];
	*c = *r;
	c->date = keep(b, r->date);
	c->resource_id = keep(b, r->resource_id);
	c->meter_category = keep(b, r->meter_category);
	c->meter = keep(b, r->meter);
	c->currency = keep(b, r->currency);
	b->want_costs = true;
}

void snapbuild_counts(const struct snapbuild *b, struct snapbuild_counts *c)
{
	c->costs = b->ncosts;
	c->vaults = b->nvaults;
	c->policies = b->npolicies;
	c->items = b->nitems;
	c->guards = b->nguards;
	c->rps = b->nrps;
	c->jobs = b->njobs;
	c->bvaults = b->bv.nvaults;
	c->bpolicies = b->bv.npolicies;
	c->binstances = b->bv.ninstances;
	c->brps = b->bvh.nrps;
	c->bjobs = b->bvh.njobs;
}

/* ---- canonical order ---- */


static int cmp_vault(const void *a, const void *b)
{
	return strcmp(((const struct vault *)a)->vault_id,
		      ((const struct vault *)b)->vault_id);
}

static int cmp_policy(const void *a, const void *b)
{
	return strcmp(((const struct policy *)a)->policy_id,
		      ((const struct policy *)b)->policy_id);
}

static int cmp_item(const void *a, const void *b)
{
	return strcmp(((const struct bitem *)a)->it.item_id,
		      ((const struct bitem *)b)->it.item_id);
}

static int cmp_guard(const void *a, const void *b)
{
	const struct guard *x = a, *y = b;
	int c = strcmp(x->vault_id, y->vault_id);

	return c ? c : strcmp(x->resource_guard_id, y->resource_guard_id);
}

static int cmp_time_id(int64_t t1, const char *id1, int64_t t2,
		       const char *id2)
{
	if (t1 != t2)
		return t1 < t2 ? -1 : 1;
	return strcmp(id1, id2);
}

static int cmp_rp(const void *a, const void *b)
{
	const struct rp *x = a, *y = b;
	return cmp_time_id(x->rp_time, x->rp_id, y->rp_time, y->rp_id);
}

static int cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	return cmp_time_id(x->start_time, x->job_id, y->start_time, y->job_id);
}

static int cmp_vault_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;
	int c = strcmp(x->vault_id, y->vault_id);

	return c ? c : cmp_job(a, b);
}

static int seek_range(struct snapbuild *b, const struct range *r,
		      struct err *e)
{
	if (fseeko(b->spool, (off_t)r->off, SEEK_SET))
		return spool_error(b, e);
	return 0;
}

static int write_item_rps(struct snapbuild *b, struct snapshot_writer *sw,
			  const struct bitem *bi, struct rp **buf,
			  size_t *alloc, struct err *e)
{
	if (bi->rps.off < 0 || !bi->rps.n)
		return 0;
	if (seek_range(b, &bi->rps, e))
		return -1;
	strpool_reset(&b->scratch);
	*buf = grow_array(*buf, sizeof(**buf), bi->rps.n, alloc);
	for (uint32_t i = 0; i < bi->rps.n; i++) {
		if (read_rp(b, &(*buf)[i]))
			return spool_error(b, e);
		(*buf)[i].item_id = bi->it.item_id;
		fix_expiry(b, &(*buf)[i]);
	}
	sort(*buf, bi->rps.n, sizeof(**buf), cmp_rp);
	for (uint32_t i = 0; i < bi->rps.n; i++)
		snapshot_put_rp(sw, &(*buf)[i]);
	return 0;
}

static int write_item_jobs(struct snapbuild *b, struct snapshot_writer *sw,
			   const struct bitem *bi, struct job **buf,
			   size_t *alloc, struct err *e)
{
	if (bi->jobs.off < 0 || !bi->jobs.n)
		return 0;
	if (seek_range(b, &bi->jobs, e))
		return -1;
	strpool_reset(&b->scratch);
	*buf = grow_array(*buf, sizeof(**buf), bi->jobs.n, alloc);
	for (uint32_t i = 0; i < bi->jobs.n; i++) {
		struct job *j = &(*buf)[i];
		if (read_job(b, j))
			return spool_error(b, e);
		j->item_id = bi->it.item_id;
		j->vault_id = bi->it.vault_id;
	}
	sort(*buf, bi->jobs.n, sizeof(**buf), cmp_job);
	for (uint32_t i = 0; i < bi->jobs.n; i++)
		snapshot_put_job(sw, &(*buf)[i]);
	return 0;
}

static int write_streams(struct snapbuild *b, struct snapshot_writer *sw,
			 struct err *e)
{
	struct rp *rps = NULL;
	struct job *jobs = NULL;
	size_t arps = 0, ajobs = 0;
	int rc = 0;

	if (fflush(b->spool))
		return spool_error(b, e);
	for (size_t i = 0; i < b->nitems && !rc; i++)
		rc = write_item_rps(b, sw, &b->items[i], &rps, &arps, e);
	for (size_t i = 0; i < b->nitems && !rc; i++)
		rc = write_item_jobs(b, sw, &b->items[i], &jobs, &ajobs, e);
	free(rps);
	free(jobs);
	if (rc)
		return -1;
	sort(b->vjobs, b->nvjobs, sizeof(*b->vjobs), cmp_vault_job);
	for (size_t i = 0; i < b->nvjobs; i++)
		snapshot_put_job(sw, &b->vjobs[i]);
	return 0;
}

static int cmp_cost(const void *pa, const void *pb)
{
	const struct cost_row *a = pa, *b = pb;
	int c = strcmp(a->resource_id, b->resource_id);

	if (!c)
		c = strcmp(a->meter_category, b->meter_category);
	return c ? c : strcmp(a->meter, b->meter);
}

static int write_costs(struct snapbuild *b, struct snapshot_writer *sw,
		       struct err *e)
{
	struct csv_writer *w;

	if (!b->want_costs)
		return 0;
	w = snapshot_writer_extra(sw, &bill_costs_schema, e);
	if (!w)
		return -1;
	sort(b->costs, b->ncosts, sizeof(*b->costs), cmp_cost);
	for (size_t i = 0; i < b->ncosts; i++)
		bill_put_cost(w, &b->costs[i]);
	return 0;
}

int snapbuild_commit(struct snapbuild *b, const char *out_path,
		     struct manifest *m, struct err *e)
{
	struct snapshot_writer sw;

	sort(b->vaults, b->nvaults, sizeof(*b->vaults), cmp_vault);
	sort(b->policies, b->npolicies, sizeof(*b->policies), cmp_policy);
	sort(b->items, b->nitems, sizeof(*b->items), cmp_item);
	sort(b->guards, b->nguards, sizeof(*b->guards), cmp_guard);
	if (snapshot_writer_begin(&sw, out_path, e))
		return -1;
	for (size_t i = 0; i < b->nvaults; i++)
		snapshot_put_vault(&sw, &b->vaults[i]);
	for (size_t i = 0; i < b->npolicies; i++)
		snapshot_put_policy(&sw, &b->policies[i]);
	for (size_t i = 0; i < b->nitems; i++)
		snapshot_put_item(&sw, &b->items[i].it);
	for (size_t i = 0; i < b->nguards; i++)
		snapshot_put_guard(&sw, &b->guards[i]);
	snapshot_bv_sort(&b->bv);
	snapshot_put_bv(&sw, &b->bv);
	snapshot_bv_history_sort(&b->bvh);
	snapshot_put_bv_history(&sw, &b->bvh);
	if (write_streams(b, &sw, e) || write_costs(b, &sw, e)) {
		snapshot_writer_abort(&sw);
		return -1;
	}
	return snapshot_writer_commit(&sw, m, e);
}
