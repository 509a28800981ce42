/*
 * CASE lines: the one report format of every test guest, read by
 * tests/system (serial_log.cases). PASS lines carry no detail, so they read
 * the same on Xen 4.17 and Xenolith and can be compared line for line.
 */
#ifndef OS_CASES_H
#define OS_CASES_H

enum t_result { T_PASS, T_FAIL, T_SKIP };

/* Print one CASE line; detail (printf format, may be NULL) only for FAIL and SKIP. */
void t_case(const char *id, const char *desc, enum t_result res,
            const char *detail, ...) __attribute__((format(printf, 4, 5)));

/* PASS iff got == want; the details name both on failure. */
int t_rc(const char *id, const char *desc, long got, long want);

/* PASS iff cond; detail (if any) printed only on failure. */
int t_check(const char *id, const char *desc, int cond, const char *detail, ...)
    __attribute__((format(printf, 4, 5)));

/* Number of FAIL lines so far. */
extern unsigned int t_failures;

#endif
