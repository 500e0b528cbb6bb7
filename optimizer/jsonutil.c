/* SPDX-License-Identifier: MIT
 * jsonutil.c: cJSON helpers (times). */
#include "jsonutil.h"

#include "timeutil.h"

void json_add_time(cJSON *o, const char *key, int64_t t)
{
	char s[TIME_ISO_LEN];

	if (t == TIME_NONE) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	time_format_iso(t, s);
	cJSON_AddStringToObject(o, key, s);
}
