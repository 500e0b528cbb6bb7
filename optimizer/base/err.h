/* SPDX-License-Identifier: MIT
 * err.h: the one error type of vaultwise. Library functions return 0 on
 * success and -1 on failure, after filling a caller-owned struct err with an
 * exit code (sysexits style, docs/commands.md) and a message. The first error
 * set wins, so a low-level message naming file and line is not overwritten by
 * a vaguer one further up. Never prints; commands report through log.h. */
#ifndef VW_ERR_H
#define VW_ERR_H

#include <stddef.h>

/* Exit codes: the values are the process exit status. */
enum vw_exit {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,     /* checks ran and something failed */
	EXIT_USAGE = 64,       /* bad command line */
	EXIT_DATAERR = 65,     /* bad input data: file, line, column named */
	EXIT_NOINPUT = 66,     /* an input file or directory does not exist */
	EXIT_UNAVAILABLE = 69, /* Azure (or a dependency) unavailable */
	EXIT_SOFTWARE = 70,    /* internal error: a bug */
	EXIT_CANTCREAT = 73,   /* an output cannot be created */
	EXIT_IOERR = 74,       /* an I/O error while reading or writing */
	EXIT_TEMPFAIL = 75,    /* temporary failure: safe to rerun */
	EXIT_NOPERM = 77,      /* permission denied (RBAC, MUA) */
};

struct err {
	int code;       /* an enum vw_exit value; 0 while no error is set */
	char msg[768];
};

#define ERR_INIT { 0, { 0 } }

/* Sets the error unless one is already set; always returns -1. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like err_set, appending ": strerror(errno)". */
int err_errno(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears a set error so that a caller that handled it can go on. */
void err_clear(struct err *e);

#endif
