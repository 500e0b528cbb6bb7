/* SPDX-License-Identifier: MIT
 * schedule_bv.h: the RPO a Backup vault policy's schedule promises
 * (backup_policies.csv `schedule`: the backup rule's
 * repeatingTimeIntervals, ISO 8601 "R/START/PERIOD", joined by ';').
 * Pure computation; called by the check stage. */
#ifndef VW_SCHEDULE_BV_H
#define VW_SCHEDULE_BV_H

/* The worst gap in hours between consecutive scheduled backups, taken
 * over two cycles of the longest period so that several intervals (a
 * weekly rule on two days) interleave; NAN when schedule is empty or an
 * interval cannot be read. */
double bv_schedule_worst_gap_h(const char *schedule);

#endif
