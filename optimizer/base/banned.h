/* SPDX-License-Identifier: MIT
 * banned.h: functions vaultwise must not call, turned into compile errors.
 * Included last by util.h, so every file that includes util.h is covered.
 * Use xstrdup/strbuf instead of strcpy/strcat/sprintf, parse_long/parse_double
 * instead of atoi/strtol without checks, and civil-time helpers (timeutil.h)
 * instead of gmtime/localtime. */
#ifndef VW_BANNED_H
#define VW_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_vaultwise

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
