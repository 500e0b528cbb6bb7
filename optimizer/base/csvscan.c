/* SPDX-License-Identifier: MIT
 * csvscan.c: the CSV scanner: large reads into one buffer, quote-free rows
 * split in place, rows with quotes unescaped by a small state machine. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS and madvise (Linux, the BSDs) */
#include "optimizer/base/csvscan.h"
#include "optimizer/base/csvrow.h"
#include "optimizer/base/csvskip.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define READ_SIZE (1u << 20)
#define GIVE_BACK (8u << 20)   /* mapped bytes behind the reader freed */
#define PAD 64                 /* after the data: a final NUL, wide loads */
#define PARSE_ERROR "malformed CSV (error parsing data while strict " \
	"checking enabled): a quote inside an unquoted field, or text " \
	"after a closing quote"

enum { ROW_DONE, ROW_BLANK, ROW_MORE, ROW_FAIL, ROW_QUOTED };

/* A gzip file goes through zlib from here on. */
static int open_gzip(struct csvscan *s, struct err *e)
{
	unsigned char magic[2];

	if (pread(s->fd, magic, 2, 0) != 2 || magic[0] != 0x1f ||
	    magic[1] != 0x8b)
		return 0;
	s->gz = gzdopen(s->fd, "rb");
	if (!s->gz) {
		csvscan_close(s);
		return err_set(e, EXIT_SOFTWARE, "cannot start zlib on '%s'",
			       s->path);
	}
	s->fd = -1;
	gzbuffer(s->gz, 1u << 17);
	return 0;
}

static ssize_t read_more(struct csvscan *s, size_t n, struct err *e)
{
	ssize_t got;
	int zerr;

	if (!s->gz) {
		do
			got = read(s->fd, s->buf + s->len, n);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			err_errno(e, EXIT_IOERR, "cannot read '%s'", s->path);
		return got;
	}
	got = gzread(s->gz, s->buf + s->len,
		     (unsigned)(n < (1u << 30) ? n : 1u << 30));
	if (got < 0) {
		const char *why = gzerror(s->gz, &zerr);
		if (zerr == Z_ERRNO)
			err_errno(e, EXIT_IOERR, "cannot read '%s'", s->path);
		else
			err_set(e, EXIT_DATAERR, "%s: not a valid gzip file "
				"(%s)", s->path, why);
	}
	return got;
}

int csvscan_open(struct csvscan *s, const char *path, bool hash,
		 struct err *e)
{
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->line = 1;
	s->first_read = true;
	s->side = (struct strbuf)STRBUF_INIT;
	s->fd = open_input_fd(path, "", e);
	if (s->fd < 0 || open_gzip(s, e))
		return -1;
	if (hash) {
		s->sha = EVP_MD_CTX_new();
		if (!s->sha ||
		    EVP_DigestInit_ex(s->sha, EVP_sha256(), NULL) != 1) {
			csvscan_close(s);
			return err_set(e, EXIT_SOFTWARE,
				       "cannot start SHA-256");
		}
	}
	s->cap = READ_SIZE;
	s->buf = xmalloc(s->cap + PAD);
	s->isa = csvskip_best();
	return 0;
}

void csvscan_close(struct csvscan *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->gz)
		gzclose(s->gz);
	s->gz = NULL;
	EVP_MD_CTX_free(s->sha);
	s->sha = NULL;
	if (s->map_len)
		munmap(s->buf, s->map_len);
	else
		free(s->buf);
	s->map_len = 0;
	free(s->field);
	free(s->off);
	strbuf_release(&s->side);
	s->buf = NULL;
	s->field = NULL;
	s->off = NULL;
}

void csvscan_digest(struct csvscan *s, char hex[SHA256_HEX_LEN],
		    uint64_t *bytes)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_DigestFinal_ex(s->sha, md, &mdlen);
	hex_encode(md, mdlen, hex);
	*bytes = s->bytes;
}

/* Keeps buf[pos, len), reads more after it (growing the buffer when a row
 * fills it); sets eof at the end of the file. */
static int refill(struct csvscan *s, struct err *e)
{
	ssize_t n;

	if (s->pos) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	if (s->cap - s->len < READ_SIZE / 2) {
		s->cap *= 2;
		s->buf = xrealloc(s->buf, s->cap + PAD);
	}
	n = read_more(s, s->cap - s->len, e);
	if (n < 0)
		return -1;
	if (n == 0) {
		s->eof = true;
		return 0;
	}
	if (s->sha)
		EVP_DigestUpdate(s->sha, s->buf + s->len, (size_t)n);
	s->bytes += (uint64_t)n;
	if (s->first_read && s->len == 0 && n >= 3 &&
	    memcmp(s->buf, "\xEF\xBB\xBF", 3) == 0)
		s->pos = 3;
	s->first_read = false;
	s->len += (size_t)n;
	/* wide loads read up to 63 bytes past the data: make them defined */
	memset(s->buf + s->len, 0, PAD);
	return 0;
}

static void push_field(struct csvscan *s, const char *f)
{
	if (s->nfields == s->falloc)
		s->field = grow_array(s->field, sizeof(*s->field),
				      s->nfields + 1, &s->falloc);
	s->field[s->nfields++] = f;
}

static int too_long(struct csvscan *s, size_t nfield, struct err *e)
{
	return err_set(e, EXIT_DATAERR, "%s:%zu: field %zu is longer than %u "
		       "bytes", s->path, s->row_line, nfield + 1,
		       CSVSCAN_MAX_FIELD);
}

static int nul_byte(struct csvscan *s, size_t line, size_t nfield,
		    struct err *e)
{
	return err_set(e, EXIT_DATAERR, "%s:%zu: field %zu holds a NUL byte",
		       s->path, line, nfield + 1);
}

/* The first ',', CR, LF, quote or NUL in [p, lim), or lim: sixteen bytes
 * a step where SSE2 is there (the buffer's padding makes the last load
 * safe). */
static char *field_end(char *p, char *lim)
{
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), cr = _mm_set1_epi8('\r');
	const __m128i lf = _mm_set1_epi8('\n'), nul = _mm_setzero_si128();
	const __m128i quote = _mm_set1_epi8('"');

	for (; p < lim; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, comma),
				     _mm_cmpeq_epi8(v, cr)),
			_mm_or_si128(_mm_cmpeq_epi8(v, lf),
				     _mm_cmpeq_epi8(v, nul)));
		int bits = _mm_movemask_epi8(
			_mm_or_si128(m, _mm_cmpeq_epi8(v, quote)));
		if (bits) {
			p += __builtin_ctz((unsigned)bits);
			return p < lim ? p : lim;
		}
	}
	return lim;
#else
	for (; p < lim; p++)
		if (*p == ',' || *p == '\r' || *p == '\n' || *p == '\0' ||
		    *p == '"')
			return p;
	return lim;
#endif
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Where the row's fields end, to be cut there (NUL) once the whole row
 * is known to take the fast path. */
static void push_end(struct csvscan *s, char *last)
{
	if (s->nfields > s->offalloc)
		s->off = grow_array(s->off, sizeof(*s->off), s->nfields,
				    &s->offalloc);
	s->off[s->nfields - 1] = (size_t)(last - s->buf);
}

/* Splits the row at buf[pos] in place in one pass when it has no quote
 * and its line end is in the buffer (or the file ends without one): *end
 * is its CR or LF (or len), *nl 1 when that is an LF. ROW_QUOTED for a
 * row with a quote, ROW_MORE for one not whole: nothing is cut then. */
static int fast_row(struct csvscan *s, size_t *end, size_t *nl,
		    struct err *e)
{
	char *p = s->buf + s->pos, *lim = s->buf + s->len;

	while (p < lim && is_blank(*p))
		p++;
	if (p == lim && !s->eof)
		return ROW_MORE;
	if (p == lim || *p == '\r' || *p == '\n') {
		*end = (size_t)(p - s->buf);
		*nl = p < lim && *p == '\n';
		return ROW_BLANK;
	}
	for (;;) {
		char *start, *last;

		while (p < lim && is_blank(*p))
			p++;
		start = p;
		p = field_end(p, lim);
		if (p < lim && *p == '"')
			return ROW_QUOTED;
		if (p == lim && !s->eof)
			return ROW_MORE;
		if (p < lim && *p == '\0')
			return nul_byte(s, s->row_line, s->nfields, e),
			       ROW_FAIL;
		for (last = p; last > start && is_blank(last[-1]); last--)
			;
		if ((size_t)(last - start) > CSVSCAN_MAX_FIELD)
			return too_long(s, s->nfields, e), ROW_FAIL;
		push_field(s, start);
		push_end(s, last);
		if (p == lim || *p != ',') {
			*end = (size_t)(p - s->buf);
			*nl = p < lim && *p == '\n';
			break;
		}
		p++;
	}
	for (size_t i = 0; i < s->nfields; i++)
		s->buf[s->off[i]] = '\0';
	return ROW_DONE;
}

/* The state machine for a row with quotes, or one not known to be whole:
 * fields are unescaped into s->side. */
struct slow {
	enum { F_START, F_PLAIN, F_QUOTED, F_AFTER } st;
	bool started;         /* a field (or a comma) was seen */
	size_t spaces;        /* trailing spaces of a plain field */
	size_t flen;          /* bytes of the current field */
	size_t nl;            /* newlines inside the row's fields */
	size_t field_line;    /* the line the current field starts on */
};

static void slow_begin(struct csvscan *s, struct slow *w)
{
	if (s->nfields == s->offalloc)
		s->off = grow_array(s->off, sizeof(*s->off), s->nfields + 1,
				    &s->offalloc);
	s->off[s->nfields++] = s->side.len;
	w->flen = 0;
	w->spaces = 0;
	w->started = true;
	w->field_line = s->row_line + w->nl;
}

static void slow_end(struct csvscan *s, struct slow *w)
{
	if (w->st == F_PLAIN)
		s->side.len -= w->spaces;
	strbuf_addch(&s->side, '\0');
	w->st = F_START;
}

static int slow_add(struct csvscan *s, struct slow *w, char c,
		    struct err *e)
{
	if (c == '\0')
		return nul_byte(s, w->field_line, s->nfields - 1, e), -1;
	if (++w->flen > CSVSCAN_MAX_FIELD)
		return too_long(s, s->nfields - 1, e), -1;
	strbuf_addch(&s->side, c);
	if (c == '\n')
		w->nl++;
	return 0;
}

static int strict_error(struct csvscan *s, struct slow *w, struct err *e)
{
	err_set(e, EXIT_DATAERR, "%s:%zu: " PARSE_ERROR, s->path,
		w->field_line);
	return ROW_FAIL;
}

/* One byte of a row; ROW_DONE at its end, ROW_MORE to go on. */
static int slow_byte(struct csvscan *s, struct slow *w, char c,
		     struct err *e)
{
	bool term = c == '\r' || c == '\n', space = is_blank(c);

	switch (w->st) {
	case F_START:
		if (space)
			return ROW_MORE;
		if (term) {
			if (!w->started)
				return ROW_BLANK;
			slow_begin(s, w);
			slow_end(s, w);
			return ROW_DONE;
		}
		slow_begin(s, w);
		if (c == ',') {
			slow_end(s, w);
			return ROW_MORE;
		}
		if (c == '"') {
			w->st = F_QUOTED;
			return ROW_MORE;
		}
		w->st = F_PLAIN;
		return slow_add(s, w, c, e) ? ROW_FAIL : ROW_MORE;
	case F_PLAIN:
		if (c == '"')
			return strict_error(s, w, e);
		if (c == ',' || term) {
			slow_end(s, w);
			return term ? ROW_DONE : ROW_MORE;
		}
		w->spaces = space ? w->spaces + 1 : 0;
		return slow_add(s, w, c, e) ? ROW_FAIL : ROW_MORE;
	case F_QUOTED:
		if (c == '"') {
			w->st = F_AFTER;
			w->spaces = 0;
			return ROW_MORE;
		}
		return slow_add(s, w, c, e) ? ROW_FAIL : ROW_MORE;
	case F_AFTER:
		if (c == ',' || term) {
			slow_end(s, w);
			return term ? ROW_DONE : ROW_MORE;
		}
		if (space) {
			w->spaces++;
			return ROW_MORE;
		}
		if (c != '"' || w->spaces)
			return strict_error(s, w, e);
		w->st = F_QUOTED;
		return slow_add(s, w, c, e) ? ROW_FAIL : ROW_MORE;
	}
	return ROW_FAIL;
}

static int slow_row(struct csvscan *s, size_t *end, size_t *nl,
		    struct err *e)
{
	struct slow w = { .st = F_START };
	size_t i;
	int rc = ROW_MORE;

	strbuf_reset(&s->side);
	s->nfields = 0;
	for (i = s->pos; i < s->len && rc == ROW_MORE; i++)
		rc = slow_byte(s, &w, s->buf[i], e);
	*nl = w.nl;
	if (rc != ROW_MORE) {
		*end = i - 1;
		*nl += s->buf[*end] == '\n';
		return rc;
	}
	if (!s->eof)
		return ROW_MORE;
	*end = s->len;
	if (w.st == F_QUOTED)
		return err_set(e, EXIT_DATAERR, "%s:%zu: malformed CSV: a "
			       "quoted field is not closed before the end of "
			       "the file", s->path, w.field_line), ROW_FAIL;
	if (!w.started)
		return ROW_BLANK;
	if (w.st == F_START)
		slow_begin(s, &w);
	slow_end(s, &w);
	return ROW_DONE;
}

static void slow_fields(struct csvscan *s)
{
	size_t n = s->nfields;

	s->nfields = 0;
	for (size_t i = 0; i < n; i++)
		push_field(s, s->side.buf + s->off[i]);
}

/* The row at pos, by the fast path when it has no quote and its line end
 * is in the buffer (or the file ends without one), else by the state
 * machine; *nl: the lines it ends, its own included. A mapped file's
 * rows (the few a word keeps) all take the state machine, which copies
 * the fields out: writing into the mapping would copy the page and,
 * with other threads running, flush their TLBs by interrupts. */
static int scan_row(struct csvscan *s, size_t *end, size_t *nl,
		    struct err *e)
{
	int rc;

	*nl = 0;
	if (!s->map_len) {
		if (csvrow_split(s, end, nl))
			return ROW_DONE;
		s->nfields = 0;
		rc = fast_row(s, end, nl, e);
		if (rc != ROW_QUOTED && rc != ROW_MORE)
			return rc;
		*nl = 0;
	}
	rc = slow_row(s, end, nl, e);
	if (rc == ROW_DONE)
		slow_fields(s);
	return rc;
}

/* The rest of the file mapped in place of the buffer: an anonymous
 * mapping PAD bytes longer, the file mapped over its start, so that the
 * wide loads and the final NUL past the data land on zeroed, private
 * pages. Any failure keeps the buffer, read() as before. */
static void map_rest(struct csvscan *s)
{
	struct stat st;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), size, total, start;
	char *area;

	if (s->gz || s->sha || s->eof || fstat(s->fd, &st) != 0 ||
	    (uint64_t)st.st_size < s->bytes)
		return;
	size = (size_t)st.st_size;
	total = (size + PAD + page - 1) / page * page;
	start = (size_t)s->bytes - (s->len - s->pos);
	area = mmap(NULL, total, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return;
	if (mmap(area, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
		 s->fd, 0) == MAP_FAILED) {
		munmap(area, total);
		return;
	}
	madvise(area, size, MADV_SEQUENTIAL);
	free(s->buf);
	s->buf = area;
	s->map_len = total;
	s->given = s->ahead = start / page * page;
	s->cap = s->len = size;
	s->pos = start;
	s->bytes = size;
	s->eof = true;
}

/* The mapped pages before the row at pos: its rows are done with; and
 * the next GIVE_BACK bytes mapped ahead of it in one call, not a fault
 * per page. given stays page-aligned: the mapping's start, then
 * multiples of GIVE_BACK. */
static void give_back(struct csvscan *s)
{
	size_t upto = s->pos / GIVE_BACK * GIVE_BACK;

	if (s->pos + GIVE_BACK / 2 > s->ahead && s->ahead < s->len) {
		size_t n = s->len - s->ahead < GIVE_BACK ? s->len - s->ahead
							 : GIVE_BACK;
#ifdef MADV_POPULATE_READ /* Linux 5.14; else a fault a page */
		madvise(s->buf + s->ahead, n, MADV_POPULATE_READ);
#endif
		s->ahead += n;
	}
	if (upto <= s->given)
		return;
	madvise(s->buf + s->given, upto - s->given, MADV_DONTNEED);
	s->given = upto;
}

void csvscan_set_word(struct csvscan *s, const char *word)
{
	static const char rank[] = "etaoinsrhldcumfpgwybvkxjqz";
	size_t best = 0;

	s->word = word;
	s->word_len = strlen(word);
	for (size_t i = 0; i + 1 < s->word_len; i++) {
		const char *a = strchr(rank, word[i]), *b = strchr(rank,
								   word[i + 1]);
		const char *c = strchr(rank, word[best]),
			   *d = strchr(rank, word[best + 1]);
		if ((a < b ? a : b) > (c < d ? c : d))
			best = i;
	}
	s->word_pair = best;
	map_rest(s);
}

/* With a word: the rows from pos that do not name it skipped together
 * (ROW_BLANK: *end the last one's LF, *nl the lines they span), or
 * ROW_DONE to read the row at pos, or ROW_MORE for more data. */
static int offer_row(struct csvscan *s, size_t *end, size_t *nl)
{
	struct csvskip k;

	if (s->named) {
		s->named = false;
		return ROW_DONE;
	}
	csvskip_scan(s, &k);
	if (k.how != CSVSKIP_ROWS)
		return k.how == CSVSKIP_READ ? ROW_DONE : ROW_MORE;
	s->named = k.named;
	s->skipped += k.rows;
	*end = k.end;
	*nl = k.lines;
	return ROW_BLANK;
}

int csvscan_next(struct csvscan *s, struct err *e)
{
	for (;;) {
		size_t end = 0, nl = 0;
		int rc;

		if (s->pos >= s->len && s->eof)
			return 0;
		if (s->pos >= s->len) {
			if (refill(s, e))
				return -1;
			continue;
		}
		s->row_line = s->line;
		if (s->map_len)
			give_back(s);
		rc = s->word ? offer_row(s, &end, &nl) : ROW_DONE;
		if (rc == ROW_DONE)
			rc = scan_row(s, &end, &nl, e);
		if (rc == ROW_FAIL)
			return -1;
		if (rc == ROW_MORE) {
			if (refill(s, e))
				return -1;
			continue;
		}
		s->line += nl;
		s->pos = end < s->len ? end + 1 : s->len;
		if (rc == ROW_BLANK)
			continue;
		return 1;
	}
}

int csvscan_seek(struct csvscan *s, uint64_t at, size_t line,
		 struct err *e)
{
	uint64_t from = at >= 2 ? at - 2 : 0, o; /* the two bytes before */
	char last = 0;

	if (s->gz || s->sha || s->word || s->map_len)
		return err_set(e, EXIT_SOFTWARE, "'%s': this scan cannot "
			       "seek", s->path);
	if (lseek(s->fd, (off_t)from, SEEK_SET) < 0)
		return err_errno(e, EXIT_IOERR, "cannot seek in '%s'",
				 s->path);
	s->len = s->pos = 0;
	s->bytes = from;
	s->eof = false;
	s->first_read = at == 0;
	s->line = line;
	for (o = from; at;) {
		char c;
		if (s->pos >= s->len) {
			if (s->eof)
				return 0;
			if (refill(s, e))
				return -1;
			continue;
		}
		c = s->buf[s->pos++];
		if (++o >= at && (c == '\r' || (c == '\n' && last != '\r')))
			return 0;
		last = c;
	}
	return 0;
}
