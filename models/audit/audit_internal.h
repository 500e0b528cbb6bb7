/* SPDX-License-Identifier: MIT
 * audit_internal.h: what the posture rule files (models/audit) share:
 * the rule functions the dispatch table in audit_rules.c calls, and small
 * helpers for writing findings. Internal to the posture module: other code
 * includes audit_rules.h. Pure memory, no I/O. */
#ifndef VW_POSTURE_RULES_H
#define VW_POSTURE_RULES_H

#include <stdarg.h>

#include "models/audit/audit_rules.h"
#include "optimizer/base/util.h"

/* Marks a finding failed at a severity. */
static inline void fail(struct finding *f, int severity)
{
	f->pass = false;
	f->severity = severity;
}

/* Appends to sb, separated from what is there by sep. */
static inline void add_part(struct strbuf *sb, const char *sep,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void add_part(struct strbuf *sb, const char *sep,
			    const char *fmt, ...)
{
	va_list ap;

	if (sb->len)
		strbuf_adds(sb, sep);
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Counts a listed name; after POSTURE_LIST_MAX only counts. Returns
 * whether the caller should write it. */
static inline bool list_room(size_t *listed)
{
	return (*listed)++ < POSTURE_LIST_MAX;
}

static inline void list_end(struct strbuf *sb, size_t listed)
{
	if (listed > POSTURE_LIST_MAX)
		strbuf_addf(sb, " (+%zu more)", listed - POSTURE_LIST_MAX);
}

/* "-g RG -n VAULT" for az commands, each value a quoted shell word. */
static inline void vault_args(struct strbuf *sb, const struct vault *v)
{
	strbuf_adds(sb, "-g ");
	strbuf_add_shell_word(sb, v->resource_group);
	strbuf_adds(sb, " -n ");
	strbuf_add_shell_word(sb, v->vault_name);
}

static inline char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* strstr ignoring ASCII case. */
static inline const char *find_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++) {
		size_t i = 0;
		while (i < n && s[i] &&
		       ascii_lower(s[i]) == ascii_lower(needle[i]))
			i++;
		if (i == n)
			return s;
	}
	return NULL;
}

/* Copies the segment after "/key/" of an ARM id into out. */
static inline bool arm_segment(const char *id, const char *key, char *out,
			       size_t n)
{
	char pat[64];
	const char *p;
	size_t len;

	snprintf(pat, sizeof(pat), "/%s/", key);
	p = id ? find_ci(id, pat) : NULL;
	if (!p)
		return false;
	p += strlen(pat);
	len = strcspn(p, "/");
	if (!len || len >= n)
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

/* A token of a vault's name or resource group that marks it as not
 * production ("dev", "test", ...), or NULL. */
const char *non_production_token(const char *vault_name,
				 const char *resource_group);

/* The rules (one finding each; see audit_rules.h). */
#define POSTURE_RULE(name)                                      \
	void name(const struct vault_view *vv,                  \
		  const struct audit_inputs *in, struct finding *f)
POSTURE_RULE(audit_immutable);
POSTURE_RULE(audit_soft_delete);
POSTURE_RULE(audit_mua);
POSTURE_RULE(audit_enhanced);
POSTURE_RULE(audit_tiering);
POSTURE_RULE(audit_redundancy);
POSTURE_RULE(audit_xsub_restore);
POSTURE_RULE(audit_public_network);
POSTURE_RULE(audit_cmk);
POSTURE_RULE(audit_job_alerts);

#endif
