/* SPDX-License-Identifier: MIT
 * log.h: messages to stderr with levels, as text or one JSON object per line.
 * Commands talk to the user through these; library modules only use debugf
 * for diagnostics. Data never goes through here: it goes to files or stdout.
 * Messages follow git's style: lowercase, no full stop, subject quoted. */
#ifndef VW_LOG_H
#define VW_LOG_H

enum log_level {
	LOG_ERROR = 0, /* -q shows only these */
	LOG_WARN = 1,
	LOG_NOTE = 2,  /* default */
	LOG_DEBUG = 3, /* -v */
};

void log_setup(enum log_level level, int json);
enum log_level log_get_level(void);
int log_is_json(void);

void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debugf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Counts of warnings emitted so far (for end-of-run summaries). */
unsigned log_warning_count(void);

#endif
