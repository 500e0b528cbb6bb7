/* SPDX-License-Identifier: MIT
 * csvrow.c: the common row split from 64-byte masks: one pass over the
 * row's blocks finds its line end and makes masks of its commas and
 * blanks (any quote or NUL before the line end gives the row back), then
 * the fields are cut at the commas' bits. */
#include "optimizer/base/csvrow.h"

#include "optimizer/base/csvskip.h"
#include "optimizer/base/simd64.h"
#include "optimizer/base/util.h"

#define ALL ~(uint64_t)0
#define MAX_BLOCKS 16 /* longer rows take csvscan.c's other paths */

/* A block's bytes by kind, bit i for byte i. */
struct masks {
	uint64_t sep, eol, bad, blank; /* ','; CR, LF; '"', NUL; ' ', TAB */
};

/* The row's blocks from its first byte: commas and line end (ends) and
 * blanks, bits past the line end cleared; eol the line end. */
struct row {
	uint64_t ends[MAX_BLOCKS], blank[MAX_BLOCKS];
	size_t nb;
	char *eol;
	bool ok;              /* a common row: no quote or NUL */
};

/* The block at q into the row; true to stop (its line end found, or a
 * quote or NUL before it). */
static inline __attribute__((always_inline)) bool
take(struct row *r, char *q, const char *lim, struct masks m)
{
	uint64_t live = lim - q >= 64 ? ALL
				      : ((uint64_t)1 << (lim - q)) - 1;
	uint64_t eol = m.eol & live;
	uint64_t first = eol & (0 - eol);
	uint64_t in = eol ? first - 1 : live;

	if (m.bad & in) {
		r->ok = false;
		return true;
	}
	r->ends[r->nb] = (m.sep & in) | first;
	r->blank[r->nb++] = m.blank & in;
	if (!eol)
		return false;
	r->eol = q + __builtin_ctzll(eol);
	r->ok = true;
	return true;
}

/* No field of the row starts or ends with a blank (they are trimmed by
 * the other paths). */
static bool edges_clean(const struct row *r)
{
	uint64_t carry = 1; /* the row's first byte starts a field */

	for (size_t k = 0; k < r->nb; k++) {
		uint64_t next = k + 1 < r->nb ? r->ends[k + 1] << 63 : 0;
		uint64_t lead = (r->ends[k] << 1) | carry;
		uint64_t trail = (r->ends[k] >> 1) | next;

		if (r->blank[k] & (lead | trail))
			return false;
		carry = r->ends[k] >> 63;
	}
	return true;
}

/* The fields cut at the row's commas and line end. */
static void cut(struct csvscan *s, const struct row *r)
{
	char *p = s->buf + s->pos, *f = p;
	const char **field;
	size_t n = 0;

	if (s->falloc < r->nb * 64)
		s->field = grow_array(s->field, sizeof(*s->field),
				      r->nb * 64, &s->falloc);
	field = s->field; /* not reloaded after each NUL written */
	for (size_t k = 0; k < r->nb; k++) {
		char *q = p + 64 * k;
		for (uint64_t m = r->ends[k]; m; m &= m - 1) {
			char *c = q + __builtin_ctzll(m);
			field[n++] = f;
			*c = '\0';
			f = c + 1;
		}
	}
	s->nfields = n;
}

#if HAVE_X86
static inline uint64_t eq16_2(const __m128i v[4], __m128i c, __m128i d)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < 4; i++)
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(
			     _mm_cmpeq_epi8(v[i], c),
			     _mm_cmpeq_epi8(v[i], d))) << (16 * i);
	return m;
}

static bool row_sse2(struct row *r, char *p, const char *lim)
{
	const __m128i comma = _mm_set1_epi8(','), cr = _mm_set1_epi8('\r'),
		      lf = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"'),
		      nul = _mm_setzero_si128(), sp = _mm_set1_epi8(' '),
		      tab = _mm_set1_epi8('\t');

	for (char *q = p; q < lim && r->nb < MAX_BLOCKS; q += 64) {
		__m128i v[4];
		struct masks m;

		for (unsigned i = 0; i < 4; i++)
			v[i] = _mm_loadu_si128((const __m128i *)(const void *)
					       (q + 16 * i));
		m.sep = eq16(v, comma);
		m.eol = eq16_2(v, cr, lf);
		m.bad = eq16_2(v, quote, nul);
		m.blank = eq16_2(v, sp, tab);
		if (take(r, q, lim, m))
			return r->ok;
	}
	return false;
}

#define TARGET_AVX2 __attribute__((target("avx2")))

static inline TARGET_AVX2 uint64_t bits32(__m256i lo, __m256i hi)
{
	uint32_t a = (uint32_t)_mm256_movemask_epi8(lo);
	uint32_t b = (uint32_t)_mm256_movemask_epi8(hi);

	return (uint64_t)b << 32 | a;
}

static inline TARGET_AVX2 __m256i eq2(__m256i v, __m256i c, __m256i d)
{
	return _mm256_or_si256(_mm256_cmpeq_epi8(v, c),
			       _mm256_cmpeq_epi8(v, d));
}

static TARGET_AVX2 bool row_avx2(struct row *r, char *p, const char *lim)
{
	const __m256i comma = _mm256_set1_epi8(','),
		      cr = _mm256_set1_epi8('\r'), lf = _mm256_set1_epi8('\n'),
		      quote = _mm256_set1_epi8('"'),
		      nul = _mm256_setzero_si256(),
		      sp = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');

	for (char *q = p; q < lim && r->nb < MAX_BLOCKS; q += 64) {
		const __m256i *v = (const __m256i *)(const void *)q;
		__m256i a = _mm256_loadu_si256(v);
		__m256i b = _mm256_loadu_si256(v + 1);
		struct masks m;

		m.sep = bits32(_mm256_cmpeq_epi8(a, comma),
			       _mm256_cmpeq_epi8(b, comma));
		m.eol = bits32(eq2(a, cr, lf), eq2(b, cr, lf));
		m.bad = bits32(eq2(a, quote, nul), eq2(b, quote, nul));
		m.blank = bits32(eq2(a, sp, tab), eq2(b, sp, tab));
		if (take(r, q, lim, m))
			return r->ok;
	}
	return false;
}

#define TARGET_AVX512 __attribute__((target("avx512f,avx512bw")))

/* A 64-byte block's masks straight from AVX-512BW's compares: no
 * movemask, no joining of halves. */
static TARGET_AVX512 bool row_avx512(struct row *r, char *p,
				     const char *lim)
{
	const __m512i comma = _mm512_set1_epi8(','),
		      cr = _mm512_set1_epi8('\r'), lf = _mm512_set1_epi8('\n'),
		      quote = _mm512_set1_epi8('"'),
		      nul = _mm512_setzero_si512(),
		      sp = _mm512_set1_epi8(' '), tab = _mm512_set1_epi8('\t');

	for (char *q = p; q < lim && r->nb < MAX_BLOCKS; q += 64) {
		__m512i v = _mm512_loadu_si512((const void *)q);
		struct masks m;

		m.sep = _mm512_cmpeq_epi8_mask(v, comma);
		m.eol = _mm512_cmpeq_epi8_mask(v, cr) |
			_mm512_cmpeq_epi8_mask(v, lf);
		m.bad = _mm512_cmpeq_epi8_mask(v, quote) |
			_mm512_cmpeq_epi8_mask(v, nul);
		m.blank = _mm512_cmpeq_epi8_mask(v, sp) |
			  _mm512_cmpeq_epi8_mask(v, tab);
		if (take(r, q, lim, m))
			return r->ok;
	}
	return false;
}
#endif

bool csvrow_split(struct csvscan *s, size_t *end, size_t *nl)
{
	struct row r;
	char *p = s->buf + s->pos;
	const char *lim = s->buf + s->len;
	bool found = false;

	r.nb = 0;
#if HAVE_X86
	if (s->isa == CSVSKIP_AVX512)
		found = row_avx512(&r, p, lim);
	else if (s->isa == CSVSKIP_AVX2)
		found = row_avx2(&r, p, lim);
	else if (s->isa == CSVSKIP_SSE2)
		found = row_sse2(&r, p, lim);
#else
	(void)lim;
#endif
	/* an empty line, or one with a blank next to a separator, is the
	 * other paths' */
	if (!found || r.eol == p || !edges_clean(&r))
		return false;
	*end = (size_t)(r.eol - s->buf);
	*nl = *r.eol == '\n';
	cut(s, &r);
	return true;
}
