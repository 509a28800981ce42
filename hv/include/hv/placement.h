/*
 * Where a vCPU runs, Xen's credit way (credit1's "two-step balance"): first
 * among the CPUs of its soft affinity (those it prefers), then among those
 * of its hard affinity (those it may use). Pure code (hv/lib/placement.c),
 * host-tested by tests/unit/test_placement.c; common/sched.c applies it when
 * it queues a vCPU and when an idle CPU takes work from another's queue.
 * CPU maps are cpumask_t's bits (bit n: CPU n).
 */
#ifndef HV_PLACEMENT_H
#define HV_PLACEMENT_H
#include <stdbool.h>
#include <stdint.h>

/* The balance steps, in the order they are tried. */
enum placement_step { PLACEMENT_SOFT, PLACEMENT_HARD };

/*
 * The CPUs a vCPU prefers: soft & hard, where hard holds the online CPUs
 * of its hard affinity; 0 when that preference changes nothing (no CPU in
 * common, or all of hard: Xen's has_soft_affinity false), and the soft
 * step is skipped.
 */
uint64_t placement_soft(uint64_t hard, uint64_t soft);

/*
 * The CPU whose queue a vCPU becoming runnable joins. For each step (soft
 * when placement_soft gave CPUs, then hard): its own CPU if that is idle and
 * in the step's map, else the first idle CPU of the map. With no idle CPU
 * in either: its own if hard holds it, else hard's first CPU. `hard`
 * (the soft step's map too) must not be empty.
 */
unsigned int placement_pick(unsigned int own, uint64_t hard, uint64_t soft, uint64_t idle);

/* May CPU `me` take a queued vCPU in this step (soft: only one that prefers me)? */
bool placement_may_take(enum placement_step step, unsigned int me, uint64_t hard, uint64_t soft);

#endif
