/* SPDX-License-Identifier: MIT
 * test_strpool.c: the string arena (copies stay valid across chunks, reset
 * and release) and the id map (insert, lookup, duplicates, growth). */
#include "testutil.h"

#include "optimizer/base/strpool.h"

static void test_strpool__copies_stay_valid_across_chunks(void **state)
{
	struct strpool p = STRPOOL_INIT;
	const char *kept[5000];
	char want[48];
	char *big = xmalloc(200000);

	(void)state;
	for (int i = 0; i < 5000; i++) { /* several 64 KiB chunks */
		snprintf(want, sizeof(want), "item-%05d-padding-padding", i);
		kept[i] = strpool_dup(&p, want);
	}
	memset(big, 'x', 199999);
	big[199999] = '\0';
	assert_int_equal(strlen(strpool_dup(&p, big)), 199999);
	assert_string_equal(strpool_dup(&p, ""), "");
	for (int i = 0; i < 5000; i++) {
		snprintf(want, sizeof(want), "item-%05d-padding-padding", i);
		assert_string_equal(kept[i], want);
	}
	strpool_reset(&p);
	assert_string_equal(strpool_dup(&p, "after reset"), "after reset");
	strpool_release(&p);
	assert_null(p.head);
	strpool_release(&p);
	strpool_reset(&p); /* on an empty pool */
	free(big);
}

static void test_strpool__map_put_get(void **state)
{
	struct strmap m = STRMAP_INIT;
	size_t v = 99;

	(void)state;
	assert_int_equal(strmap_get(&m, "v-1", &v), -1); /* empty map */
	assert_int_equal(strmap_put(&m, "v-1", 0), 0);
	assert_int_equal(strmap_put(&m, "", 7), 0);
	assert_int_equal(strmap_get(&m, "v-1", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(strmap_get(&m, "", &v), 0);
	assert_int_equal(v, 7);
	/* a duplicate is refused and the first value kept */
	assert_int_equal(strmap_put(&m, "v-1", 5), -1);
	assert_int_equal(strmap_get(&m, "v-1", &v), 0);
	assert_int_equal(v, 0);
	/* lookup is exact: ids are case-sensitive */
	assert_int_equal(strmap_get(&m, "V-1", &v), -1);
	strmap_release(&m);
	assert_int_equal(strmap_get(&m, "v-1", &v), -1);
}

static void test_strpool__map_grows(void **state)
{
	struct strpool p = STRPOOL_INIT;
	struct strmap m = STRMAP_INIT;
	char key[48];
	size_t v;

	(void)state;
	for (size_t i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "i-%012zx", i * 7919);
		assert_int_equal(strmap_put(&m, strpool_dup(&p, key), i), 0);
	}
	assert_int_equal(m.len, 20000);
	for (size_t i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "i-%012zx", i * 7919);
		assert_int_equal(strmap_get(&m, key, &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(strmap_get(&m, "i-missing", &v), -1);
	strmap_release(&m);
	strpool_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strpool__copies_stay_valid_across_chunks),
		cmocka_unit_test(test_strpool__map_put_get),
		cmocka_unit_test(test_strpool__map_grows),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
