/* SPDX-License-Identifier: MIT
 * test_tags.c: the snapshot's tag fields: an ARM tags object encoded
 * (sorted, ";", "=" and "%" escaped), fields checked, pairs decoded. */
#include "testutil.h"

#include "optimizer/base/tags.h"

static char *encode(const char *json)
{
	cJSON *o = cJSON_Parse(json);
	struct strbuf sb = STRBUF_INIT;

	tags_from_json(o, &sb);
	cJSON_Delete(o);
	return strbuf_detach(&sb);
}

static void test_tags__encode_sorted_and_escaped(void **state)
{
	char *s;

	(void)state;
	s = encode("{\"tier\":\"1\",\"cost;centre\":\"a=b%\",\"env\":\"prod\","
		   "\"n\":3}");
	assert_string_equal(s, "cost%3Bcentre=a%3Db%25;env=prod;tier=1");
	free(s);
	s = encode("{}");
	assert_string_equal(s, "");
	free(s);
	s = encode("null");
	assert_string_equal(s, "");
	free(s);
}

static void test_tags__decode_round_trip(void **state)
{
	const char *p = "cost%3Bcentre=a%3Db%25;env=;tier=1";
	char k[TAG_KEY_MAX], v[TAG_VALUE_MAX];

	(void)state;
	assert_true(tags_next(&p, k, v));
	assert_string_equal(k, "cost;centre");
	assert_string_equal(v, "a=b%");
	assert_true(tags_next(&p, k, v));
	assert_string_equal(k, "env");
	assert_string_equal(v, "");
	assert_true(tags_next(&p, k, v));
	assert_string_equal(k, "tier");
	assert_string_equal(v, "1");
	assert_false(tags_next(&p, k, v));
}

static void test_tags__valid(void **state)
{
	(void)state;
	assert_true(tags_valid(""));
	assert_true(tags_valid("a=1"));
	assert_true(tags_valid("a=1;b=%3D"));
	assert_false(tags_valid("a"));       /* no '=' */
	assert_false(tags_valid("=1"));      /* no key */
	assert_false(tags_valid("a=1;"));    /* a trailing ';' */
	assert_false(tags_valid("a=1=2"));   /* '=' not encoded */
	assert_false(tags_valid("a=%4"));    /* a cut escape */
	assert_false(tags_valid("a=%zz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags__encode_sorted_and_escaped),
		cmocka_unit_test(test_tags__decode_round_trip),
		cmocka_unit_test(test_tags__valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
