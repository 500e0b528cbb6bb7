/* SPDX-License-Identifier: MIT
 * export_text.h: running an export with its progress line and summary
 * (export and run). */
#ifndef VW_EXPORT_TEXT_H
#define VW_EXPORT_TEXT_H

#include "optimizer/base/err.h"
#include "optimizer/export/export.h"

/* export_run, showing progress on a terminal and, once done, the summary
 * and the manifest's warnings on stderr. Sets o's progress hook. */
int export_with_progress(struct export_options *o, const char *out,
			 struct err *e);

#endif
