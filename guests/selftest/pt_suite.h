/*
 * PT: the page-table conformance suite (guests/selftest/pt_*.c).
 */
#ifndef SELFTEST_PT_SUITE_H
#define SELFTEST_PT_SUITE_H

void suite_pt(void);

#endif /* SELFTEST_PT_SUITE_H */
