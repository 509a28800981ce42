/*
 * Helpers of the suites that run jobs on many vCPUs (smp_many.c,
 * smp_fifo.c): vcpu_info pages for vCPUs from 32 up, a job on any vCPU
 * whether it ran before or not, and waiting for deliveries.
 */
#ifndef SELFTEST_SMP_UTIL_H
#define SELFTEST_SMP_UTIL_H

#include <os/smp.h>

/*
 * Give vCPU id a vcpu_info of ours if it has none the library knows of (64
 * to a pool page; ids below 32 keep shared_info's): 0 or Xen's error.
 */
long smp_give_info(unsigned int id);
/* Run fn(arg) on vCPU id (down): its first start or its next job. 0 or Xen's error. */
long smp_run(unsigned int id, os_vcpu_fn_t fn, void *arg);
/* Block, events enabled, until *counter exceeds `than` (any vCPU). */
void smp_block_until(volatile unsigned long *counter, unsigned long than);

#endif /* SELFTEST_SMP_UTIL_H */
