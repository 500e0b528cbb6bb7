/* SPDX-License-Identifier: MIT
 * apply_guard.c: what keeps a plan directory's record of apply safe: the
 * exclusive lock one `apply --yes` holds on it (a second one exits 75
 * naming the holder), and, for plan and run about to replace it, the
 * refusal while its journal has rows not done and the carrying over of
 * the journal, its head and apply_results.csv into the new directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/util.h"

#define LOCK_FILE "apply.lock"

/* Who holds the lock, as the holder wrote it: "pid 1234, a vaultwise
 * plan". The holder writes its pid just after it takes the lock, so an
 * empty file is read again for up to a second before saying so. */
static void lock_holder(int fd, char *out, size_t n)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	char buf[48], role[16] = "apply";
	long pid = 0;

	for (int tries = 0; tries < 20; tries++) {
		ssize_t got = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[got > 0 ? got : 0] = '\0';
		if (sscanf(buf, "%ld %15s", &pid, role) >= 1 && pid > 0) {
			snprintf(out, n, "vaultwise %s (pid %ld", role, pid);
			return;
		}
		nanosleep(&pause, NULL);
	}
	snprintf(out, n, "vaultwise process (one that has not written its "
			 "pid yet");
}

/* Takes the lock for role ("apply", "plan", "run"), creating the file
 * and writing "PID ROLE" into it. plan and run lock only a vaultwise
 * directory (apply_plan_dir_guard checks), so that even the first apply
 * cannot start while they replace it. */
static int lock_take(const char *plan_dir, const char *who,
		     const char *role, int *fd, struct err *e)
{
	char *path = path_join(plan_dir, LOCK_FILE), holder[96], pid[48];
	int n, rc = 0;

	*fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_CREAT, 0644);
	if (*fd < 0) {
		rc = err_errno(e, EXIT_CANTCREAT, "cannot open '%s'", path);
	} else if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK) {
			lock_holder(*fd, holder, sizeof(holder));
			rc = err_set(e, EXIT_TEMPFAIL,
				     "the plan directory '%s' is in use by "
				     "another %s, lock %s): %s once it has "
				     "ended",
				     plan_dir, holder, path, who);
		} else {
			rc = err_errno(e, EXIT_IOERR, "cannot lock '%s'",
				       path);
		}
	} else {
		n = snprintf(pid, sizeof(pid), "%ld %s\n", (long)getpid(),
			     role);
		if (ftruncate(*fd, 0) || pwrite(*fd, pid, (size_t)n, 0) != n)
			rc = err_errno(e, EXIT_IOERR, "cannot write '%s'",
				       path);
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
	return lock_take(plan_dir, who, "apply", fd, e);
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

static int dir_guard(const char *dir, const char *role, int *lock_fd,
		     struct err *e)
{
	char *marker = path_join(dir, OUTDIR_MARKER);
	char *journal = path_join(dir, APPLY_JOURNAL);
	char plan[SHA256_HEX_LEN];
	long left = 0;
	int rc = 0;

	*lock_fd = -1;
	if (access(marker, F_OK) == 0 &&
	    lock_take(dir, "replace it", role, lock_fd, e))
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

int apply_plan_dir_guard(const char *dir, int *lock_fd, struct err *e)
{
	return dir_guard(dir, "plan", lock_fd, e);
}

int apply_run_dir_guard(const char *dir, int *lock_fd, struct err *e)
{
	return dir_guard(dir, "run", lock_fd, e);
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
