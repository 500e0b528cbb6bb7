/* SPDX-License-Identifier: MIT
 * test_cloud.c: the transport rule (https always; plain http only to a
 * loopback host, and to IMDS when asked), national clouds and endpoint
 * overrides, and same-origin checks for the links Azure hands back. */
#include "testutil.h"

#include "optimizer/azure/cloud.h"

static void test_cloud__loopback_hosts(void **state)
{
	(void)state;
	assert_true(host_is_loopback("localhost"));
	assert_true(host_is_loopback("LOCALHOST"));
	assert_true(host_is_loopback("127.0.0.1"));
	assert_true(host_is_loopback("127.255.3.4"));
	assert_true(host_is_loopback("[::1]"));
	assert_true(host_is_loopback("::1"));
	assert_false(host_is_loopback("128.0.0.1"));
	assert_false(host_is_loopback("10.0.0.1"));
	assert_false(host_is_loopback("localhost.example.com"));
	assert_false(host_is_loopback("[::2]"));
	assert_false(host_is_loopback("169.254.169.254"));
}

static void expect_url(const char *url, bool imds, int code)
{
	struct err e = ERR_INIT;
	int rc = url_check(url, "--arm-endpoint", imds, &e);

	if (code == 0) {
		if (rc)
			fail_msg("'%s' refused: %s", url, e.msg);
		return;
	}
	assert_int_equal(rc, -1);
	assert_int_equal(e.code, code);
	assert_non_null(strstr(e.msg, "--arm-endpoint"));
}

static void test_cloud__transport_rule(void **state)
{
	(void)state;
	expect_url("https://management.azure.com", false, 0);
	expect_url("https://10.0.0.1:8443/x", false, 0);
	expect_url("http://127.0.0.1:8080", false, 0);
	expect_url("http://localhost:1/", false, 0);
	expect_url("http://[::1]:9/", false, 0);
	expect_url("http://management.azure.com", false, EXIT_USAGE);
	expect_url("http://10.255.255.1", false, EXIT_USAGE);
	expect_url("http://169.254.169.254", false, EXIT_USAGE);
	expect_url("http://169.254.169.254", true, 0);
	expect_url("ftp://127.0.0.1/", false, EXIT_USAGE);
	expect_url("not a url", false, EXIT_USAGE);
}

static void test_cloud__resolve_defaults_and_overrides(void **state)
{
	struct cloud_options o = { 0 };
	struct cloud c;
	struct err e = ERR_INIT;

	(void)state;
	unsetenv("AZURE_AUTHORITY_HOST");
	assert_int_equal(cloud_resolve(&c, &o, &e), 0);
	assert_string_equal(c.name, "AzureCloud");
	assert_string_equal(c.arm, "https://management.azure.com");
	assert_string_equal(c.authority, "https://login.microsoftonline.com");
	assert_string_equal(c.scope, "https://management.azure.com/.default");
	assert_string_equal(c.prices,
			    "https://prices.azure.com/api/retail/prices");
	assert_null(c.ca_bundle);
	cloud_release(&c);

	o.cloud = "azureusgovernment";
	assert_int_equal(cloud_resolve(&c, &o, &e), 0);
	assert_string_equal(c.arm, "https://management.usgovcloudapi.net");
	assert_string_equal(c.authority, "https://login.microsoftonline.us");
	cloud_release(&c);

	o.cloud = "AzureChinaCloud";
	o.arm_endpoint = "https://127.0.0.1:8443/";
	setenv("AZURE_AUTHORITY_HOST", "https://login.example.test//", 1);
	assert_int_equal(cloud_resolve(&c, &o, &e), 0);
	assert_string_equal(c.arm, "https://127.0.0.1:8443");
	assert_string_equal(c.authority, "https://login.example.test");
	cloud_release(&c);

	o.authority = "https://login.other.test";
	assert_int_equal(cloud_resolve(&c, &o, &e), 0);
	assert_string_equal(c.authority, "https://login.other.test");
	cloud_release(&c);
	unsetenv("AZURE_AUTHORITY_HOST");
}

static void test_cloud__resolve_refusals(void **state)
{
	struct cloud_options o = { 0 };
	struct cloud c;
	struct err e = ERR_INIT;

	(void)state;
	o.cloud = "AzureGermanCloud";
	assert_int_equal(cloud_resolve(&c, &o, &e), -1);
	assert_int_equal(e.code, EXIT_USAGE);
	err_clear(&e);
	o.cloud = NULL;
	o.authority = "http://login.microsoftonline.com";
	assert_int_equal(cloud_resolve(&c, &o, &e), -1);
	assert_int_equal(e.code, EXIT_USAGE);
	assert_non_null(strstr(e.msg, "--authority"));
	err_clear(&e);
	o.authority = NULL;
	o.prices_endpoint = "http://prices.azure.com/api/retail/prices";
	assert_int_equal(cloud_resolve(&c, &o, &e), -1);
	assert_non_null(strstr(e.msg, "--prices-endpoint"));
	err_clear(&e);
	o.prices_endpoint = NULL;
	o.ca_bundle = "/nonexistent/ca.pem";
	assert_int_equal(cloud_resolve(&c, &o, &e), -1);
	assert_int_equal(e.code, EXIT_NOINPUT);
}

static void test_cloud__same_origin(void **state)
{
	(void)state;
	assert_true(url_same_origin("https://management.azure.com/a?b=1",
				    "https://management.azure.com"));
	assert_true(url_same_origin("https://MANAGEMENT.azure.com:443/x",
				    "https://management.azure.com"));
	assert_false(url_same_origin("https://evil.example/a",
				     "https://management.azure.com"));
	assert_false(url_same_origin("http://management.azure.com/a",
				     "https://management.azure.com"));
	assert_false(url_same_origin("https://127.0.0.1:2/",
				     "https://127.0.0.1:1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cloud__loopback_hosts),
		cmocka_unit_test(test_cloud__transport_rule),
		cmocka_unit_test(test_cloud__resolve_defaults_and_overrides),
		cmocka_unit_test(test_cloud__resolve_refusals),
		cmocka_unit_test(test_cloud__same_origin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
