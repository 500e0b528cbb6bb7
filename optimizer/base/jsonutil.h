/* SPDX-License-Identifier: MIT
 * jsonutil.h: small cJSON helpers shared by the JSON files vaultwise
 * writes and reads back (manifest.json, model.json, plan.json). */
#ifndef VW_JSONUTIL_H
#define VW_JSONUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "optimizer/base/err.h"

/* key: "2026-11-01T08:00:00Z", or null for TIME_NONE. */
void json_add_time(cJSON *o, const char *key, int64_t t);

/* key: s as a JSON string, each byte that is not part of valid UTF-8
 * replaced by U+FFFD (utf8_sanitize), so the file stays valid JSON. For
 * text from input: names, ids, paths. */
void json_add_text(cJSON *o, const char *key, const char *s);

/* The JSON object in the file at path (at most max_bytes), for the caller
 * to cJSON_Delete; NULL with e set (65 naming line and column when it is
 * not JSON, or not an object; read_file's codes otherwise). */
cJSON *json_read_object(const char *path, size_t max_bytes, struct err *e);

#endif
