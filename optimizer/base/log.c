/* SPDX-License-Identifier: MIT
 * log.c: leveled stderr logging; text ("vaultwise: warning: ...") or JSON
 * lines ({"time":..., "level":..., "msg":...}) for log collectors; text
 * shows control characters escaped, never raw. */
#include "optimizer/base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "optimizer/base/jsonutil.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

static enum log_level current_level = LOG_NOTE;
static int as_json;
static unsigned warnings;

void log_setup(enum log_level level, int json)
{
	current_level = level;
	as_json = json;
}

enum log_level log_get_level(void)
{
	return current_level;
}

int log_is_json(void)
{
	return as_json;
}

unsigned log_warning_count(void)
{
	return warnings;
}

static const char *const level_names[] = { "error", "warning", "note",
					    "debug" };

static void log_emit(enum log_level level, const char *fmt, va_list ap)
{
	char msg[2048];

	if (level == LOG_WARN)
		warnings++;
	if (level > current_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (as_json) {
		char when[TIME_ISO_LEN];
		cJSON *o = cJSON_CreateObject();
		char *line;

		time_format_iso(time(NULL), when);
		cJSON_AddStringToObject(o, "time", when);
		cJSON_AddStringToObject(o, "level", level_names[level]);
		json_add_text(o, "msg", msg);
		line = cJSON_PrintUnformatted(o);
		if (line)
			fprintf(stderr, "%s\n", line);
		cJSON_free(line);
		cJSON_Delete(o);
	} else {
		struct strbuf safe = STRBUF_INIT;
		strbuf_add_printable(&safe, msg);
		if (level == LOG_NOTE)
			fprintf(stderr, "vaultwise: %s\n", safe.buf);
		else
			fprintf(stderr, "vaultwise: %s: %s\n",
				level_names[level], safe.buf);
		strbuf_release(&safe);
	}
}

#define DEFINE_LOG_FN(name, level)                     \
	void name(const char *fmt, ...)                \
	{                                              \
		va_list ap;                            \
		va_start(ap, fmt);                     \
		log_emit(level, fmt, ap);              \
		va_end(ap);                            \
	}

DEFINE_LOG_FN(errorf, LOG_ERROR)
DEFINE_LOG_FN(warnf, LOG_WARN)
DEFINE_LOG_FN(notef, LOG_NOTE)
DEFINE_LOG_FN(debugf, LOG_DEBUG)
