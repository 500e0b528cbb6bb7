/* SPDX-License-Identifier: MIT
 * cmd_prices.c: `vaultwise prices fetch --region R [--currency C] --out
 * FILE`: refreshes the price sheet from the Azure Retail Prices API (no
 * credentials needed; prices_fetch.h does the work). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "optimizer/cli/cli.h"
#include "optimizer/azure/cloud.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/log.h"
#include "optimizer/prices/prices_fetch.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct prices_cli {
	const char *region, *currency, *out, *endpoint, *ca, *cloud;
};

#define OFF(f) offsetof(struct prices_cli, f)
static const struct opt_spec opts[] = {
	{ "region", 0, OPT_STR, OFF(region), "R",
	  "Azure region name, e.g. westeurope (required)", 0, 0 },
	{ "currency", 0, OPT_STR, OFF(currency), "C",
	  "currency code (default USD)", 0, 0 },
	{ "out", 0, OPT_STR, OFF(out), "FILE",
	  "write the price sheet here (required)", 0, 0 },
	{ "prices-endpoint", 0, OPT_STR, OFF(endpoint), "URL",
	  "Retail Prices API (default "
	  "https://prices.azure.com/api/retail/prices)", 0, 0 },
	{ "cloud", 0, OPT_STR, OFF(cloud), "NAME",
	  "AzureCloud (default), AzureUSGovernment or AzureChinaCloud", 0,
	  0 },
	{ "ca-bundle", 0, OPT_STR, OFF(ca), "FILE",
	  "trust these CA certificates (PEM) instead of the system's", 0, 0 },
	OPT_END,
};
#undef OFF

static const struct cmd_doc doc = {
	"prices", "fetch --region R [--currency C] --out FILE",
	"Read the Azure Retail Prices API (serviceName 'Backup', Consumption "
	"prices of\none region) into a price sheet for `plan --prices`: "
	"Standard LRS/ZRS/GRS/RA-GRS\nand Archive storage per GB-month, and "
	"the protected-instance fees of VMs, SQL,\nSAP HANA and Azure Files. "
	"Reservation prices are left out; meters the API does\nnot list "
	"(rehydration, usually) are reported and left out too.",
	"  vaultwise prices fetch --region westeurope --currency EUR --out "
	"prices.csv",
	1, 1
};

static void report_missing(const struct prices_fetch_sheet *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (int m = 0; m < M_COUNT; m++)
		if (!s->rows[m].found)
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "",
				    meter_names[m]);
	if (sb.len)
		warnf("no price in the API for %s in %s; not in the sheet",
		      sb.buf, s->region);
	strbuf_release(&sb);
}

int cmd_prices(int argc, char **argv)
{
	struct prices_cli c = { 0 };
	struct cloud_options co = { 0 };
	struct cloud cloud;
	struct prices_fetch_sheet sheet;
	struct opt_list args;
	struct err e = ERR_INIT;
	char today[DATE_ISO_LEN];
	int rc = cli_parse(&doc, opts, &c, argc, argv, &args), n;

	if (rc != CLI_RUN)
		goto done;
	if (strcmp(args.items[0], "fetch") != 0) {
		rc = usage_error("prices", "unknown subcommand '%s' (only "
					   "'fetch')",
				 args.items[0]);
		goto done;
	}
	if (!c.region || !c.out) {
		rc = usage_error("prices", "--region and --out are required");
		goto done;
	}
	co.cloud = c.cloud;
	co.prices_endpoint = c.endpoint;
	co.ca_bundle = c.ca;
	/* the sheet is written after the fetch: its place is checked first */
	if (afile_check(c.out, &e)) {
		errorf("prices: %s", e.msg);
		rc = e.code;
		goto done;
	}
	if (cloud_resolve(&cloud, &co, &e)) {
		errorf("prices: %s", e.msg);
		rc = e.code;
		goto done;
	}
	rc = prices_fetch(&sheet, &cloud, c.region,
			  c.currency ? c.currency : "USD", &e);
	time_format_date(time(NULL), today);
	n = rc ? -1
	       : prices_fetch_write(&sheet, cloud.prices, today, c.out, &e);
	if (n < 0) {
		errorf("prices: %s", e.msg);
		rc = e.code;
	} else if (n == 0) {
		errorf("prices: the API lists no Backup price for region '%s' "
		       "(%zu items read); nothing written",
		       c.region, sheet.items_seen);
		rc = EXIT_DATAERR;
	} else {
		report_missing(&sheet);
		notef("wrote %d prices for %s in %s to '%s' (%zu API items, "
		      "%zu reservation rows dropped)",
		      n, c.region, sheet.rows[0].found ? sheet.rows[0].currency
							: sheet.currency,
		      c.out, sheet.items_seen, sheet.reservations_dropped);
		rc = 0;
	}
	cloud_release(&cloud);
done:
	free(args.items);
	return rc;
}
