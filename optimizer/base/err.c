/* SPDX-License-Identifier: MIT
 * err.c: first-error-wins error reporting into a caller-owned buffer. */
#include "optimizer/base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int err_vset(struct err *e, int code, const char *suffix,
		    const char *fmt, va_list ap)
{
	if (!e || e->code)
		return -1;
	e->code = code ? code : EXIT_SOFTWARE;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (suffix) {
		size_t n = strlen(e->msg);
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", suffix);
	}
	return -1;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, code, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int err_errno(struct err *e, int code, const char *fmt, ...)
{
	char why[128];
	int saved = errno;
	va_list ap;

	snprintf(why, sizeof(why), "%s", strerror(saved));
	va_start(ap, fmt);
	err_vset(e, code, why, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

void err_clear(struct err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}
