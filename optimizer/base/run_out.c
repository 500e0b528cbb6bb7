/* SPDX-License-Identifier: MIT
 * run_out.c: run's staging directory, lock, leftover cleanup, ownership
 * check and the one atomic exchange that makes a run's output OUT. */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE (Linux, glibc 2.28) */
#include "optimizer/base/run_out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "optimizer/base/fileio.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"
#include "optimizer/base/version.h"

/* What run writes into OUT; anything else there is someone else's. */
static const char *const run_entries[] = { "model.json", "plan",
					   "rpo_rto.csv", "posture.csv",
					   "report", "snapshot",
					   OUTDIR_MARKER };

/* "dir/.base.what" beside path; caller frees. */
static char *beside(const char *path, const char *what)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path + 1) : 0;

	return xasprintf("%.*s.%s.%s", dirlen, path, base, what);
}

static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/")
			     : xstrndup(path, (size_t)(slash - path));
}

static bool is_run_entry(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(run_entries); i++)
		if (!strcmp(name, run_entries[i]))
			return true;
	return false;
}

/* Whether OUT's marker says run wrote it. */
static bool marked_by_run(const char *out)
{
	char *marker = path_join(out, OUTDIR_MARKER);
	char *text = NULL;
	struct err ignored = ERR_INIT;
	bool yes = read_file(marker, 4096, &text, NULL, &ignored) == 0 &&
		   str_starts_with(text, "run\n");

	free(text);
	free(marker);
	return yes;
}

/* A snapshot put into OUT to run on (scripts/monthly-report.sh does so)
 * and nothing else: run keeps it (link_snapshot) and may take OUT. */
static bool only_snapshot(const char *out)
{
	DIR *d = opendir(out);
	struct dirent *de;
	bool only = d != NULL;

	while (only && (de = readdir(d)))
		only = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		       !strcmp(de->d_name, "snapshot");
	if (d)
		closedir(d);
	return only;
}

/* OUT may be replaced: absent, empty, or run's own with nothing else. */
static int check_replaceable(struct run_out *ro, struct err *e)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	ro->existed = false;
	if (lstat(ro->final, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return err_errno(e, EXIT_CANTCREAT, "cannot use '%s'",
				 ro->final);
	}
	if (!S_ISDIR(st.st_mode))
		return err_set(e, EXIT_CANTCREAT,
			       "cannot write into '%s': it is not a directory",
			       ro->final);
	ro->existed = true;
	if (dir_is_empty(ro->final) || only_snapshot(ro->final))
		return 0;
	if (!marked_by_run(ro->final))
		return err_set(e, EXIT_CANTCREAT,
			       "refusing to write into '%s': it is not empty "
			       "and was not written by vaultwise run (no "
			       "%s marker of a run)",
			       ro->final, OUTDIR_MARKER);
	if (!(d = opendir(ro->final)))
		return err_errno(e, EXIT_CANTCREAT, "cannot read '%s'",
				 ro->final);
	while (!rc && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    !is_run_entry(de->d_name))
			rc = err_set(e, EXIT_CANTCREAT,
				     "refusing to replace '%s': '%s' in it "
				     "was not written by vaultwise run (move "
				     "it elsewhere first)",
				     ro->final, de->d_name);
	closedir(d);
	return rc;
}

/* The holder's own words from the lock file: "pid 42 on host since T". */
static void holder_of(int fd, char *out, size_t n)
{
	ssize_t got = pread(fd, out, n - 1, 0);

	out[got > 0 ? got : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!out[0])
		strlcpy_vw(out, "a process that has not said who it is", n);
}

static int lock_out(struct run_out *ro, struct err *e)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	for (int tries = 0; tries < 8; tries++) {
		struct stat held, named;
		char who[256], when[TIME_ISO_LEN], host[128] = "";
		int fd = open_nofollow(ro->lock_path, O_RDWR, ro->lock_path,
				       e);

		if (fd < 0 && e->code && errno == ENOENT) {
			err_clear(e);
			fd = open_nofollow(ro->lock_path, O_RDWR | O_CREAT,
					   ro->lock_path, e);
			if (fd < 0 && errno == EEXIST) {
				err_clear(e);
				continue; /* another run made it first */
			}
		}
		if (fd < 0)
			return -1;
		if (fcntl(fd, F_SETLK, &fl) != 0) {
			holder_of(fd, who, sizeof(who));
			close(fd);
			return err_set(e, EXIT_TEMPFAIL,
				       "'%s' is being written by another "
				       "vaultwise run (%s); run again when it "
				       "has finished",
				       ro->final, who);
		}
		/* the lock is good only on the file still at the name */
		if (fstat(fd, &held) != 0 ||
		    lstat(ro->lock_path, &named) != 0 ||
		    held.st_ino != named.st_ino ||
		    held.st_dev != named.st_dev) {
			close(fd);
			continue;
		}
		gethostname(host, sizeof(host) - 1);
		time_format_iso(time(NULL), when);
		snprintf(who, sizeof(who), "pid %ld on %s since %s\n",
			 (long)getpid(), host[0] ? host : "this host", when);
		if (ftruncate(fd, 0) != 0 ||
		    pwrite(fd, who, strlen(who), 0) < 0) {
			close(fd);
			return err_errno(e, EXIT_CANTCREAT,
					 "cannot write the lock '%s'",
					 ro->lock_path);
		}
		ro->lock_fd = fd;
		return 0;
	}
	return err_set(e, EXIT_TEMPFAIL,
		       "cannot lock '%s': other runs keep replacing it",
		       ro->lock_path);
}

static void unlock_out(struct run_out *ro)
{
	if (ro->lock_fd < 0 || !ro->lock_path)
		return;
	unlink(ro->lock_path); /* while held: the next run makes its own */
	close(ro->lock_fd);
	ro->lock_fd = -1;
}

/* With the lock held, what dead runs left is nobody's: ".OUT.run.PID"
 * staging directories are removed, and ".OUT.old.PID" (a run killed
 * between the two renames where the exchange is not supported) is put
 * back as OUT when OUT is missing. */
static void clean_leftovers(struct run_out *ro)
{
	char *parent = parent_of(ro->final);
	char *run_prefix = beside(ro->final, "run.");
	char *old_prefix = beside(ro->final, "old.");
	const char *rp = strrchr(run_prefix, '/');
	const char *op = strrchr(old_prefix, '/');
	DIR *d = opendir(parent);
	struct dirent *de;

	rp = rp ? rp + 1 : run_prefix;
	op = op ? op + 1 : old_prefix;
	while (d && (de = readdir(d))) {
		bool run = str_starts_with(de->d_name, rp);
		bool old = str_starts_with(de->d_name, op);
		char *path;

		if (!run && !old)
			continue;
		path = path_join(parent, de->d_name);
		if (!old || access(ro->final, F_OK) == 0 ||
		    rename(path, ro->final) != 0)
			remove_tree(path);
		free(path);
	}
	if (d)
		closedir(d);
	free(parent);
	free(run_prefix);
	free(old_prefix);
}

/* A regular file's copy, where a hard link cannot be made. */
static int copy_file(const char *from, const char *to, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct afile af;
	int rc;

	if (read_file(from, SIZE_MAX / 2, &text, &len, e) ||
	    afile_open(&af, to, e)) {
		free(text);
		return -1;
	}
	fwrite(text, 1, len, af.f);
	rc = afile_commit(&af, e);
	free(text);
	return rc;
}

/* to: a tree of hard links to from's files (a snapshot's files are
 * replaced, never edited, so the two trees can share them). */
static int link_tree(const char *from, const char *to, struct err *e)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int rc = 0;

	if (!d || mkdir(to, 0777) != 0) {
		if (d)
			closedir(d);
		return err_errno(e, EXIT_CANTCREAT, "cannot carry '%s' over",
				 from);
	}
	while (!rc && (de = readdir(d))) {
		char *src, *dst;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		src = path_join(from, de->d_name);
		dst = path_join(to, de->d_name);
		if (lstat(src, &st) != 0)
			rc = err_errno(e, EXIT_IOERR, "cannot read '%s'", src);
		else if (S_ISDIR(st.st_mode))
			rc = link_tree(src, dst, e);
		else if (S_ISREG(st.st_mode) && link(src, dst) != 0)
			rc = copy_file(src, dst, e);
		free(src);
		free(dst);
	}
	closedir(d);
	return rc;
}

/* OUT's snapshot (the one run reads, or last month's export) goes on
 * into the new OUT, linked, so that OUT keeps its own until the swap. */
static int link_snapshot(struct run_out *ro, struct err *e)
{
	char *from = path_join(ro->final, "snapshot");
	char *to = path_join(ro->stage, "snapshot");
	struct stat st;
	int rc = 0;

	if (lstat(from, &st) == 0 && S_ISDIR(st.st_mode))
		rc = link_tree(from, to, e);
	free(from);
	free(to);
	return rc;
}

int run_out_begin(struct run_out *ro, const char *out, struct err *e)
{
	size_t n = strlen(out);
	char *parent, *what;

	memset(ro, 0, sizeof(*ro));
	ro->lock_fd = -1;
	while (n > 1 && out[n - 1] == '/')
		n--;
	ro->final = xstrndup(out, n);
	ro->lock_path = beside(ro->final, "lock");
	if (check_replaceable(ro, e))
		return -1;
	parent = parent_of(ro->final);
	if (mkdir_p(parent, e)) {
		free(parent);
		return -1;
	}
	free(parent);
	if (lock_out(ro, e))
		return -1;
	clean_leftovers(ro);
	if (check_replaceable(ro, e))
		return -1;
	what = xasprintf("run.%ld", (long)getpid());
	ro->stage = beside(ro->final, what);
	free(what);
	if (mkdir(ro->stage, 0777) != 0)
		return err_errno(e, EXIT_CANTCREAT, "cannot create '%s'",
				 ro->stage);
	return link_snapshot(ro, e);
}

/* Puts the stage in OUT's place in one step where the kernel can swap
 * two names (renameat2's RENAME_EXCHANGE); elsewhere in two renames, the
 * old one aside as ".OUT.old.PID" for clean_leftovers to put back. */
static int swap_in(struct run_out *ro, struct err *e)
{
	char *what, *old;
	int rc = 0;

	if (!ro->existed || access(ro->final, F_OK) != 0) {
		if (rename(ro->stage, ro->final) != 0)
			return err_errno(e, EXIT_CANTCREAT,
					 "cannot create '%s'", ro->final);
		return 0;
	}
	if (renameat2(AT_FDCWD, ro->stage, AT_FDCWD, ro->final,
		      RENAME_EXCHANGE) == 0)
		return 0; /* the stage's name now holds last month's */
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return err_errno(e, EXIT_CANTCREAT, "cannot replace '%s'",
				 ro->final);
	what = xasprintf("old.%ld", (long)getpid());
	old = beside(ro->final, what);
	if (rename(ro->final, old) != 0 || rename(ro->stage, ro->final) != 0) {
		rc = err_errno(e, EXIT_CANTCREAT, "cannot replace '%s'",
			       ro->final);
		rename(old, ro->final);
	} else {
		remove_tree(old);
	}
	free(what);
	free(old);
	return rc;
}

static void run_out_free(struct run_out *ro)
{
	unlock_out(ro);
	free(ro->final);
	free(ro->stage);
	free(ro->lock_path);
	ro->final = ro->stage = ro->lock_path = NULL;
}

int run_out_commit(struct run_out *ro, const char *command, struct err *e)
{
	char *marker = path_join(ro->stage, OUTDIR_MARKER);
	char when[TIME_ISO_LEN];
	char *text;
	int rc;

	time_format_iso(time(NULL), when);
	text = xasprintf("run\ntool: vaultwise %s\ncommand: %s\ntime: %s\n",
			 VAULTWISE_VERSION, command, when);
	/* a file put into OUT while the run worked is not replaced either */
	rc = afile_write_string(marker, text, e) ||
	     check_replaceable(ro, e) || swap_in(ro, e);
	free(text);
	free(marker);
	if (rc)
		return -1; /* the caller's run_out_abort cleans up */
	remove_tree(ro->stage); /* last month's, or nothing */
	run_out_free(ro);
	return 0;
}

void run_out_abort(struct run_out *ro, const char *keep_snapshot_at)
{
	if (ro->stage && keep_snapshot_at) {
		char *snap = path_join(ro->stage, "snapshot");
		char *marker = path_join(snap, OUTDIR_MARKER);

		if (access(marker, F_OK) == 0 &&
		    access(keep_snapshot_at, F_OK) != 0)
			rename(snap, keep_snapshot_at);
		free(marker);
		free(snap);
	}
	if (ro->stage)
		remove_tree(ro->stage);
	run_out_free(ro);
}
