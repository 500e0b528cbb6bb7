/* SPDX-License-Identifier: MIT
 * jsonutil.h: small cJSON helpers shared by the JSON files vaultwise
 * writes (manifest.json, model.json). */
#ifndef VW_JSONUTIL_H
#define VW_JSONUTIL_H

#include <stdint.h>

#include <cjson/cJSON.h>

/* key: "2026-11-01T08:00:00Z", or null for TIME_NONE. */
void json_add_time(cJSON *o, const char *key, int64_t t);

#endif
