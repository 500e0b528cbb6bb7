/* SPDX-License-Identifier: MIT
 * fileio.h: outputs that are never seen half-written. A file is written to a
 * hidden temporary name in the same directory and renamed over the final
 * name only when complete (after fsync); a directory is assembled under a
 * temporary name and swapped into place. Also SHA-256 of files (OpenSSL EVP)
 * and mkdir -p. Existing directories are replaced only when they were made
 * by vaultwise (they hold a ".vaultwise" marker) or are empty. */
#ifndef VW_FILEIO_H
#define VW_FILEIO_H

#include <stdbool.h>
#include <stdio.h>

#include "optimizer/base/err.h"

#define SHA256_HEX_LEN 65
/* The file in a directory that vaultwise wrote, holding its kind. */
#define OUTDIR_MARKER ".vaultwise"

struct afile {
	FILE *f;
	char *tmp;
	char *final;
};

/* open(2) that never follows a link at path: O_NOFOLLOW always, and with
 * O_CREAT also O_EXCL (the mode is the umask's). A link or a file already
 * at a path to create is a 73 that names it; shown is the name the user
 * knows. Returns the descriptor, or -1 with e set. */
int open_nofollow(const char *path, int flags, const char *shown,
		  struct err *e);
/* Opens path's temporary twin for writing (open_nofollow, O_CREAT). */
int afile_open(struct afile *af, const char *path, struct err *e);
/* Flushes, fsyncs, closes and renames into place; frees af's strings. */
int afile_commit(struct afile *af, struct err *e);
/* Closes and removes the temporary file; safe to call twice. */
void afile_abort(struct afile *af);
/* Whether a file can be written at path: its directory exists and path is
 * not a directory. For commands that write at the end of a long fetch;
 * afile_open and afile_commit still have the last word. */
int afile_check(const char *path, struct err *e);
/* Writes a whole string to path atomically. */
int afile_write_string(const char *path, const char *content, struct err *e);

struct outdir {
	char *final;
	char *tmp;
	char *kind; /* written into the marker: "snapshot", "plan", ... */
};

/* Whether path can take an output directory: it is absent, or an empty
 * directory, or one vaultwise wrote. outdir_begin checks it, so that a
 * command fails before its work rather than at the end; commit checks
 * again. */
int outdir_check(const char *path, struct err *e);
/* Starts a new output directory at path (created later on commit). */
int outdir_begin(struct outdir *d, const char *path, const char *kind,
		 struct err *e);
/* Path of name inside the temporary directory; caller frees. */
char *outdir_file(const struct outdir *d, const char *name);
/* Swaps the finished directory into place. */
int outdir_commit(struct outdir *d, struct err *e);
/* Removes the temporary directory and everything in it. */
void outdir_abort(struct outdir *d);

int mkdir_p(const char *path, struct err *e);
int remove_tree(const char *path);
/* True when dir exists and holds nothing (false when it cannot be read). */
bool dir_is_empty(const char *dir);

/* Opens an input for reading: a regular file only. A FIFO, socket,
 * device or directory is a 66 saying so (a FIFO is never waited on);
 * a missing file is a 66, another failure a 74. what ("journal ", or "")
 * goes before the quoted path in messages. */
FILE *open_input(const char *path, const char *what, struct err *e);
/* The same as a descriptor (-1 with e set). */
int open_input_fd(const char *path, const char *what, struct err *e);

/* SHA-256 of a file's contents as lowercase hex. */
int sha256_file(const char *path, char out[SHA256_HEX_LEN], struct err *e);

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer. */
int read_file(const char *path, size_t max, char **out, size_t *len,
	      struct err *e);

/* A bundled data file: $VAULTWISE_DATA/rel if set, else in the data
 * directory next to the binary (datadir.h). Caller frees. */
char *data_path(const char *rel);
/* data_path(rel) when it exists; else NULL and a 66 naming VAULTWISE_DATA
 * when that is what points elsewhere. Caller frees. */
char *data_file(const char *rel, struct err *e);

#endif
