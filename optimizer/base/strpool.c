/* SPDX-License-Identifier: MIT
 * strpool.c: chunked string arena and FNV-1a open-addressing hash map. */
#include "optimizer/base/strpool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/util.h"

#define CHUNK (64 * 1024)

struct pool_chunk {
	struct pool_chunk *next;
	size_t used, size;
	char data[];
};

const char *strpool_dup(struct strpool *p, const char *s)
{
	size_t n = strlen(s) + 1;
	struct pool_chunk *c = p->head;
	char *out;

	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK ? n : CHUNK;
		c = xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		c->next = p->head;
		p->head = c;
	}
	out = c->data + c->used;
	memcpy(out, s, n);
	c->used += n;
	return out;
}

void strpool_reset(struct strpool *p)
{
	struct pool_chunk *c = p->head;

	if (!c)
		return;
	while (c->next) {
		struct pool_chunk *next = c->next;
		c->next = next->next;
		free(next);
	}
	c->used = 0;
}

void strpool_release(struct strpool *p)
{
	while (p->head) {
		struct pool_chunk *next = p->head->next;
		free(p->head);
		p->head = next;
	}
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t find_slot(const struct strmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash_str(key) & mask;

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

static void strmap_grow(struct strmap *m)
{
	struct strmap bigger = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };

	bigger.keys = xcalloc(bigger.cap, sizeof(*bigger.keys));
	bigger.vals = xcalloc(bigger.cap, sizeof(*bigger.vals));
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			strmap_put(&bigger, m->keys[i], m->vals[i]);
	strmap_release(m);
	*m = bigger;
}

int strmap_put(struct strmap *m, const char *key, size_t val)
{
	size_t i;

	if ((m->len + 1) * 2 > m->cap)
		strmap_grow(m);
	i = find_slot(m, key);
	if (m->keys[i])
		return -1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->len++;
	return 0;
}

int strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = find_slot(m, key);
	if (!m->keys[i])
		return -1;
	*val = m->vals[i];
	return 0;
}

void strmap_release(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->len = 0;
}
