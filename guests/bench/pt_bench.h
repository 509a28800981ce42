/*
 * PV MMU benchmarks of the bench guest (pt_*.c): page-table updates
 * through each of the three paths, pin/unpin and copy of a 64 MiB
 * address space, and a guest-handled kernel #PF.  Cycles by rdtsc,
 * reported like the other metrics:
 *     BENCH <metric> median=<cycles> n=<samples> min=<cycles>
 */
#ifndef BENCH_PT_BENCH_H
#define BENCH_PT_BENCH_H

#include <stdint.h>

/* Run every PV MMU benchmark (after the rdtsc probe of main.c). */
void bench_pt(void);

/* Sort s[0..n) and print its median and minimum under metric. */
void pt_report(const char *metric, uint64_t *s, unsigned int n);

/* The parts, one file each. */
void pt_bench_updates(void);
void pt_bench_spaces(void);
void pt_bench_fault(void);

#endif /* BENCH_PT_BENCH_H */
