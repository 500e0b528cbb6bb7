/* SPDX-License-Identifier: MIT
 * csvskip.c: the word filter's scan: 64 bytes a step into bitmasks of
 * quotes, LFs, CRs and the word's rarest letter pair, quote parity carried
 * across blocks by a prefix XOR, rows that do not name the word counted
 * and skipped by whole blocks. AVX2 (and carry-less multiply) where the
 * CPU has it, chosen at run time; SSE2 on other x86-64; plain C
 * elsewhere. */
#include "optimizer/base/csvskip.h"

#include <string.h>
#include <strings.h>

#include "optimizer/base/simd64.h"

#define RUN (1u << 20) /* bytes a call scans before it returns what ended */
#define ALL ~(uint64_t)0
/* Loads from a page ahead: the file's pages come from memory, and the
 * hardware's prefetch stops at a page's end (it took the scan of a 1.26
 * GB export from 0.31 to 0.19 s of CPU). */
#define AHEAD 4096

/* 64 bytes at q, bit i for byte i: inq the quotes' prefix XOR (set from
 * a quote to the next), lf, cr, and c0, c1 the word pair's letters in
 * any case. */
struct block {
	uint64_t inq, lf, cr, c0, c1;
};

/* One call's scan, from the row at p to lim. */
struct run {
	const struct csvscan *s;
	const char *p, *lim;
	const char *end;        /* the LF of the last row ended, or NULL */
	const char *next;       /* the first byte not scanned */
	bool hit;               /* a row naming the word starts after end */
	uint64_t in_quote;      /* ALL inside a quoted field */
	uint64_t pair_carry;    /* c0 on the byte before the block */
	uint64_t start_carry;   /* a row starts on the block's first byte */
	uint64_t cr_carry;      /* ... and one that starts with CR before */
	size_t lines, end_lines;
	uint64_t rows;
};

static uint64_t prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

static inline __attribute__((always_inline)) unsigned count(uint64_t x)
{
	return (unsigned)__builtin_popcountll(x);
}

/* Whether a pair end in pair (bits of the block at q) is where the word
 * lies, starting at or after p; *upto: the bits before the first. */
static bool named_at(const struct run *r, const char *q, uint64_t pair,
		     uint64_t *upto)
{
	const struct csvscan *s = r->s;
	size_t back = s->word_pair + 1; /* from the pair's end to the word */

	for (; pair; pair &= pair - 1) {
		unsigned h = (unsigned)__builtin_ctzll(pair);
		if ((size_t)(q + h - r->p) >= back &&
		    strncasecmp(q + h - back, s->word, s->word_len) == 0) {
			*upto = ((uint64_t)1 << h) - 1;
			return true;
		}
	}
	return false;
}

/* The block at q into the run: rows that end in it (an LF outside
 * quotes) counted unless empty or only a CR, lines counted; true to stop
 * (a row names the word, or the run is long enough and a row ended).
 * Inlined into each loop below, so compiled for its instruction set. */
static inline __attribute__((always_inline)) bool
step(struct run *r, const char *q, struct block b)
{
	uint64_t live = r->lim - q >= 64
		? ALL : ((uint64_t)1 << (r->lim - q)) - 1;
	uint64_t inside = b.inq ^ r->in_quote, upto = ALL;
	uint64_t lf = b.lf & live, ends = lf & ~inside, starts, crs;
	uint64_t pair = ((b.c0 << 1) | r->pair_carry) & b.c1 & live;

	__builtin_prefetch(q + AHEAD);
	r->in_quote = 0 - (inside >> 63);
	r->pair_carry = b.c0 >> 63;
	r->next = q + 64;
	if (pair && named_at(r, q, pair, &upto)) {
		r->hit = true;
		lf &= upto;
		ends &= upto;
	}
	starts = (ends << 1) | r->start_carry;
	crs = b.cr & starts;
	r->rows += count(ends) -
		   count(ends & (starts | (crs << 1) | r->cr_carry));
	r->start_carry = ends >> 63;
	r->cr_carry = crs >> 63;
	if (ends) {
		unsigned hi = 63 - (unsigned)__builtin_clzll(ends);
		r->end = q + hi;
		r->end_lines = r->lines + count(lf & (ALL >> (63 - hi)));
	}
	r->lines += count(lf);
	return r->hit || (r->end && r->next - r->p >= RUN);
}

static struct block block_c(const char *q, char c0, char c1)
{
	struct block b = { 0, 0, 0, 0, 0 };

	for (unsigned i = 0; i < 64; i++) {
		uint64_t bit = (uint64_t)1 << i;
		char c = q[i], l = (char)(c | 0x20);
		b.inq |= c == '"' ? bit : 0;
		b.lf |= c == '\n' ? bit : 0;
		b.cr |= c == '\r' ? bit : 0;
		b.c0 |= l == c0 ? bit : 0;
		b.c1 |= l == c1 ? bit : 0;
	}
	b.inq = prefix_xor(b.inq);
	return b;
}

static void run_c(struct run *r, char c0, char c1)
{
	for (const char *q = r->p; q < r->lim; q += 64)
		if (step(r, q, block_c(q, c0, c1)))
			return;
}

#if HAVE_X86
/* The byte c, and with 0x20 set (a letter's lower case), compared. */
struct vec16 {
	__m128i quote, lf, cr, low, c0, c1;
};

static inline __attribute__((always_inline)) struct block
block_sse2(const char *q, const struct vec16 *k)
{
	__m128i v[4], l[4];
	struct block b;

	for (unsigned i = 0; i < 4; i++) {
		v[i] = _mm_loadu_si128((const __m128i *)(const void *)
				       (q + 16 * i));
		l[i] = _mm_or_si128(v[i], k->low);
	}
	b.inq = prefix_xor(eq16(v, k->quote));
	b.lf = eq16(v, k->lf);
	b.cr = eq16(v, k->cr);
	b.c0 = eq16(l, k->c0);
	b.c1 = eq16(l, k->c1);
	return b;
}

static void run_sse2(struct run *r, char c0, char c1)
{
	const struct vec16 k = {
		_mm_set1_epi8('"'), _mm_set1_epi8('\n'), _mm_set1_epi8('\r'),
		_mm_set1_epi8(0x20), _mm_set1_epi8(c0), _mm_set1_epi8(c1),
	};

	for (const char *q = r->p; q < r->lim; q += 64)
		if (step(r, q, block_sse2(q, &k)))
			return;
}

#define TARGET_AVX2 __attribute__((target("avx2,pclmul,popcnt")))

struct vec32 {
	__m256i quote, lf, cr, low, c0, c1;
};

static inline TARGET_AVX2 uint64_t eq32(__m256i a, __m256i b, __m256i c)
{
	uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, c));
	uint32_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, c));

	return (uint64_t)hi << 32 | lo;
}

/* The quotes' prefix XOR in one carry-less multiply by all ones. */
static inline TARGET_AVX2 uint64_t clmul_prefix(uint64_t x)
{
	__m128i v = _mm_set_epi64x(0, (long long)x);

	return (uint64_t)_mm_cvtsi128_si64(
		_mm_clmulepi64_si128(v, _mm_set1_epi8(-1), 0));
}

static inline TARGET_AVX2 struct block block_avx2(const char *q,
					   const struct vec32 *k)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)q);
	__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)
				       (q + 32));
	__m256i la = _mm256_or_si256(a, k->low);
	__m256i lb = _mm256_or_si256(b, k->low);
	struct block m;

	m.inq = clmul_prefix(eq32(a, b, k->quote));
	m.lf = eq32(a, b, k->lf);
	m.cr = eq32(a, b, k->cr);
	m.c0 = eq32(la, lb, k->c0);
	m.c1 = eq32(la, lb, k->c1);
	return m;
}

static TARGET_AVX2 void run_avx2(struct run *r, char c0, char c1)
{
	const struct vec32 k = {
		_mm256_set1_epi8('"'), _mm256_set1_epi8('\n'),
		_mm256_set1_epi8('\r'), _mm256_set1_epi8(0x20),
		_mm256_set1_epi8(c0), _mm256_set1_epi8(c1),
	};

	for (const char *q = r->p; q < r->lim; q += 64)
		if (step(r, q, block_avx2(q, &k)))
			return;
}
#endif

bool csvskip_supported(int isa)
{
#if HAVE_X86
	__builtin_cpu_init();
	if (isa == CSVSKIP_AVX512)
		return csvskip_supported(CSVSKIP_AVX2) &&
		       __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512bw");
	return isa == CSVSKIP_C || isa == CSVSKIP_SSE2 ||
	       (isa == CSVSKIP_AVX2 && __builtin_cpu_supports("avx2") &&
		__builtin_cpu_supports("pclmul") &&
		__builtin_cpu_supports("popcnt"));
#else
	return isa == CSVSKIP_C;
#endif
}

int csvskip_best(void)
{
	if (csvskip_supported(CSVSKIP_AVX512))
		return CSVSKIP_AVX512;
	if (csvskip_supported(CSVSKIP_AVX2))
		return CSVSKIP_AVX2;
	return csvskip_supported(CSVSKIP_SSE2) ? CSVSKIP_SSE2 : CSVSKIP_C;
}

/* What the run found, as the caller acts on it. */
static void outcome(const struct run *r, struct csvskip *out)
{
	const struct csvscan *s = r->s;
	const char *tail = r->end ? r->end + 1 : r->p;

	out->how = CSVSKIP_ROWS;
	out->rows = r->rows;
	out->named = r->hit && r->end;
	if (r->hit && !r->end) {
		out->how = CSVSKIP_READ;
	} else if (r->end && (r->hit || !s->eof || r->next < r->lim)) {
		out->end = (size_t)(r->end - s->buf);
		out->lines = r->end_lines;
	} else if (s->eof) { /* the last row, without an LF */
		out->rows += r->lim - tail > (r->lim > tail &&
					       r->lim[-1] == '\r');
		out->end = s->len;
		out->lines = r->lines;
	} else {
		out->how = r->lim - r->p > CSVSCAN_MAX_FIELD ? CSVSKIP_READ
							  : CSVSKIP_MORE;
	}
}

void csvskip_scan(const struct csvscan *s, struct csvskip *out)
{
	struct run r = { .s = s, .p = s->buf + s->pos, .lim = s->buf + s->len,
			 .start_carry = 1 };
	char c0 = s->word[s->word_pair], c1 = s->word[s->word_pair + 1];

	r.next = r.p;
	memset(out, 0, sizeof(*out));
#if HAVE_X86
	if (s->isa >= CSVSKIP_AVX2)
		run_avx2(&r, c0, c1);
	else if (s->isa == CSVSKIP_SSE2)
		run_sse2(&r, c0, c1);
	else
#endif
		run_c(&r, c0, c1);
	outcome(&r, out);
}
