/* SPDX-License-Identifier: MIT
 * tags.c: encoding, checking and decoding the snapshot's tag fields. */
#include "optimizer/base/tags.h"

#include <stdlib.h>
#include <string.h>

static void put_encoded(struct strbuf *out, const char *s)
{
	for (; *s; s++)
		if (*s == ';' || *s == '=' || *s == '%')
			strbuf_addf(out, "%%%02X", (unsigned char)*s);
		else
			strbuf_addch(out, *s);
}

static int cmp_key(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

void tags_from_json(const cJSON *tags, struct strbuf *out)
{
	const cJSON **kv = NULL;
	const cJSON *c;
	size_t n = 0, alloc = 0;

	if (!cJSON_IsObject(tags))
		return;
	cJSON_ArrayForEach(c, tags)
		if (cJSON_IsString(c) && c->string && c->string[0]) {
			kv = grow_array(kv, sizeof(*kv), n + 1, &alloc);
			kv[n++] = c;
		}
	if (n)
		qsort(kv, n, sizeof(*kv), cmp_key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ';');
		put_encoded(out, kv[i]->string);
		strbuf_addch(out, '=');
		put_encoded(out, kv[i]->valuestring);
	}
	free(kv);
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s up to a stop character into out (cut to n bytes); returns
 * the end, or NULL on a bad escape. */
static const char *decode(const char *s, char stop, char *out, size_t n)
{
	size_t k = 0;

	for (; *s && *s != stop && *s != ';'; s++) {
		char c = *s;

		if (c == '%') {
			if (hex(s[1]) < 0 || hex(s[2]) < 0)
				return NULL;
			c = (char)(hex(s[1]) * 16 + hex(s[2]));
			s += 2;
		}
		if (k + 1 < n)
			out[k++] = c;
	}
	out[k] = '\0';
	return s;
}

/* One pair at s: its end, or NULL when it is not "key=value". */
static const char *pair(const char *s, char key[TAG_KEY_MAX],
			char value[TAG_VALUE_MAX])
{
	s = decode(s, '=', key, TAG_KEY_MAX);
	if (!s || *s != '=' || !key[0])
		return NULL;
	s = decode(s + 1, '=', value, TAG_VALUE_MAX);
	return s && *s != '=' ? s : NULL;
}

bool tags_valid(const char *s)
{
	char k[TAG_KEY_MAX], v[TAG_VALUE_MAX];

	while (*s) {
		s = pair(s, k, v);
		if (!s || (*s == ';' && !s[1]))
			return false;
		s += *s == ';';
	}
	return true;
}

bool tags_next(const char **s, char key[TAG_KEY_MAX],
	       char value[TAG_VALUE_MAX])
{
	const char *end;

	if (!**s)
		return false;
	end = pair(*s, key, value);
	if (!end)
		return false;
	*s = end + (*end == ';');
	return true;
}
