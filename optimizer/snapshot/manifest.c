/* SPDX-License-Identifier: MIT
 * manifest.c: manifest.json reading and writing with cJSON. */
#include "optimizer/snapshot/manifest.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "optimizer/base/jsonutil.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"
#include "optimizer/base/version.h"

#define MANIFEST_MAX_BYTES (16u << 20)

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->format_version = MANIFEST_FORMAT_VERSION;
	m->tool_version = xstrdup(VAULTWISE_VERSION);
	m->exported_at = TIME_NONE;
	m->restore_jobs_from = TIME_NONE;
	m->backup_jobs_from = TIME_NONE;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void manifest_release(struct manifest *m)
{
	free(m->tool_version);
	free(m->source);
	free(m->tenant_id);
	free(m->generator);
	free_list(m->subscriptions, m->nsubscriptions);
	free_list(m->warnings, m->nwarnings);
	memset(m, 0, sizeof(*m));
}

void manifest_add_subscription(struct manifest *m, const char *sub)
{
	m->subscriptions = xrealloc(m->subscriptions, (m->nsubscriptions + 1) *
							      sizeof(char *));
	m->subscriptions[m->nsubscriptions++] = xstrdup(sub);
}

void manifest_add_warning(struct manifest *m, const char *text)
{
	m->warnings = xrealloc(m->warnings,
			       (m->nwarnings + 1) * sizeof(char *));
	m->warnings[m->nwarnings++] = xstrdup(text);
}

const struct manifest_file *manifest_file(const struct manifest *m,
					  const char *name)
{
	for (size_t i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].name, name) == 0)
			return &m->files[i];
	return NULL;
}

struct manifest_file *manifest_file_add(struct manifest *m, const char *name)
{
	struct manifest_file *f = (struct manifest_file *)manifest_file(m, name);

	if (f)
		return f;
	if (m->nfiles == MANIFEST_MAX_FILES)
		return NULL;
	f = &m->files[m->nfiles++];
	memset(f, 0, sizeof(*f));
	strlcpy_vw(f->name, name, sizeof(f->name));
	return f;
}

static cJSON *string_array(char **list, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(list[i]));
	return a;
}

int manifest_write(const struct manifest *m, const char *path, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *counts = cJSON_CreateObject();
	cJSON *files = cJSON_CreateObject();
	char *text;
	int rc;

	cJSON_AddNumberToObject(o, "format_version", m->format_version);
	cJSON_AddStringToObject(o, "tool_version", m->tool_version);
	cJSON_AddStringToObject(o, "source", m->source ? m->source : "csv");
	json_add_time(o, "exported_at", m->exported_at);
	cJSON_AddStringToObject(o, "tenant_id",
				m->tenant_id ? m->tenant_id : "");
	cJSON_AddItemToObject(o, "subscriptions",
			      string_array(m->subscriptions,
					   m->nsubscriptions));
	json_add_time(o, "restore_jobs_from", m->restore_jobs_from);
	json_add_time(o, "backup_jobs_from", m->backup_jobs_from);
	if (m->generator)
		cJSON_AddStringToObject(o, "generator", m->generator);
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct manifest_file *f = &m->files[i];
		cJSON *fo = cJSON_CreateObject();
		char key[40];

		snprintf(key, sizeof(key), "%.*s", (int)(strcspn(f->name, ".")),
			 f->name);
		if (f->has_rows) {
			cJSON_AddNumberToObject(counts, key, (double)f->rows);
			cJSON_AddNumberToObject(fo, "rows", (double)f->rows);
		}
		if (f->has_sha256)
			cJSON_AddStringToObject(fo, "sha256", f->sha256);
		cJSON_AddItemToObject(files, f->name, fo);
	}
	cJSON_AddItemToObject(o, "counts", counts);
	cJSON_AddItemToObject(o, "files", files);
	cJSON_AddItemToObject(o, "warnings",
			      string_array(m->warnings, m->nwarnings));
	text = cJSON_Print(o);
	cJSON_Delete(o);
	{
		char *withnl = xasprintf("%s\n", text);
		rc = afile_write_string(path, withnl, e);
		free(withnl);
	}
	cJSON_free(text);
	return rc;
}

static int bad_field(struct err *e, const char *path, const char *field,
		     const char *expected)
{
	return err_set(e, EXIT_DATAERR, "%s: field '%s': expected %s", path,
		       field, expected);
}

static int read_time(const cJSON *o, const char *key, const char *path,
		     int required, int64_t *out, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v)) {
		if (required)
			return bad_field(e, path, key, "an ISO 8601 UTC time");
		*out = TIME_NONE;
		return 0;
	}
	if (!cJSON_IsString(v) || time_parse_iso(v->valuestring, 0, out))
		return bad_field(e, path, key, "an ISO 8601 UTC time");
	return 0;
}

static char *opt_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static bool is_sha256_hex(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdefABCDEF") == 64;
}

/* A JSON number that is a row count: whole, not negative, exact. */
static bool is_count(const cJSON *v)
{
	double d = v->valuedouble;
	return cJSON_IsNumber(v) && d >= 0 && d <= 9007199254740992.0 &&
	       d == (double)(uint64_t)d;
}

static int read_files(struct manifest *m, const cJSON *files,
		      const char *path, struct err *e)
{
	const cJSON *f;

	if (!files)
		return 0;
	if (!cJSON_IsObject(files))
		return bad_field(e, path, "files", "an object");
	cJSON_ArrayForEach(f, files) {
		struct manifest_file *mf;
		const cJSON *sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
		const cJSON *rows = cJSON_GetObjectItemCaseSensitive(f, "rows");

		/* a longer name would be cut, and could alias another */
		if (strlen(f->string) >= sizeof(mf->name))
			return bad_field(e, path, "files",
					 "file names of at most 31 characters");
		mf = manifest_file_add(m, f->string);
		_Static_assert(MANIFEST_MAX_FILES == 12, "message says 12");
		if (!mf)
			return bad_field(e, path, "files", "at most 12 files");
		if (sha && (!cJSON_IsString(sha) ||
			    !is_sha256_hex(sha->valuestring)))
			return bad_field(e, path, "files.sha256",
					 "64 hex digits");
		if (rows && !is_count(rows))
			return bad_field(e, path, "files.rows",
					 "a whole number of rows");
		if (sha) {
			for (int i = 0; i < 64; i++) {
				char c = sha->valuestring[i];
				mf->sha256[i] = c >= 'A' && c <= 'F'
							? (char)(c - 'A' + 'a')
							: c;
			}
			mf->sha256[64] = '\0';
			mf->has_sha256 = true;
		}
		if (rows) {
			mf->rows = (uint64_t)rows->valuedouble;
			mf->has_rows = true;
		}
	}
	return 0;
}

int manifest_read(struct manifest *m, const char *path, struct err *e)
{
	cJSON *o = NULL;
	const cJSON *v;
	int rc = -1;

	manifest_init(m);
	o = json_read_object(path, MANIFEST_MAX_BYTES, e);
	if (!o)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(o, "format_version");
	if (!cJSON_IsNumber(v)) {
		bad_field(e, path, "format_version", "a number");
		goto done;
	}
	/* valuedouble: valueint would take 1.5 for 1 */
	if (v->valuedouble != MANIFEST_FORMAT_VERSION) {
		err_set(e, EXIT_DATAERR,
			"%s: format_version %g is not supported by vaultwise "
			"%s (it reads version %d)",
			path, v->valuedouble, VAULTWISE_VERSION,
			MANIFEST_FORMAT_VERSION);
		goto done;
	}
	free(m->tool_version);
	m->tool_version = opt_string(o, "tool_version");
	m->source = opt_string(o, "source");
	m->tenant_id = opt_string(o, "tenant_id");
	m->generator = opt_string(o, "generator");
	if (read_time(o, "exported_at", path, 1, &m->exported_at, e) ||
	    read_time(o, "restore_jobs_from", path, 0, &m->restore_jobs_from,
		      e) ||
	    read_time(o, "backup_jobs_from", path, 0, &m->backup_jobs_from, e))
		goto done;
	v = cJSON_GetObjectItemCaseSensitive(o, "subscriptions");
	if (cJSON_IsArray(v)) {
		const cJSON *s;
		cJSON_ArrayForEach(s, v)
			if (cJSON_IsString(s))
				manifest_add_subscription(m, s->valuestring);
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "warnings");
	if (cJSON_IsArray(v)) {
		const cJSON *s;
		cJSON_ArrayForEach(s, v)
			if (cJSON_IsString(s))
				manifest_add_warning(m, s->valuestring);
	}
	if (read_files(m, cJSON_GetObjectItemCaseSensitive(o, "files"), path,
		       e))
		goto done;
	rc = 0;
done:
	cJSON_Delete(o);
	return rc;
}
