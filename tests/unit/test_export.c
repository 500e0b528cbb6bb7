/* SPDX-License-Identifier: MIT
 * test_export.c: --shard K/N: parsing, and that every subscription falls
 * in exactly one shard, by a hash of its lowercased id that does not
 * depend on case (so every run and every shard agree). */
#include "testutil.h"

#include "optimizer/export/export.h"

static void test_export__parse_shard(void **state)
{
	int k, n;

	(void)state;
	assert_int_equal(export_parse_shard("0/3", &k, &n), 0);
	assert_int_equal(k, 0);
	assert_int_equal(n, 3);
	assert_int_equal(export_parse_shard("2/3", &k, &n), 0);
	assert_int_equal(k, 2);
	assert_int_equal(export_parse_shard("3/3", &k, &n), -1);
	assert_int_equal(export_parse_shard("-1/3", &k, &n), -1);
	assert_int_equal(export_parse_shard("1/0", &k, &n), -1);
	assert_int_equal(export_parse_shard("1", &k, &n), -1);
	assert_int_equal(export_parse_shard("a/b", &k, &n), -1);
	assert_int_equal(export_parse_shard("0/1025", &k, &n), -1);
}

static void test_export__shards_partition(void **state)
{
	char sub[64];
	int count[5] = { 0 };

	(void)state;
	for (int i = 0; i < 500; i++) {
		int hits = 0;
		snprintf(sub, sizeof(sub),
			 "%08x-0000-4000-8000-%012x", i * 2654435761u, i);
		for (int k = 0; k < 5; k++)
			if (export_in_shard(sub, k, 5)) {
				hits++;
				count[k]++;
			}
		assert_int_equal(hits, 1);
	}
	for (int k = 0; k < 5; k++)
		assert_true(count[k] > 60); /* about 100 each */
	assert_int_equal(export_in_shard("ABCDEF01-0000-4000-8000-000000000001",
					 1, 3),
			 export_in_shard("abcdef01-0000-4000-8000-000000000001",
					 1, 3));
	assert_true(export_in_shard("anything", 0, 1));
	assert_true(export_in_shard("anything", 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export__parse_shard),
		cmocka_unit_test(test_export__shards_partition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
