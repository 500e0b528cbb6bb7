/* SPDX-License-Identifier: MIT
 * fit_text.h: the restore model's headline as text (fit and run). */
#ifndef VW_FIT_TEXT_H
#define VW_FIT_TEXT_H

#include <stdio.h>

#include "models/restore/restore_model.h"

/* Several lines ending with "wrote PATH". */
void fit_print_headline(FILE *f, const struct restore_model *m,
			const char *path);

#endif
