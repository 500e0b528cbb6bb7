/* SPDX-License-Identifier: MIT
 * bill_only.c: the bill benchmark's subject: read a Cost Management
 * export for a snapshot's vaults (bill_read, as plan --costs does) and
 * print the rows in the file and the Backup charges kept. Built by `make bench`, never by
 * `make check`. */
#include <stdio.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/bill.h"

int main(int argc, char **argv)
{
	struct snapshot s;
	struct bill b;
	struct err e = ERR_INIT;

	if (argc != 3) {
		fprintf(stderr, "usage: bill_only SNAPSHOT EXPORT\n");
		return 64;
	}
	if (snapshot_open(&s, argv[1], &e) || bill_read(&b, argv[2], &s, &e)) {
		fprintf(stderr, "bill_only: %s\n", e.msg);
		snapshot_release(&s);
		return e.code;
	}
	printf("%ld %ld\n", b.rows, b.kept);
	bill_release(&b);
	snapshot_release(&s);
	return 0;
}
