/* SPDX-License-Identifier: MIT
 * html.c: HTML escaping and number formatting for the report writers. */
#include "reports/html.h"

#include <math.h>

void html_escape_n(struct strbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n && p[i]) {
		size_t len;
		switch (p[i]) {
		case '&': strbuf_adds(out, "&amp;"); i++; continue;
		case '<': strbuf_adds(out, "&lt;"); i++; continue;
		case '>': strbuf_adds(out, "&gt;"); i++; continue;
		case '"': strbuf_adds(out, "&quot;"); i++; continue;
		case '\'': strbuf_adds(out, "&#39;"); i++; continue;
		default: break;
		}
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') ||
		    p[i] == 0x7f) {
			strbuf_adds(out, UTF8_REPLACEMENT);
			i++;
			continue;
		}
		len = utf8_len(p + i, n - i);
		if (!len) {
			strbuf_adds(out, UTF8_REPLACEMENT);
			i++;
			continue;
		}
		strbuf_add(out, p + i, len);
		i += len;
	}
}

void html_escape(struct strbuf *out, const char *s)
{
	html_escape_n(out, s ? s : "", SIZE_MAX);
}

void html_escapef(struct strbuf *out, const char *fmt, ...)
{
	struct strbuf tmp = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&tmp, fmt, ap);
	va_end(ap);
	html_escape(out, tmp.buf);
	strbuf_release(&tmp);
}

char *fmt_number(char *buf, size_t n, double v, int decimals)
{
	char digits[64];
	const char *p, *dot;
	size_t len, intlen, o = 0;
	size_t lead;

	if (!isfinite(v)) {
		snprintf(buf, n, "-");
		return buf;
	}
	snprintf(digits, sizeof(digits), "%.*f", decimals, v);
	/* "-0.00" reads as a loss of nothing: drop the sign. */
	if (digits[0] == '-' && strspn(digits + 1, "0.") == strlen(digits + 1))
		memmove(digits, digits + 1, strlen(digits));
	p = digits;
	if (*p == '-' && o + 1 < n)
		buf[o++] = *p++;
	dot = strchr(p, '.');
	len = strlen(p);
	intlen = dot ? (size_t)(dot - p) : len;
	lead = intlen % 3 ? intlen % 3 : 3;
	for (size_t i = 0; i < len && o + 1 < n; i++) {
		if (i < intlen && i >= lead && (i - lead) % 3 == 0)
			buf[o++] = ',';
		if (o + 1 < n)
			buf[o++] = p[i];
	}
	buf[o < n ? o : n - 1] = '\0';
	return buf;
}

char *fmt_delta(char *buf, size_t n, double v, int decimals)
{
	char num[64];
	double unit = pow(10, -decimals) / 2;

	fmt_number(num, sizeof(num), v, decimals);
	if (isfinite(v) && v >= unit)
		snprintf(buf, n, "+%s", num);
	else
		snprintf(buf, n, "%s", num);
	return buf;
}

char *fmt_percent(char *buf, size_t n, double fraction, int decimals)
{
	double pct = fraction * 100;
	double smallest = pow(10, -decimals);

	if (!isfinite(pct))
		snprintf(buf, n, "-");
	else if (pct > 0 && pct < smallest)
		snprintf(buf, n, "<%.*f%%", decimals, smallest);
	else if (pct < 100 && pct > 100 - smallest)
		snprintf(buf, n, ">%.*f%%", decimals, 100 - smallest);
	else
		snprintf(buf, n, "%.*f%%", decimals, pct);
	return buf;
}

void html_number(struct strbuf *out, double v, int decimals)
{
	char buf[80];

	strbuf_adds(out, fmt_number(buf, sizeof(buf), v, decimals));
}
