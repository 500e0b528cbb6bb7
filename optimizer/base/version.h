/* SPDX-License-Identifier: MIT
 * version.h: the tool version, printed by --version and stamped into every
 * manifest and report. */
#ifndef VW_VERSION_H
#define VW_VERSION_H
#define VAULTWISE_VERSION "0.1.0"
#endif
