/* SPDX-License-Identifier: MIT
 * util.h: allocation that never returns NULL, a growable string buffer, and
 * strict number parsing. Every .c file includes this (and so banned.h).
 * Never touches files or the network. */
#ifndef VW_UTIL_H
#define VW_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* Before banned.h, so that their declarations are not rewritten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: on failure these print a message and abort (like tmux's
 * xmalloc); callers never check for NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *array (of elem bytes each) so that it holds at least need items. */
void *grow_array(void *array, size_t elem, size_t need, size_t *alloc);

/* strbuf: buf is never NULL (it points at "" until something is added). */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_reset(struct strbuf *sb);
/* Returns the string (caller frees) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

/* Strict parsing: the whole string must be a number in range; no leading
 * or trailing space. Return 0 on success, -1 otherwise (out untouched). */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double min, double max, double *out);

/* v rounded to the nearest integer within [-lim, lim] (0 if not a number):
 * for counts read from outside, whose size a cast must not trust. */
long clamp_round(double v, long lim);

/* snprintf("%.*f"): fixed decimals (0-9) without printf's cost, the
 * same digits (rounded to nearest, ties to even) except that a negative
 * value that rounds to zero is written "0.00", not "-0.00". NaN and
 * values of 4e15 or more once scaled go to snprintf ("nan", "inf"):
 * the CSV writer refuses NaN before it gets here (an empty cell).
 * Returns the length written. */
size_t format_fixed(char *out, size_t n, double v, int decimals);
/* The value a reader parses back from format_fixed's text (NaN stays
 * NaN): what a sum of a CSV column's figures adds, to the bit. */
double round_fixed(double v, int decimals);

/* snprintf("%ld") without printf's cost; returns the length. */
#define LONG_DEC_LEN 21 /* "-9223372036854775808" and the NUL */
size_t format_long(char out[LONG_DEC_LEN], long v);

/* snprintf for the reasons written per recovery point: %s and %.Nf (the
 * bulk) are formatted here, any other conversion by snprintf. Always
 * NUL-terminates; truncates silently like snprintf. */
void strfmt(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ASCII case-insensitive equality. */
bool str_eq_ci(const char *a, const char *b);
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/* word occurs in s (NULL: no), ignoring ASCII case. */
bool str_contains_ci(const char *s, const char *word);

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0: no
 * overlong forms, surrogates or code points past U+10FFFF. */
size_t utf8_len(const unsigned char *s, size_t n);
/* Whether s is valid UTF-8 throughout. */
bool utf8_valid(const char *s);
/* Appends s with each byte that is not part of valid UTF-8 replaced by
 * U+FFFD, vaultwise's one rule for invalid UTF-8 in every output. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"
void utf8_sanitize(struct strbuf *out, const char *s);

/* Appends msg for a terminal: control characters (an ANSI escape, a
 * newline that would forge a line) shown as \n, \r, \t, \x1b, \u009b;
 * bytes that are not UTF-8 as U+FFFD. For text from input values. */
void strbuf_add_printable(struct strbuf *out, const char *msg);

/* Appends s as one POSIX shell word: as it is when it holds only
 * letters, digits and _./:@%+,- (and is not empty), else in single quotes
 * (a ' inside as '\''). For every value in a command vaultwise prints. */
void strbuf_add_shell_word(struct strbuf *sb, const char *s);

/* Copies src into dst of size n, always NUL-terminating; returns strlen(src). */
size_t strlcpy_vw(char *dst, const char *src, size_t n);

/* Splits s on sep into at most max pieces written into out as pointers into
 * a copy that the caller frees with free(*copy). Returns the count. */
size_t str_split(const char *s, char sep, char **copy, const char **out,
		 size_t max);

/* "a/b" from "a" and "b"; caller frees. */
char *path_join(const char *dir, const char *name);

/* Line and column (both from 1) of position at in text, for messages that
 * point into a file read whole (a JSON syntax error, say). */
void text_line_col(const char *text, const char *at, size_t *line,
		   size_t *col);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

#include "optimizer/base/banned.h"

#endif
