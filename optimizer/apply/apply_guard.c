/* SPDX-License-Identifier: MIT
 * apply_guard.c: what keeps a plan directory's record of apply safe: the
 * exclusive lock one `apply --yes`, or a plan or run replacing it, holds
 * on it (a second one exits 75 naming the holder), and, for plan and run
 * about to replace it, the
 * refusal while its journal has rows not done and the carrying over of
 * the journal, its head and apply_results.csv into the new directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/util.h"

#define LOCK_FILE "apply.lock"

/* Whether pid is a live process. */
static bool alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Who holds the lock: the apply whose pid is in apply.lock when it is
 * alive, else a plan or run replacing the directory (they write nothing
 * into it). An apply writes its pid just after it takes the lock, so a
 * missing or dead pid is read again for up to a second first. */
static void lock_holder(const char *plan_dir, char *out, size_t n)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	char *path = path_join(plan_dir, LOCK_FILE), buf[32];
	long pid = 0;

	for (int tries = 0; tries < 20; tries++) {
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		ssize_t got = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : 0;
		if (fd >= 0)
			close(fd);
		buf[got > 0 ? got : 0] = '\0';
		if (sscanf(buf, "%ld", &pid) == 1 && alive(pid)) {
			snprintf(out, n, "another vaultwise apply (pid %ld)",
				 pid);
			free(path);
			return;
		}
		nanosleep(&pause, NULL);
	}
	snprintf(out, n, "a vaultwise plan or run replacing it");
	free(path);
}

/* Whether fd is still the directory at path. */
static bool still_at(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* An exclusive flock(2) of the directory at plan_dir into *fd: 0, 1 when
 * another process holds it, -1 on error. plan and run replace a plan
 * directory by renaming a new one over it while they hold the old one's
 * lock: a lock won between the open and that rename is of a directory no
 * longer there, and is taken again on the one now at plan_dir. */
static int lock_dir(const char *plan_dir, int *fd, struct err *e)
{
	int rc;

	for (;;) {
		*fd = open(plan_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fd < 0)
			return err_errno(e, EXIT_NOINPUT, "cannot open '%s'",
					 plan_dir);
		if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
			rc = errno == EWOULDBLOCK
				     ? 1
				     : err_errno(e, EXIT_IOERR,
						 "cannot lock '%s'", plan_dir);
			close(*fd);
			*fd = -1;
			return rc;
		}
		if (still_at(*fd, plan_dir))
			return 0;
		close(*fd);
	}
}

/* Takes the lock: an exclusive flock(2) on the plan directory itself,
 * so that plan and run can hold it without writing into a directory
 * they may leave as it was (a plan that fails, a run killed). An apply
 * then writes its pid into apply.lock, for the message of the next. */
static int lock_take(const char *plan_dir, const char *who, bool apply,
		     int *fd, struct err *e)
{
	char *path = path_join(plan_dir, LOCK_FILE), holder[96], pid[32];
	int n, rc, pfd = -1;

	rc = lock_dir(plan_dir, fd, e);
	if (rc == 1) {
		lock_holder(plan_dir, holder, sizeof(holder));
		rc = err_set(e, EXIT_TEMPFAIL,
			     "the plan directory '%s' is in use by %s: %s "
			     "once it has ended",
			     plan_dir, holder, who);
	} else if (rc == 0 && apply) {
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		pfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
				       O_CLOEXEC, 0644);
		if (pfd < 0 || write(pfd, pid, (size_t)n) != n)
			rc = err_errno(e, EXIT_IOERR, "cannot write '%s'",
				       path);
		if (pfd >= 0)
			close(pfd);
	}
	if (rc && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	free(path);
	return rc;
}

int apply_lock_take(const char *plan_dir, const char *who, int *fd,
		    struct err *e)
{
	return lock_take(plan_dir, who, true, fd, e);
}

void apply_lock_release(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/* The rows of the journal at path whose latest state is not an end
 * (done, skipped, refused): in flight, failed or waiting for approval. */
static int rows_not_done(const char *path, long *n, char *plan,
			 struct err *e)
{
	struct jstates js;

	*n = 0;
	if (apply_jstates_load(&js, path, e))
		return -1;
	for (size_t i = 0; i < js.n; i++)
		*n += js.v[i].state != RS_DONE && js.v[i].state != RS_SKIPPED &&
		      js.v[i].state != RS_REFUSED;
	strlcpy_vw(plan, js.plan, SHA256_HEX_LEN);
	apply_jstates_release(&js);
	return 0;
}

int apply_plan_dir_guard(const char *dir, int *lock_fd, struct err *e)
{
	char *marker = path_join(dir, OUTDIR_MARKER);
	char *journal = path_join(dir, APPLY_JOURNAL);
	char plan[SHA256_HEX_LEN];
	long left = 0;
	int rc = 0;

	*lock_fd = -1;
	if (access(marker, F_OK) == 0 &&
	    lock_take(dir, "replace it", false, lock_fd, e))
		rc = -1;
	else if (access(journal, F_OK) == 0 &&
		 rows_not_done(journal, &left, plan, e))
		rc = -1;
	else if (left)
		rc = err_set(e, EXIT_CANTCREAT,
			     "'%s' holds an apply journal with %ld row%s not "
			     "done (in flight, failed or waiting for "
			     "approval): finish them with 'vaultwise apply %s "
			     "--yes', or move the directory away, before "
			     "planning into it again",
			     dir, left, left == 1 ? "" : "s", dir);
	if (rc) {
		apply_lock_release(*lock_fd);
		*lock_fd = -1;
	}
	free(marker);
	free(journal);
	return rc;
}

/* Hard-links (or else copies) from/name to to/name when it exists. */
static int carry_file(const char *from, const char *to, const char *name,
		      struct err *e)
{
	char *src = path_join(from, name), *dst = path_join(to, name);
	char *text = NULL;
	int rc = 0;

	if (access(src, F_OK) == 0 && link(src, dst) != 0)
		rc = read_file(src, SIZE_MAX, &text, NULL, e) ||
		     afile_write_string(dst, text, e);
	free(text);
	free(src);
	free(dst);
	return rc ? -1 : 0;
}

static const char *const carried[] = {
	APPLY_JOURNAL, APPLY_JOURNAL JOURNAL_HEAD_SUFFIX, APPLY_RESULTS
};

static int carry_files(const char *from, const char *to, struct err *e)
{
	for (size_t k = 0; k < ARRAY_SIZE(carried); k++)
		if (carry_file(from, to, carried[k], e))
			return -1;
	return 0;
}

/* The applied-SHA directories that earlier plans set aside. */
static int carry_earlier(const char *dir, const char *tmp, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return err_errno(e, EXIT_IOERR, "cannot read '%s'", dir);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char *from, *to;
		if (!str_starts_with(de->d_name, "applied-"))
			continue;
		from = path_join(dir, de->d_name);
		to = path_join(tmp, de->d_name);
		rc = mkdir_p(to, e) || carry_files(from, to, e) ? -1 : 0;
		free(from);
		free(to);
	}
	closedir(d);
	return rc;
}

int apply_plan_dir_carry(const char *dir, const char *tmp, struct err *e)
{
	char *journal = path_join(dir, APPLY_JOURNAL), *to = NULL;
	char old[SHA256_HEX_LEN], now[SHA256_HEX_LEN], sub[32];
	long left;
	int rc = 0;

	if (access(dir, F_OK) != 0)
		goto done;
	if (carry_earlier(dir, tmp, e)) {
		rc = -1;
		goto done;
	}
	if (access(journal, F_OK) != 0)
		goto done;
	if (rows_not_done(journal, &left, old, e) ||
	    apply_plan_dir_sha(tmp, now, e)) {
		rc = -1;
		goto done;
	}
	/* the same plan: the journal goes on; another: kept aside */
	if (strcmp(old, now) == 0) {
		to = xstrdup(tmp);
	} else {
		snprintf(sub, sizeof(sub), "applied-%.12s", old);
		to = path_join(tmp, sub);
		if (mkdir_p(to, e)) {
			rc = -1;
			goto done;
		}
	}
	rc = carry_files(dir, to, e);
done:
	free(journal);
	free(to);
	return rc;
}
