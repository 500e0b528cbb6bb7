/* SPDX-License-Identifier: MIT
 * datadir.c: the bundled data's directory, relative to the executable
 * (datadir.h). */
#include "optimizer/base/datadir.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "optimizer/base/util.h"

static const char *const candidates[] = {
	"../share/vaultwise", "data", "../data", "../../data",
};

/* The directory of the running executable, or "." when unknown. */
static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return xstrdup(".");
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return slash ? xstrndup(buf, (size_t)(slash - buf)) : xstrdup(".");
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *data_dir(void)
{
	char *dir = exe_dir(), *p = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(candidates) && !p; i++) {
		char *c = xasprintf("%s/%s", dir, candidates[i]);
		if (is_dir(c))
			p = realpath(c, NULL);
		free(c);
	}
	if (!p)
		p = xasprintf("%s/%s", dir, candidates[0]);
	free(dir);
	return p;
}
