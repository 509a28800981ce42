/*
 * PV MMU benchmarks: reporting, and the order they run in.
 */
#include <os/console.h>
#include "pt_bench.h"

/* Median and minimum of s (sorted in place; n is at most a few 1000). */
void pt_report(const char *metric, uint64_t *s, unsigned int n)
{
    unsigned int i, j;

    for (i = 1; i < n; i++) {
        uint64_t v = s[i];

        for (j = i; j > 0 && s[j - 1] > v; j--)
            s[j] = s[j - 1];
        s[j] = v;
    }
    os_printf("BENCH %s median=%lu n=%u min=%lu\n", metric,
              (unsigned long)s[n / 2], n, (unsigned long)s[0]);
}

/* All PV MMU metrics. */
void bench_pt(void)
{
    pt_bench_updates();
    pt_bench_spaces();
    pt_bench_fault();
}
