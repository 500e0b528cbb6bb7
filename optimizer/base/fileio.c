/* SPDX-License-Identifier: MIT
 * fileio.c: temp-then-rename files and directories, mkdir -p, rm -r of our
 * own temporary trees, SHA-256 of files, bounded whole-file reads. */
#define _GNU_SOURCE /* madvise; renameat2 (Linux, glibc 2.28) */
#include "optimizer/base/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "optimizer/base/datadir.h"
#include "optimizer/base/util.h"

/* ".name.tmp.PID" next to path. */
static char *temp_twin(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path + 1) : 0;

	return xasprintf("%.*s.%s.tmp.%ld", dirlen, path, base,
			 (long)getpid());
}

int open_nofollow(const char *path, int flags, const char *shown,
		  struct err *e)
{
	int fd;

	if (flags & O_CREAT)
		flags |= O_EXCL;
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd >= 0)
		return fd;
	if (errno == EEXIST || errno == ELOOP)
		return err_set(e, EXIT_CANTCREAT,
			       "cannot write '%s': '%s' is %s; vaultwise "
			       "never writes through a link (remove it and "
			       "run again)",
			       shown, path,
			       errno == ELOOP ? "a symbolic link"
					      : "already there (a symbolic "
						"link or a leftover)");
	return err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", shown);
}

int afile_open(struct afile *af, const char *path, struct err *e)
{
	int fd;

	af->final = xstrdup(path);
	af->tmp = temp_twin(path);
	fd = open_nofollow(af->tmp, O_WRONLY | O_CREAT, path, e);
	af->f = fd < 0 ? NULL : fdopen(fd, "wb");
	if (!af->f) {
		if (fd >= 0) {
			err_errno(e, EXIT_CANTCREAT, "cannot create '%s'",
				  path);
			close(fd);
			unlink(af->tmp);
		}
		free(af->tmp);
		free(af->final);
		af->tmp = af->final = NULL;
		return -1;
	}
	return 0;
}

int afile_commit(struct afile *af, struct err *e)
{
	int failed = fflush(af->f) != 0 || ferror(af->f) ||
		     fsync(fileno(af->f)) != 0;

	if (fclose(af->f) != 0)
		failed = 1;
	af->f = NULL;
	if (failed) {
		err_errno(e, EXIT_IOERR, "cannot write '%s'", af->final);
		afile_abort(af);
		return -1;
	}
	if (rename(af->tmp, af->final) != 0) {
		/* the user knows the final name, not the temporary one */
		err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", af->final);
		afile_abort(af);
		return -1;
	}
	free(af->tmp);
	free(af->final);
	af->tmp = af->final = NULL;
	return 0;
}

void afile_abort(struct afile *af)
{
	if (af->f)
		fclose(af->f);
	af->f = NULL;
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->final);
	af->tmp = af->final = NULL;
}

int afile_check(const char *path, struct err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1))
			  : xstrdup(".");
	struct stat st;
	int rc = 0;

	if (stat(dir, &st) != 0) {
		rc = err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", path);
	} else if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", path);
	} else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		rc = err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", path);
	}
	free(dir);
	return rc;
}

int afile_write_string(const char *path, const char *content, struct err *e)
{
	struct afile af;

	if (afile_open(&af, path, e))
		return -1;
	fputs(content, af.f);
	return afile_commit(&af, e);
}

int mkdir_p(const char *path, struct err *e)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST) {
		err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", p);
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

bool dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

int outdir_check(const char *path, struct err *e)
{
	struct stat st;
	char *marker;
	bool ours;

	if (stat(path, &st) != 0)
		return 0; /* absent; anything else, begin or commit says */
	if (!S_ISDIR(st.st_mode))
		return err_set(e, EXIT_CANTCREAT,
			       "cannot replace '%s': it is not a directory",
			       path);
	marker = path_join(path, OUTDIR_MARKER);
	ours = access(marker, F_OK) == 0 || dir_is_empty(path);
	free(marker);
	if (!ours)
		return err_set(e, EXIT_CANTCREAT,
			       "refusing to replace '%s': it is not empty and "
			       "was not written by vaultwise",
			       path);
	return 0;
}

int outdir_begin(struct outdir *d, const char *path, const char *kind,
		 struct err *e)
{
	char *parent = xstrdup(path);
	char *slash;
	size_t n = strlen(parent);

	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	if (outdir_check(parent, e)) {
		free(parent);
		return -1;
	}
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir_p(parent, e)) {
			free(parent);
			return -1;
		}
		*slash = '/';
	}
	d->final = parent;
	d->tmp = temp_twin(parent);
	d->kind = xstrdup(kind);
	remove_tree(d->tmp);
	if (mkdir(d->tmp, 0777) != 0) {
		/* the user knows the final name, not the temporary one */
		err_errno(e, EXIT_CANTCREAT, "cannot create '%s'", d->final);
		free(d->tmp);
		free(d->final);
		free(d->kind);
		d->tmp = d->final = d->kind = NULL;
		return -1;
	}
	return 0;
}

char *outdir_file(const struct outdir *d, const char *name)
{
	return path_join(d->tmp, name);
}

/* Ours: holds the marker, or is empty. */
static int replaceable(const char *dir)
{
	char *marker = path_join(dir, OUTDIR_MARKER);
	int ok = access(marker, F_OK) == 0;

	free(marker);
	if (!ok) {
		/* rmdir only succeeds on an empty directory. */
		ok = rmdir(dir) == 0;
	}
	return ok;
}

/* Swaps the directories at a and b in one step (renameat2's
 * RENAME_EXCHANGE), so that b's path never stops naming a directory: a
 * reader or an apply taking the lock between two renames would find
 * nothing there. False where the file system or the kernel cannot; the
 * caller then moves the old directory aside and renames. */
static bool exchange(const char *a, const char *b)
{
#ifdef RENAME_EXCHANGE
	return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0;
#else
	(void)a;
	(void)b;
	return false;
#endif
}

int outdir_commit(struct outdir *d, struct err *e)
{
	struct stat st;
	char *marker = outdir_file(d, OUTDIR_MARKER);
	char *old = NULL;
	int rc = -1;

	if (afile_write_string(marker, d->kind, e))
		goto done;
	if (stat(d->final, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			err_set(e, EXIT_CANTCREAT,
				"cannot replace '%s': it is not a directory",
				d->final);
			goto done;
		}
		if (!replaceable(d->final)) {
			err_set(e, EXIT_CANTCREAT,
				"refusing to replace '%s': it is not empty and "
				"was not written by vaultwise",
				d->final);
			goto done;
		}
		if (exchange(d->tmp, d->final)) {
			/* the old directory is now at d->tmp's name */
			remove_tree(d->tmp);
			goto committed;
		}
		if (access(d->final, F_OK) == 0) {
			old = xasprintf("%s.old.%ld", d->tmp, (long)getpid());
			if (rename(d->final, old) != 0) {
				err_errno(e, EXIT_IOERR, "cannot move '%s' aside",
					  d->final);
				goto done;
			}
		}
	}
	if (rename(d->tmp, d->final) != 0) {
		err_errno(e, EXIT_IOERR, "cannot rename '%s' to '%s'", d->tmp,
			  d->final);
		if (old)
			rename(old, d->final);
		goto done;
	}
	if (old)
		remove_tree(old);
committed:
	free(d->tmp);
	d->tmp = NULL;
	rc = 0;
done:
	free(marker);
	free(old);
	if (rc)
		outdir_abort(d);
	free(d->final);
	free(d->kind);
	d->final = d->kind = NULL;
	return rc;
}

void outdir_abort(struct outdir *d)
{
	if (d->tmp)
		remove_tree(d->tmp);
	free(d->tmp);
	free(d->final);
	free(d->kind);
	d->tmp = d->final = d->kind = NULL;
}

int open_input_fd(const char *path, const char *what, struct err *e)
{
	/* O_NONBLOCK: opening a FIFO with no writer would otherwise hang */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return err_errno(e, errno == ENOENT ? EXIT_NOINPUT : EXIT_IOERR,
				 "cannot open %s'%s'", what, path);
	if (fstat(fd, &st) != 0) {
		err_errno(e, EXIT_IOERR, "cannot read %s'%s'", what, path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, EXIT_NOINPUT,
			"cannot read %s'%s': it is %s, not a regular file",
			what, path,
			S_ISDIR(st.st_mode)    ? "a directory"
			: S_ISFIFO(st.st_mode) ? "a FIFO"
			: S_ISSOCK(st.st_mode) ? "a socket"
					       : "a device");
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		err_errno(e, EXIT_IOERR, "cannot open %s'%s'", what, path);
		close(fd);
		return -1;
	}
	return fd;
}

FILE *open_input(const char *path, const char *what, struct err *e)
{
	int fd = open_input_fd(path, what, e);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (!(f = fdopen(fd, "rb"))) {
		err_errno(e, EXIT_IOERR, "cannot open %s'%s'", what, path);
		close(fd);
	}
	return f;
}

#define HASH_STEP (2u << 20) /* mapped bytes hashed between madvise calls */

/* The mapped file hashed a step at a time: each step's pages populated in
 * one call (not a fault a page) and unmapped once hashed, so the page
 * cache's pages are read in place, never copied, and the resident set
 * stays one step. */
static void digest_mapped(EVP_MD_CTX *ctx, const char *map, size_t size)
{
	madvise((void *)map, size, MADV_SEQUENTIAL);
	for (size_t at = 0; at < size; at += HASH_STEP) {
		size_t n = size - at < HASH_STEP ? size - at : HASH_STEP;
#ifdef MADV_POPULATE_READ /* Linux 5.14; else a fault a few pages */
		madvise((void *)(map + at), n, MADV_POPULATE_READ);
#endif
		EVP_DigestUpdate(ctx, map + at, n);
		madvise((void *)(map + at), n, MADV_DONTNEED);
	}
}

/* The file's bytes into ctx: mapped, or read() when it cannot be (an
 * empty file, no address space for it). */
static int digest_fd(EVP_MD_CTX *ctx, int fd, const char *path,
		     struct err *e)
{
	unsigned char buf[65536];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    (uintmax_t)st.st_size <= SIZE_MAX) {
		size_t size = (size_t)st.st_size;
		void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			digest_mapped(ctx, map, size);
			munmap(map, size);
			return 0;
		}
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR)
			return err_errno(e, EXIT_IOERR, "cannot read '%s'",
					 path);
		if (n > 0)
			EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	return 0;
}

int sha256_file(const char *path, char out[SHA256_HEX_LEN], struct err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	int fd = open_input_fd(path, "", e);
	int rc = -1;

	if (fd < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		err_set(e, EXIT_SOFTWARE, "cannot start SHA-256");
		goto done;
	}
	if (digest_fd(ctx, fd, path, e))
		goto done;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	hex_encode(md, mdlen, out);
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

int read_file(const char *path, size_t max, char **out, size_t *len,
	      struct err *e)
{
	FILE *f = open_input(path, "", e);
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > max) {
			fclose(f);
			strbuf_release(&sb);
			return err_set(e, EXIT_DATAERR,
				       "%s: larger than the %zu bytes allowed",
				       path, max);
		}
		strbuf_add(&sb, buf, n);
	}
	if (ferror(f)) {
		fclose(f);
		strbuf_release(&sb);
		return err_errno(e, EXIT_IOERR, "cannot read '%s'", path);
	}
	fclose(f);
	if (len)
		*len = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}

char *data_path(const char *rel)
{
	const char *dir = getenv("VAULTWISE_DATA");
	char *installed, *path;

	if (dir && *dir)
		return path_join(dir, rel);
	installed = data_dir();
	path = path_join(installed, rel);
	free(installed);
	return path;
}

char *data_file(const char *rel, struct err *e)
{
	const char *dir = getenv("VAULTWISE_DATA");
	char *path = data_path(rel), *installed;

	if (access(path, F_OK) == 0)
		return path;
	if (dir && *dir) {
		installed = data_dir();
		err_set(e, EXIT_NOINPUT,
			"VAULTWISE_DATA is '%s', which has no %s (unset it to "
			"use the data installed with vaultwise in %s)",
			dir, rel, installed);
		free(installed);
	} else
		err_errno(e, EXIT_NOINPUT, "vaultwise's data file '%s'", path);
	free(path);
	return NULL;
}
