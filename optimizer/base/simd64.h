/* SPDX-License-Identifier: MIT
 * simd64.h: what csvrow.c and csvskip.c share to scan 64-byte blocks on
 * x86-64: HAVE_X86 (the intrinsics are there) and eq16, a byte's mask in
 * a block loaded as four SSE2 vectors. */
#ifndef VW_SIMD64_H
#define VW_SIMD64_H

#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

#if HAVE_X86
/* Bit i set where byte i of the block v[0..4) is c. */
static inline uint64_t eq16(const __m128i v[4], __m128i c)
{
	uint64_t m = 0;

	for (unsigned i = 0; i < 4; i++)
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(
			     _mm_cmpeq_epi8(v[i], c)) << (16 * i);
	return m;
}
#endif

#endif
