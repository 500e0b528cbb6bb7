/* SPDX-License-Identifier: MIT
 * strpool.h: an arena for many small strings that die together, and a
 * string-keyed hash map (open addressing) for id lookups. Pure memory. */
#ifndef VW_STRPOOL_H
#define VW_STRPOOL_H

#include <stddef.h>

struct strpool {
	struct pool_chunk *head;
};
#define STRPOOL_INIT { NULL }

/* Copies s into the pool; valid until strpool_release/reset. */
const char *strpool_dup(struct strpool *p, const char *s);
/* Frees all but the first chunk and empties it, for per-group reuse. */
void strpool_reset(struct strpool *p);
void strpool_release(struct strpool *p);

struct strmap {
	const char **keys;  /* borrowed: must outlive the map */
	size_t *vals;
	size_t cap;         /* power of two */
	size_t len;
};
#define STRMAP_INIT { NULL, NULL, 0, 0 }

/* Inserts key -> val; returns 0, or -1 when the key is already present
 * (its value is left as it was). */
int strmap_put(struct strmap *m, const char *key, size_t val);
/* Returns 0 and sets *val when found, else -1. */
int strmap_get(const struct strmap *m, const char *key, size_t *val);
void strmap_release(struct strmap *m);

#endif
