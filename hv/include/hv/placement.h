/*
 * Where a vCPU runs, Xen's credit way (credit1's "two-step balance"): first
 * among the CPUs of its soft affinity (those it prefers), then among those
 * of its hard affinity (those it may use). Pure code (hv/lib/placement.c),
 * host-tested by tests/unit/test_placement.c; common/sched.c applies it when
 * it queues a waking vCPU, when a vCPU's affinity changes, and when a CPU
 * takes work from another's queue. CPU maps are cpumask_t's bits (bit n:
 * CPU n). The machine is taken as flat (no SMT siblings), where Xen's
 * weighing of sibling and socket idlers never changes its choice.
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

/* The first CPU of map after cpu, wrapping round (cpu itself last): Xen's cpumask_cycle. map not empty. */
unsigned int placement_cycle(unsigned int cpu, uint64_t map);

/*
 * The CPU a vCPU is given when its affinity changes (Xen's _csched_cpu_pick,
 * through vcpu_migrate_finish). For each step (soft when placement_soft gave
 * CPUs, then hard): start from its own CPU if the step's map holds it, else
 * the next one of the map; if that is not idle, the next idle CPU of the
 * map; stop at an idle one. Its own CPU counts as idle when nothing waits
 * in its queue (own_queue_empty), even while another vCPU runs there. With
 * no idle CPU in either step: the hard step's start. `hard` not empty.
 */
unsigned int placement_pick(unsigned int own, uint64_t hard, uint64_t soft, uint64_t idle,
                            bool own_queue_empty);

/*
 * The CPU whose queue a waking vCPU joins (where Xen's __runq_tickle sends
 * it: Xen queues it on its own CPU and an idle CPU tickled takes it): its
 * own CPU if that is idle and allowed; else the next idle CPU after its own
 * of its soft map, then of its hard map; else its own if allowed, else the
 * next allowed one. `hard` not empty.
 */
unsigned int placement_wake(unsigned int own, uint64_t hard, uint64_t soft, uint64_t idle);

/* May CPU `me` take a queued vCPU in this step (soft: only one that prefers me)? */
bool placement_may_take(enum placement_step step, unsigned int me, uint64_t hard, uint64_t soft);

#endif
