/* SPDX-License-Identifier: MIT
 * journal.c: the hash-chained, fsync'd JSON-lines journal of apply. */
#include "optimizer/apply/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "optimizer/base/log.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"
/* One fixed-width line, so that rewriting it in place leaves no tail. */
#define HEAD_FMT "vaultwise journal head: lines %010lu sha256 %s\n"
#define HEAD_MAX 256

static void sha256_hex(const char *data, size_t n, char out[SHA256_HEX_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	hex_encode(md, len, out);
}

struct reader_state {
	const char *path;
	journal_fn fn;
	void *ctx;
	struct journal_check *out;
	char prev[SHA256_HEX_LEN];
	size_t line;
	size_t good_bytes; /* end of the last complete line */
	const struct journal_head *head; /* NULL: not anchored */
	const char *anchor;   /* who recorded head: "its head (F.head)" */
};

static int bad_line(struct reader_state *st, struct err *e, const char *why)
{
	return err_set(e, EXIT_DATAERR, "%s:%zu: %s", st->path, st->line, why);
}

static int check_line(struct reader_state *st, const char *text, size_t n,
		      struct err *e)
{
	cJSON *o = cJSON_ParseWithLength(text, n);
	const cJSON *prev, *seq, *plan;
	int rc = -1;

	if (!o || !cJSON_IsObject(o)) {
		bad_line(st, e, "not a JSON object");
		goto done;
	}
	prev = cJSON_GetObjectItemCaseSensitive(o, "prev");
	seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	if (!cJSON_IsString(prev) || strcmp(prev->valuestring, st->prev)) {
		if (st->line == 1)
			bad_line(st, e, "broken chain: the first line must "
					"have a 'prev' of zeros");
		else
			err_set(e, EXIT_DATAERR,
				"%s:%zu: broken chain: line %zu was edited, or "
				"lines are missing before line %zu ('prev' is "
				"not the SHA-256 of line %zu)",
				st->path, st->line, st->line - 1, st->line,
				st->line - 1);
		goto done;
	}
	if (!cJSON_IsNumber(seq) ||
	    seq->valuedouble != (double)(st->line - 1)) {
		bad_line(st, e, "'seq' out of order");
		goto done;
	}
	if (st->line == 1) {
		plan = cJSON_GetObjectItemCaseSensitive(o, "plan");
		if (!cJSON_IsString(plan) ||
		    strlen(plan->valuestring) != SHA256_HEX_LEN - 1) {
			bad_line(st, e, "the header does not name a plan");
			goto done;
		}
		strlcpy_vw(st->out->plan, plan->valuestring,
			   sizeof(st->out->plan));
	} else if (st->fn && st->fn(st->ctx, st->line, o, e)) {
		goto done;
	}
	sha256_hex(text, n, st->prev);
	if (st->head && st->head->lines == st->line &&
	    strcmp(st->head->sha, st->prev) != 0) {
		err_set(e, EXIT_DATAERR,
			"%s:%zu: not the line %s recorded (its SHA-256 "
			"differs): the journal was rewritten",
			st->path, st->line, st->anchor);
		goto done;
	}
	st->out->lines++;
	rc = 0;
done:
	cJSON_Delete(o);
	return rc;
}

static char *head_path(const char *path)
{
	return xasprintf("%s%s", path, JOURNAL_HEAD_SUFFIX);
}

int journal_head_read(const char *path, struct journal_head *h,
		      struct err *e)
{
	char *hp = head_path(path), *text = NULL;
	struct err re = ERR_INIT;
	size_t len = 0;
	int used = 0, rc = 1;

	memset(h, 0, sizeof(*h));
	if (read_file(hp, HEAD_MAX, &text, &len, &re)) {
		if (re.code != EXIT_NOINPUT) {
			*e = re;
			rc = -1;
		}
	} else if (len) {
		rc = sscanf(text, "vaultwise journal head: lines %lu sha256 "
				  "%64[0-9a-f]%n",
			    &h->lines, h->sha, &used) == 2 &&
				     strlen(h->sha) == SHA256_HEX_LEN - 1 &&
				     (size_t)used + 1 == len &&
				     text[used] == '\n'
			     ? 0
			     : err_set(e, EXIT_DATAERR,
				       "%s: not a journal head (expected "
				       "'vaultwise journal head: lines N "
				       "sha256 HEX')",
				       hp);
	}
	free(text);
	free(hp);
	return rc;
}

/* After the last line: a journal shorter than its head was cut. */
static int check_length(struct reader_state *st, struct err *e)
{
	if (!st->head || st->line >= st->head->lines)
		return 0;
	return err_set(e, EXIT_DATAERR,
		       "%s: cut short: it has %zu complete lines but %s "
		       "recorded %lu; lines were removed from its end",
		       st->path, st->line, st->anchor, st->head->lines);
}

static int read_journal(const char *path, journal_fn fn, void *ctx,
			struct journal_check *out,
			const struct journal_head *anchor,
			const char *anchor_desc, struct err *e)
{
	struct reader_state st = { path, fn, ctx, out, ZERO_HASH, 0, 0,
				   anchor, anchor_desc };
	struct strbuf line = STRBUF_INIT;
	FILE *f;
	int c, rc = 0;

	memset(out, 0, sizeof(*out));
	if (!(f = open_input(path, "journal ", e)))
		return -1;
	while (rc == 0 && (c = getc(f)) != EOF) {
		if (c != '\n') {
			if (line.len >= JOURNAL_MAX_LINE) {
				st.line++;
				rc = bad_line(&st, e, "line too long");
				break;
			}
			strbuf_addch(&line, (char)c);
			continue;
		}
		st.line++;
		rc = check_line(&st, line.buf, line.len, e);
		st.good_bytes += line.len + 1;
		strbuf_reset(&line);
	}
	if (rc == 0 && ferror(f))
		rc = err_errno(e, EXIT_IOERR, "cannot read journal '%s'", path);
	if (rc == 0 && line.len)
		out->incomplete_tail = true;
	out->complete_bytes = st.good_bytes;
	strlcpy_vw(out->last, st.prev, sizeof(out->last));
	if (rc == 0)
		rc = check_length(&st, e);
	out->anchored = rc == 0 && st.head;
	if (rc == 0 && st.line == 0 && !line.len)
		rc = err_set(e, EXIT_DATAERR, "%s: empty journal", path);
	strbuf_release(&line);
	fclose(f);
	return rc;
}

int journal_read(const char *path, journal_fn fn, void *ctx,
		 struct journal_check *out, struct err *e)
{
	struct journal_head head;
	char *desc;
	int rc = journal_head_read(path, &head, e);

	if (rc < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	desc = xasprintf("its head (%s%s)", path, JOURNAL_HEAD_SUFFIX);
	rc = read_journal(path, fn, ctx, out, rc == 0 ? &head : NULL, desc,
			  e);
	free(desc);
	return rc;
}

int journal_check_anchor(const char *path, const struct journal_head *anchor,
			 const char *anchor_desc, struct err *e)
{
	struct journal_check chk;

	return read_journal(path, NULL, NULL, &chk, anchor, anchor_desc, e);
}

/* Appends one line and fsyncs it. A line written in part (a full disk) is
 * cut off again, so that the next append does not follow garbage. */
static int write_line(struct journal *j, cJSON *o, struct err *e)
{
	char *text, *line;
	size_t n;
	ssize_t w;

	cJSON_AddStringToObject(o, "prev", j->prev);
	text = cJSON_PrintUnformatted(o);
	n = strlen(text);
	line = xasprintf("%s\n", text);
	w = write(j->fd, line, n + 1);
	free(line);
	if (w != (ssize_t)(n + 1) || fsync(j->fd) != 0) {
		int saved = errno;
		if (w > 0 && ftruncate(j->fd, j->size) != 0)
			debugf("cannot cut journal '%s' back", j->path);
		errno = w >= 0 && w != (ssize_t)(n + 1) && !saved ? ENOSPC
								 : saved;
		cJSON_free(text);
		return err_errno(e, EXIT_IOERR, "cannot write journal '%s'",
				 j->path);
	}
	j->size += (off_t)(n + 1);
	sha256_hex(text, n, j->prev);
	cJSON_free(text);
	return 0;
}

/* Rewrites the head in place: the lines written so far and the last
 * one's SHA-256. Returns its length, or -1. */
static int write_head(struct journal *j, struct err *e)
{
	char buf[HEAD_MAX];
	int n = snprintf(buf, sizeof(buf), HEAD_FMT, j->seq + 1, j->prev);

	if (pwrite(j->head_fd, buf, (size_t)n, 0) != n)
		return err_errno(e, EXIT_IOERR, "cannot write '%s%s'",
				 j->path, JOURNAL_HEAD_SUFFIX);
	return n;
}

/* Opens PATH.head and anchors the journal as it now is, durably. */
static int open_head(struct journal *j, struct err *e)
{
	char *hp = head_path(j->path);
	int rc = 0, n;

	j->head_fd = open(hp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			  0644);
	if (j->head_fd < 0)
		rc = err_errno(e, EXIT_CANTCREAT, "cannot open '%s'", hp);
	else if ((n = write_head(j, e)) < 0)
		rc = -1;
	else if (ftruncate(j->head_fd, n) || fsync(j->head_fd))
		rc = err_errno(e, EXIT_IOERR, "cannot write '%s'", hp);
	free(hp);
	return rc;
}

/* Makes a new file's directory entry durable too. */
static void sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path))
			  : xstrdup(".");
	int fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		if (fsync(fd) != 0)
			debugf("cannot fsync directory '%s'", dir);
		close(fd);
	}
	free(dir);
}

static int create_journal(struct journal *j, const char *plan_sha,
			  struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	char when[TIME_ISO_LEN];
	int rc;

	if (ftruncate(j->fd, 0) != 0) {
		cJSON_Delete(o);
		return err_errno(e, EXIT_IOERR, "cannot write journal '%s'",
				 j->path);
	}
	j->size = 0;
	time_format_iso(time(NULL), when);
	cJSON_AddNumberToObject(o, "seq", 0);
	cJSON_AddStringToObject(o, "journal", "vaultwise apply");
	cJSON_AddNumberToObject(o, "version", 1);
	cJSON_AddStringToObject(o, "time", when);
	cJSON_AddStringToObject(o, "plan", plan_sha);
	strlcpy_vw(j->prev, ZERO_HASH, sizeof(j->prev));
	rc = write_line(j, o, e);
	cJSON_Delete(o);
	j->seq = 0;
	if (rc == 0)
		sync_parent(j->path);
	return rc;
}

/* Verifies an existing journal and positions j after its last line. */
static int resume_journal(struct journal *j, const char *plan_sha,
			  struct err *e)
{
	struct journal_check chk;

	struct stat st;

	/* Created but killed before its header was complete: start over. */
	if (fstat(j->fd, &st) == 0 && st.st_size == 0)
		return create_journal(j, plan_sha, e);
	if (journal_read(j->path, NULL, NULL, &chk, e))
		return -1;
	if (chk.lines == 0)
		return create_journal(j, plan_sha, e);
	if (strcmp(chk.plan, plan_sha) != 0)
		return err_set(e, EXIT_DATAERR,
			       "journal '%s' belongs to another plan (the plan "
			       "changed since it was started): use a new "
			       "--journal or restore that plan",
			       j->path);
	if (chk.incomplete_tail &&
	    ftruncate(j->fd, (off_t)chk.complete_bytes) != 0)
		return err_errno(e, EXIT_IOERR, "cannot repair journal '%s'",
				 j->path);
	j->size = (off_t)chk.complete_bytes;
	strlcpy_vw(j->prev, chk.last, sizeof(j->prev));
	j->seq = chk.lines - 1;
	return 0;
}

int journal_open(struct journal *j, const char *path, const char *plan_sha,
		 struct err *e)
{
	int exists = access(path, F_OK) == 0;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->head_fd = -1;
	j->path = xstrdup(path);
	j->fd = open_nofollow(path,
			      O_WRONLY | O_APPEND | (exists ? 0 : O_CREAT),
			      path, e);
	if (j->fd < 0) {
		free(j->path);
		j->path = NULL;
		return -1;
	}
	if ((exists ? resume_journal(j, plan_sha, e)
		    : create_journal(j, plan_sha, e)) ||
	    open_head(j, e)) {
		journal_close(j);
		return -1;
	}
	return 0;
}

int journal_append(struct journal *j, const char *row, const char *state,
		   const cJSON *fields, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	char when[TIME_ISO_LEN];
	const cJSON *f;
	int rc;

	time_format_iso(time(NULL), when);
	cJSON_AddNumberToObject(o, "seq", (double)(j->seq + 1));
	cJSON_AddStringToObject(o, "time", when);
	cJSON_AddStringToObject(o, "row", row);
	cJSON_AddStringToObject(o, "state", state);
	if (fields)
		cJSON_ArrayForEach(f, fields)
			cJSON_AddItemToObject(o, f->string,
					      cJSON_Duplicate(f, 1));
	rc = write_line(j, o, e);
	cJSON_Delete(o);
	if (rc == 0)
		j->seq++;
	if (rc == 0 && j->head_fd >= 0 && write_head(j, e) < 0)
		rc = -1;
	return rc;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->head_fd >= 0)
		close(j->head_fd);
	j->fd = j->head_fd = -1;
	free(j->path);
	j->path = NULL;
}
