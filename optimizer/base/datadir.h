/* SPDX-License-Identifier: MIT
 * datadir.h: where the bundled data (sample estate, price sheet, targets
 * example, time zones) is, found from where the running binary is rather
 * than baked in at build time, so that an installed or moved vaultwise
 * finds its own and a binary holds no path of the machine it was built on.
 * $VAULTWISE_DATA, when set, wins over this (fileio.h, data_path). */
#ifndef VW_DATADIR_H
#define VW_DATADIR_H

/* The first of these that is a directory, next to the executable:
 * ../share/vaultwise (installed by `make install`), data/ (./vaultwise at
 * the top of a source tree), ../data (build/vaultwise) and ../../data
 * (build/tests/test_*). When none is, the installed place, for messages.
 * Caller frees. */
char *data_dir(void);

#endif
