/* SPDX-License-Identifier: MIT
 * jsonutil.c: cJSON helpers (times, reading a JSON file). */
#include "optimizer/base/jsonutil.h"

#include <stdlib.h>

#include "optimizer/base/fileio.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

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

void json_add_text(cJSON *o, const char *key, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	utf8_sanitize(&sb, s ? s : "");
	cJSON_AddStringToObject(o, key, sb.buf);
	strbuf_release(&sb);
}

cJSON *json_read_object(const char *path, size_t max_bytes, struct err *e)
{
	char *text = NULL;
	const char *end = NULL;
	size_t line, col;
	cJSON *o;

	if (read_file(path, max_bytes, &text, NULL, e))
		return NULL;
	o = cJSON_ParseWithOpts(text, &end, 0);
	if (!o) {
		text_line_col(text, end, &line, &col);
		err_set(e, EXIT_DATAERR, "%s:%zu:%zu: not valid JSON", path,
			line, col);
	} else if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		o = NULL;
		err_set(e, EXIT_DATAERR, "%s: not a JSON object", path);
	}
	free(text);
	return o;
}
