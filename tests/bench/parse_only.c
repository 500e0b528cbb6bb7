/* SPDX-License-Identifier: MIT
 * parse_only.c: the baseline of the plan benchmark: read a snapshot the
 * way plan does (tables, every job, every recovery point one item at a
 * time, checksums verified) and do nothing with it. Prints the points
 * read. Built by `make bench`, never by `make check`. */
#include <stdio.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"

static int count_item(void *ctx, const struct item *it, const struct rp *rps,
		      size_t n, struct err *e)
{
	(void)it;
	(void)rps;
	(void)e;
	*(size_t *)ctx += n;
	return 0;
}

static int count_job(void *ctx, const struct item *it, const struct job *j,
		     struct err *e)
{
	(void)it;
	(void)j;
	(void)e;
	(void)ctx;
	return 0;
}

int main(int argc, char **argv)
{
	struct snapshot s;
	struct err e = ERR_INIT;
	size_t points = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: parse_only SNAPSHOT\n");
		return 64;
	}
	if (snapshot_open(&s, argv[1], &e) ||
	    snapshot_each_job(&s, count_job, NULL, &e) ||
	    snapshot_each_item_rps(&s, count_item, &points, &e)) {
		fprintf(stderr, "parse_only: %s\n", e.msg);
		snapshot_release(&s);
		return e.code;
	}
	printf("%zu\n", points);
	snapshot_release(&s);
	return 0;
}
