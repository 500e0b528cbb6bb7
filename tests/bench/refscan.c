/* SPDX-License-Identifier: MIT
 * refscan.c: the reference scanner of the plan benchmark: the least a C
 * program must do to read recovery_points.csv, as a floor for vaultwise's
 * own reader. It maps the file and parses every field of every point into
 * a struct (times to epoch seconds, enums to numbers, sizes to doubles,
 * the item by a hash lookup of items.csv's ids), assuming the file is
 * well formed: no quotes, no checks, no messages. Prints the points and a
 * checksum of what it read. Built by `make bench`, never by `make check`. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct point {
	uint64_t rp;
	int32_t item;
	int64_t time, expiry;
	int kind, tier, ready;
	double unique_gb, full_gb;
};

#define SLOTS (1u << 20)
static char *slot_key[SLOTS];
static int32_t slot_val[SLOTS];

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int32_t lookup(const char *s, size_t n)
{
	for (uint32_t i = hash(s, n) & (SLOTS - 1); slot_key[i];
	     i = (i + 1) & (SLOTS - 1))
		if (!strncmp(slot_key[i], s, n) && !slot_key[i][n])
			return slot_val[i];
	return -1;
}

static void insert(const char *s, size_t n, int32_t v)
{
	uint32_t i = hash(s, n) & (SLOTS - 1);
	while (slot_key[i])
		i = (i + 1) & (SLOTS - 1);
	slot_key[i] = strndup(s, n);
	slot_val[i] = v;
}

static const char *map(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	void *p;

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(66);
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror(path);
		exit(74);
	}
	*len = (size_t)st.st_size;
	return p;
}

static int64_t days(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int two(const char *p)
{
	return (p[0] - '0') * 10 + p[1] - '0';
}

static int64_t iso(const char *p, const char *end)
{
	if (end - p < 20)
		return -1;
	return days(two(p) * 100 + two(p + 2), two(p + 5), two(p + 8)) *
		       86400 +
	       two(p + 11) * 3600 + two(p + 14) * 60 + two(p + 17);
}

static double decimal(const char *p, const char *end)
{
	double v = 0, scale = 1;
	int frac = 0;
	for (; p < end; p++) {
		if (*p == '.') {
			frac = 1;
			continue;
		}
		v = v * 10 + (*p - '0');
		if (frac)
			scale *= 10;
	}
	return v / scale;
}

/* The byte after the next c from p on (the file is well formed). */
static const char *after(const char *p, const char *end, int c)
{
	return (const char *)memchr(p, c, (size_t)(end - p)) + 1;
}

static int which(const char *p, const char *end, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if ((size_t)(end - p) == strlen(names[i]) &&
		    !memcmp(p, names[i], (size_t)(end - p)))
			return i;
	return -1;
}

static void load_items(const char *dir)
{
	char path[4096];
	size_t len, n = 0;
	const char *s, *p, *end;

	snprintf(path, sizeof(path), "%s/items.csv", dir);
	s = map(path, &len);
	end = s + len;
	p = after(s, end, '\n');
	while (p < end) {
		const char *comma = after(p, end, ',') - 1;
		insert(p, (size_t)(comma - p), (int32_t)n++);
		p = after(comma, end, '\n');
	}
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "daily", "weekly", "monthly",
		"yearly", "full", "differential", "log", NULL };
	static const char *const tiers[] = { "Snapshot", "Standard",
		"SnapshotAndStandard", "Archive", "SnapshotAndArchive",
		"StandardRehydrated", NULL };
	static const char *const ready[] = { "false", "true", "unknown",
		NULL };
	char path[4096];
	size_t len, points = 0;
	const char *s, *p, *end;
	double sum = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: refscan SNAPSHOT\n");
		return 64;
	}
	load_items(argv[1]);
	snprintf(path, sizeof(path), "%s/recovery_points.csv", argv[1]);
	s = map(path, &len);
	end = s + len;
	p = after(s, end, '\n');
	while (p < end) {
		const char *f[10], *q = p;
		struct point pt;
		for (int i = 0; i < 10; i++) {
			f[i] = q;
			q = after(q, end, i < 9 ? ',' : '\n');
		}
		pt.rp = strtoull(f[0], NULL, 10);
		pt.item = lookup(f[1], (size_t)(f[2] - f[1] - 1));
		pt.time = iso(f[2], f[3] - 1);
		pt.kind = which(f[3], f[4] - 1, kinds);
		pt.tier = which(f[4], f[5] - 1, tiers);
		pt.expiry = f[6] - f[5] > 1 ? iso(f[5], f[6] - 1) : -1;
		pt.ready = which(f[6], f[7] - 1, ready);
		pt.unique_gb = decimal(f[8], f[9] - 1);
		pt.full_gb = decimal(f[9], q - 1 - (q[-2] == '\r'));
		sum += pt.unique_gb + pt.full_gb + (double)pt.item +
		       (double)(pt.time + pt.expiry + pt.kind + pt.tier +
				pt.ready) * 1e-9 + (double)(pt.rp & 1);
		points++;
		p = q;
	}
	printf("%zu %.6g\n", points, sum);
	return 0;
}
