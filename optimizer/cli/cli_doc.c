/* SPDX-License-Identifier: MIT
 * cli_doc.c: man pages and completion word lists from the command and
 * option tables (cli_doc.h). */
#include "optimizer/cli/cli_doc.h"

#include <ctype.h>

#include "optimizer/base/version.h"

/* Text as roff: a backslash and a hyphen escaped, a line that would start
 * with a control character protected. */
static void roff_text(FILE *out, const char *s)
{
	int bol = 1;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
		bol = *s == '\n';
	}
}

static void man_option(FILE *out, const struct opt_spec *o)
{
	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", out);
	roff_text(out, o->name);
	fputs("\\fR", out);
	if (o->arg) {
		fputs(" \\fI", out);
		roff_text(out, o->arg);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	roff_text(out, o->help);
	fputc('\n', out);
}

static void man_options(FILE *out, const char *title,
			const struct opt_spec *spec)
{
	if (!spec[0].name)
		return;
	fprintf(out, ".SH %s\n", title);
	for (const struct opt_spec *o = spec; o->name; o++)
		man_option(out, o);
}

static void man_header(FILE *out, const char *page, const char *name,
		       const char *summary)
{
	fprintf(out, ".TH %s 1 \"\" \"vaultwise %s\" \"vaultwise manual\"\n",
		page, VAULTWISE_VERSION);
	fputs(".SH NAME\n", out);
	roff_text(out, name);
	fputs(" \\- ", out);
	roff_text(out, summary);
	fputc('\n', out);
}

static void man_verbatim(FILE *out, const char *title, const char *text)
{
	fprintf(out, ".SH %s\n.nf\n", title);
	roff_text(out, text);
	fputs("\n.fi\n", out);
}

void cli_doc_man(FILE *out, const struct cmd_doc *doc, const char *summary,
		 const struct opt_spec *spec, const struct opt_spec *common)
{
	char name[64], page[64];

	snprintf(name, sizeof(name), "vaultwise-%s", doc->name);
	for (size_t i = 0; i < sizeof(page); i++)
		if (!(page[i] = (char)toupper((unsigned char)name[i])))
			break;
	man_header(out, page, name, summary);
	fputs(".SH SYNOPSIS\n\\fBvaultwise ", out);
	roff_text(out, doc->name);
	fputs("\\fR ", out);
	roff_text(out, doc->usage);
	fputs("\n.SH DESCRIPTION\n", out);
	roff_text(out, doc->summary);
	fputc('\n', out);
	man_options(out, "OPTIONS", spec);
	man_options(out, "COMMON OPTIONS", common);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the help\n", out);
	if (doc->example)
		man_verbatim(out, "EXAMPLES", doc->example);
	fputs(".SH SEE ALSO\n\\fBvaultwise\\fR(1); docs/commands/", out);
	roff_text(out, doc->name);
	fputs(".md in the source\n", out);
}

void cli_doc_man_main(FILE *out, const struct command *cmds, size_t n,
		      const struct opt_spec *common, const char *exit_status)
{
	man_header(out, "VAULTWISE", "vaultwise",
		   "cost, tiering, RPO/RTO and protection audit for Azure "
		   "Backup");
	fputs(".SH SYNOPSIS\n\\fBvaultwise\\fR [\\fIcommon options\\fR] "
	      "\\fIcommand\\fR [\\fIoptions\\fR]\n"
	      ".SH DESCRIPTION\n"
	      "vaultwise reads the recovery points of every backup policy "
	      "(from Azure, or from a snapshot directory), prices each one in "
	      "Standard and in Archive, decides which to move and when, "
	      "checks RPO/RTO against targets, audits the vault protections, "
	      "and writes CSV and an HTML report.\n.SH COMMANDS\n", out);
	for (size_t i = 0; i < n; i++) {
		fputs(".TP\n\\fB", out);
		roff_text(out, cmds[i].name);
		fputs("\\fR\n", out);
		roff_text(out, cmds[i].summary);
		fputs(" (\\fBvaultwise\\-", out);
		roff_text(out, cmds[i].name);
		fputs("\\fR(1))\n", out);
	}
	man_options(out, "COMMON OPTIONS", common);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the help\n"
	      ".TP\n\\fB\\-\\-version\\fR\nprint the version\n", out);
	man_verbatim(out, "EXIT STATUS", exit_status);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n\\fBVAULTWISE_DATA\\fR\n"
	      "the directory of the bundled data (sample estate, price "
	      "sheet, targets example, time zones); by default the "
	      "\\fIshare/vaultwise\\fR directory of the installation\n"
	      ".TP\n\\fBAZURE_TENANT_ID\\fR, \\fBAZURE_CLIENT_ID\\fR, "
	      "\\fBAZURE_CLIENT_SECRET\\fR, "
	      "\\fBAZURE_CLIENT_CERTIFICATE_PATH\\fR\n"
	      "a service principal, as the Azure SDKs read it; else a managed "
	      "identity, else the Azure CLI's login\n"
	      ".SH SEE ALSO\n", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\\fBvaultwise\\-%s\\fR(1)%s", cmds[i].name,
			i + 1 < n ? ", " : "\n");
}

static void word(FILE *out, const struct opt_spec *o)
{
	fprintf(out, "--%s%s%s\t%s\n", o->name, o->arg ? " " : "",
		o->arg ? o->arg : "", o->help);
	if (o->short_name)
		fprintf(out, "-%c\t%s\n", o->short_name, o->help);
}

void cli_doc_words(FILE *out, const struct opt_spec *spec,
		   const struct opt_spec *common)
{
	for (const struct opt_spec *o = spec; o->name; o++)
		word(out, o);
	for (const struct opt_spec *o = common; o->name; o++)
		word(out, o);
	fputs("--help\tshow the help\n-h\tshow the help\n", out);
}
