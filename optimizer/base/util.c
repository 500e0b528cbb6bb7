/* SPDX-License-Identifier: MIT
 * util.c: xmalloc family, strbuf, strict number parsing, small string helpers. */
#include "optimizer/base/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char strbuf_empty[1];

static void out_of_memory(size_t n)
{
	fprintf(stderr, "vaultwise: error: out of memory allocating %zu bytes\n",
		n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb);
}

void *grow_array(void *array, size_t elem, size_t need, size_t *alloc)
{
	size_t n = *alloc;

	if (need <= n)
		return array;
	if (n < 16)
		n = 16;
	while (n < need)
		n = n / 2 * 3;
	*alloc = n;
	return xrealloc(array, n * elem);
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->alloc)
		return;
	if (sb->alloc == 0)
		sb->buf = NULL;
	sb->buf = grow_array(sb->buf, 1, need, &sb->alloc);
	if (sb->len == 0)
		sb->buf[0] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	strbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->alloc ? sb->buf : xstrdup("");
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
	return s;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s || is_space(*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

long clamp_round(double v, long lim)
{
	if (isnan(v))
		return 0;
	if (v >= (double)lim)
		return lim;
	if (v <= -(double)lim)
		return -lim;
	return lround(v);
}

/* A plain decimal of at most 15 digits ("58.320", "-3"): the digits as an
 * integer are exact in a double, and so is 10^k, so one division is the
 * correctly rounded value strtod gives. 1 when s is not of that form. */
static int parse_short_decimal(const char *s, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
					1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
					1e13, 1e14, 1e15 };
	const char *p = s + (*s == '-' || *s == '+');
	int64_t m = 0;
	int digits = 0, frac = -1;

	for (; *p; p++) {
		if (*p == '.' && frac < 0 && digits) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || ++digits > 15)
			return 1;
		m = m * 10 + (*p - '0');
		if (frac >= 0)
			frac++;
	}
	if (!digits || frac == 0)
		return 1;
	*out = (double)m / pow10[frac < 0 ? 0 : frac];
	if (*s == '-')
		*out = -*out;
	return 0;
}

int parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s || is_space(*s))
		return -1;
	if (parse_short_decimal(s, &v) == 0) {
		if (v < min || v > max)
			return -1;
		*out = v;
		return 0;
	}
	/* Only plain decimals: no hex floats, inf or nan from a data file. */
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

bool str_eq_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_contains_ci(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; s && *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return true;
	return false;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void utf8_sanitize(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(p + i, n - i);
		if (len) {
			strbuf_add(out, p + i, len);
			i += len;
		} else {
			strbuf_adds(out, UTF8_REPLACEMENT);
			i++;
		}
	}
}

bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0, len; i < n; i += len)
		if (!(len = utf8_len(p + i, n - i)))
			return false;
	return true;
}

void strbuf_add_printable(struct strbuf *out, const char *msg)
{
	const unsigned char *p = (const unsigned char *)msg;
	size_t n = strlen(msg);

	for (size_t i = 0, len; i < n; i += len) {
		len = utf8_len(p + i, n - i);
		if (!len) {
			strbuf_adds(out, UTF8_REPLACEMENT);
			len = 1;
		} else if (p[i] == '\n') {
			strbuf_adds(out, "\\n");
		} else if (p[i] == '\r') {
			strbuf_adds(out, "\\r");
		} else if (p[i] == '\t') {
			strbuf_adds(out, "\\t");
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			strbuf_addf(out, "\\x%02x", p[i]);
		} else if (p[i] == 0xc2 && p[i + 1] < 0xa0) {
			strbuf_addf(out, "\\u%04x", p[i + 1]);
		} else {
			strbuf_add(out, p + i, len);
		}
	}
}

void strbuf_add_shell_word(struct strbuf *sb, const char *s)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_./:@%+,-";

	if (*s && s[strspn(s, plain)] == '\0') {
		strbuf_adds(sb, s);
		return;
	}
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

size_t strlcpy_vw(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return len;
}

size_t str_split(const char *s, char sep, char **copy, const char **out,
		 size_t max)
{
	char *p = xstrdup(s);
	size_t n = 0;

	*copy = p;
	if (!*p)
		return 0;
	while (n < max) {
		char *next = strchr(p, sep);
		out[n++] = p;
		if (!next)
			break;
		*next = '\0';
		p = next + 1;
	}
	return n;
}

char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

void text_line_col(const char *text, const char *at, size_t *line,
		   size_t *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = text; p && p < at && *p; p++) {
		if (*p == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* v * 10^decimals rounded as printf rounds the exact value of v: to
 * nearest, ties to even. The product's rounding error (fma) settles the
 * cases where the rounded product lies on a half that v is not on. */
static int64_t scale_round(double v, double scale)
{
	double hi = v * scale;
	/* below 2^52 in magnitude, adding 2^52 leaves no fraction: the
	 * sum is hi rounded to nearest, ties to even (the default mode) */
	double r = hi >= 0 ? (hi + 0x1p52) - 0x1p52 : (hi - 0x1p52) + 0x1p52;
	double d = hi - r, lo;

	if (d != 0.5 && d != -0.5)
		return (int64_t)r;
	lo = fma(v, scale, -hi); /* v * scale - hi, exactly */
	return (int64_t)r + (d > 0 && lo > 0) - (d < 0 && lo < 0);
}

static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4,
				1e5, 1e6, 1e7, 1e8, 1e9 };

double round_fixed(double v, int decimals)
{
	char text[400];

	if (isnan(v))
		return v;
	/* the decimal text's value, correctly rounded either way: the
	 * quotient of two exact doubles is, and so is strtod */
	if (decimals >= 0 && decimals <= 9 &&
	    fabs(v) * pow10[decimals] < 4e15)
		return (double)scale_round(v, pow10[decimals]) /
		       pow10[decimals];
	format_fixed(text, sizeof(text), v, decimals);
	return strtod(text, NULL);
}

/* "00" to "99": two digits a division. */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* The last len decimal digits of *u (leading zeros included) written
 * backwards, ending at end; *u keeps the digits before them. Returns
 * where they start. */
static char *put_low_digits(char *end, uint64_t *u, int len)
{
	uint64_t x = *u;

	for (; len >= 2; len -= 2) {
		end -= 2;
		memcpy(end, &digit_pairs[2 * (x % 100)], 2);
		x /= 100;
	}
	if (len) {
		*--end = (char)('0' + x % 10);
		x /= 10;
	}
	*u = x;
	return end;
}

/* Decimal digits of u, at least one. */
static int decimal_length(uint64_t u)
{
	int len = 1;

	for (uint64_t p = 10; len < 19 && u >= p; p *= 10)
		len++;
	return len;
}

size_t format_fixed(char *out, size_t n, double v, int decimals)
{
	char spare[32];
	int64_t scaled;
	uint64_t u;
	size_t len;
	bool minus;
	char *p;

	/* scale_round's range: below 2^52 */
	if (decimals < 0 || decimals > 9 ||
	    !(fabs(v) * pow10[decimals] < 4e15)) {
		snprintf(out, n, "%.*f", decimals, v);
		return n ? strlen(out) : 0;
	}
	scaled = scale_round(v, pow10[decimals]);
	u = scaled < 0 ? (uint64_t)-scaled : (uint64_t)scaled;
	/* "-0.00" reads as a sign error to a person; it is zero. */
	minus = scaled < 0;
	/* the digits of u, the integer part's at least one */
	len = (size_t)decimal_length(u);
	if (len <= (size_t)decimals)
		len = (size_t)decimals + 1;
	len += (decimals > 0) + minus;
	/* written in place from the end; when out is too short, in spare
	 * and truncated as snprintf truncates */
	p = len < n ? out : spare;
	p[len] = '\0';
	p = put_low_digits(p + len, &u, decimals);
	if (decimals)
		*--p = '.';
	p = put_low_digits(p, &u, decimal_length(u));
	if (minus)
		*--p = '-';
	if (len < n)
		return len;
	if (!n)
		return 0;
	memcpy(out, p, n - 1);
	out[n - 1] = '\0';
	return n - 1;
}

size_t format_long(char out[LONG_DEC_LEN], long v)
{
	char digits[LONG_DEC_LEN];
	/* in unsigned: -LONG_MIN does not fit a long */
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	size_t len = 0, n = 0;

	do {
		digits[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[n++] = '-';
	while (len)
		out[n++] = digits[--len];
	out[n] = '\0';
	return n;
}


/* One conversion of strfmt that is not a plain %.Nf: handed to snprintf
 * with the spec as written (strfmt's callers are checked by the compiler
 * through its format attribute, so the spec is a valid one). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int one_conversion(char *out, size_t n, const char *spec, size_t len,
			  va_list *ap)
{
	char f[16];
	char conv = spec[len - 1];

	if (len >= sizeof(f))
		return snprintf(out, n, "?");
	memcpy(f, spec, len);
	f[len] = '\0';
	switch (conv) {
	case 'f': case 'g': case 'e':
		return snprintf(out, n, f, va_arg(*ap, double));
	case 's':
		return snprintf(out, n, f, va_arg(*ap, const char *));
	case 'c':
		return snprintf(out, n, f, va_arg(*ap, int));
	default:
		if (strchr(f, 'z'))
			return snprintf(out, n, f, va_arg(*ap, size_t));
		if (strstr(f, "ll"))
			return snprintf(out, n, f, va_arg(*ap, long long));
		if (strchr(f, 'l'))
			return snprintf(out, n, f, va_arg(*ap, long));
		return snprintf(out, n, f, va_arg(*ap, int));
	}
}
#pragma GCC diagnostic pop

/* Appends what of s[0..len) fits before buf's last byte (n > used);
 * returns the new length. */
static size_t put_run(char *buf, size_t used, size_t n, const char *s,
		      size_t len)
{
	if (len > n - 1 - used)
		len = n - 1 - used;
	memcpy(buf + used, s, len);
	return used + len;
}

void strfmt(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	if (!n)
		return;
	va_start(ap, fmt);
	for (const char *p = fmt; *p && used + 1 < n;) {
		char piece[64];
		const char *text = piece;
		size_t len;

		if (*p != '%') {
			len = strcspn(p, "%");
			used = put_run(buf, used, n, p, len);
			p += len;
			continue;
		}
		if (p[1] == '%') {
			buf[used++] = '%';
			p += 2;
			continue;
		}
		len = strcspn(p + 1, "diufgescx") + 2;
		if (len == 4 && p[1] == '.' && p[2] >= '0' && p[2] <= '9' &&
		    p[3] == 'f') {
			format_fixed(piece, sizeof(piece), va_arg(ap, double),
				     p[2] - '0');
		} else if (len == 2 && p[1] == 's') {
			text = va_arg(ap, const char *);
		} else {
			one_conversion(piece, sizeof(piece), p, len, &ap);
		}
		used = put_run(buf, used, n, text, strlen(text));
		p += len;
	}
	buf[used] = '\0';
	va_end(ap);
}
