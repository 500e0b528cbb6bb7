/* SPDX-License-Identifier: MIT
 * manifest.h: manifest.json of a snapshot: format and tool version, where
 * the data came from, when, the job-history windows, and for each CSV its
 * row count and SHA-256. Readers check every CSV against it, so a file
 * changed after export is reported instead of silently used. */
#ifndef VW_MANIFEST_H
#define VW_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"

#define MANIFEST_FORMAT_VERSION 1
#define MANIFEST_MAX_FILES 12

struct manifest_file {
	char name[32];
	bool has_sha256;       /* false: hand-made snapshot, not verified */
	char sha256[SHA256_HEX_LEN]; /* lowercase hex */
	bool has_rows;         /* false: row count not given, not checked */
	uint64_t rows;
};

struct manifest {
	int format_version;
	char *tool_version;
	char *source;            /* azure, sample, csv, merge */
	char *tenant_id;
	int64_t exported_at;
	/* Job history covers restores from restore_jobs_from and backups from
	 * backup_jobs_from (TIME_NONE: unknown, treated as the oldest job). */
	int64_t restore_jobs_from;
	int64_t backup_jobs_from;
	char **subscriptions;
	size_t nsubscriptions;
	struct manifest_file files[MANIFEST_MAX_FILES];
	size_t nfiles;
	char **warnings;
	size_t nwarnings;
	char *generator;         /* e.g. "sample seed=42", or NULL */
};

void manifest_init(struct manifest *m);
void manifest_release(struct manifest *m);
void manifest_add_subscription(struct manifest *m, const char *sub);
void manifest_add_warning(struct manifest *m, const char *text);
/* The entry for a file, or NULL. */
const struct manifest_file *manifest_file(const struct manifest *m,
					  const char *name);
struct manifest_file *manifest_file_add(struct manifest *m, const char *name);

int manifest_read(struct manifest *m, const char *path, struct err *e);
int manifest_write(const struct manifest *m, const char *path, struct err *e);

#endif
