/* SPDX-License-Identifier: MIT
 * tags.h: Azure resource tags as the snapshot keeps them (vaults.csv
 * `tags`, items.csv `source_tags`): "key=value" pairs joined by ";",
 * sorted by key, with ";", "=" and "%" percent-encoded in keys and values
 * ("cost%3Bcentre=a%3Db"). Encoding an ARM `tags` object, checking a
 * field, and reading the pairs back. No I/O. */
#ifndef VW_TAGS_H
#define VW_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "optimizer/base/util.h"

/* Azure allows 512 characters in a tag name and 256 in a value. */
#define TAG_KEY_MAX 520
#define TAG_VALUE_MAX 264

/* Appends the encoded pairs of an ARM `tags` object (NULL or not an
 * object: nothing; values that are not strings are left out). */
void tags_from_json(const cJSON *tags, struct strbuf *out);

/* Whether s is a well-formed tags field ("" is: no tags). */
bool tags_valid(const char *s);

/* Decodes the pair at *s into key and value (NUL-terminated, each cut
 * to its buffer) and moves *s past it. False when no pair is left. */
bool tags_next(const char **s, char key[TAG_KEY_MAX],
	       char value[TAG_VALUE_MAX]);

#endif
