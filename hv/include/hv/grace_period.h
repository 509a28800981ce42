/*
 * Grace periods: freeing what lock-free readers may still hold (the idea of
 * Xen's RCU, xen/common/rcupdate.c, in a smaller design of our own).
 *
 * Readers take no lock and no count: a pointer found in a published
 * structure (a domain found in the domain table) stays valid until the CPU
 * that found it passes a quiescent point, a moment when it holds no such
 * pointer: in the hypervisor, on the way back to a guest and in the idle
 * loop. A writer first unpublishes the object, then defers its free with
 * gp_defer. The free is given a ticket (the newest grace-period number,
 * `latest`) and runs only once every online CPU has passed a quiescent
 * point after that ticket was drawn, or is idle.
 *
 * Per CPU: `seen`, the newest ticket it had seen at its last quiescent point,
 * and `idle`, set while it halts with nothing borrowed: an idle CPU never
 * holds up a grace period. A CPU leaving idle clears it before it reads a
 * published pointer (an interrupt handler on an idle CPU too). A quiescent
 * point with no new ticket drawn costs one load and one compare.
 *
 * Whoever makes the last CPU's state count (its quiescent point, its going
 * idle) sees the grace period over: those calls answer true when a deferred
 * free may run, and the caller runs gp_run_ready (the hypervisor: from a
 * softirq). Callbacks may run on any CPU.
 *
 * Pure logic: compiled unchanged into tests/unit/test_grace_period.c, where
 * threads stand for CPUs.
 */
#ifndef HV_GRACE_PERIOD_H
#define HV_GRACE_PERIOD_H
#include <stdbool.h>
#include <stdint.h>
#include <hv/spinlock.h>

#define GP_MAX_CPUS 64                   /* a bit per CPU in the online mask */

/* A deferred free, embedded in the object it frees (Xen's struct rcu_head). */
struct gp_head {
    struct gp_head *next;
    uint64_t ticket;                     /* the grace period it waits for */
    void (*fn)(struct gp_head *);        /* frees the object; runs with no lock held */
};

struct gp_cpu {
    uint64_t seen;                       /* newest ticket seen at its last quiescent point */
    uint32_t idle;                       /* halting with nothing borrowed */
} __attribute__((aligned(64)));          /* written at every halt: a cache line each */

struct grace_period {
    uint64_t latest;                     /* newest ticket drawn; 0: none yet */
    uint64_t oldest;                     /* ticket of the first queued free; 0: none queued */
    spinlock_t lock;                     /* the queue: head, tail, oldest */
    struct gp_head *head, **tail;        /* waiting frees, in ticket order */
    struct gp_cpu cpu[GP_MAX_CPUS];
};

/* An empty state, for a static definition: no ticket drawn, no CPU idle. */
#define GRACE_PERIOD_INIT(var, level) \
    { .lock = SPIN_LOCK_UNLOCKED(level, #var), .head = 0, .tail = &(var).head }

/* The same at run time. `level`: the queue lock's. */
void gp_init(struct grace_period *g, unsigned int level);

/*
 * Defer fn(h) until every CPU may have let go of the object: the caller has
 * already unpublished it. Any lock below the queue's may be held. Returns
 * the ticket drawn.
 */
uint64_t gp_defer(struct grace_period *g, struct gp_head *h, void (*fn)(struct gp_head *));

/*
 * CPU `cpu` holds no borrowed pointer now. True when a deferred free may run
 * (of the CPUs in `online`, none holds up the oldest one).
 */
bool gp_quiescent(struct grace_period *g, unsigned int cpu, uint64_t online);

/*
 * CPU `cpu` is about to halt holding nothing (a quiescent point lasting
 * until gp_idle_exit). True as for gp_quiescent: then it should run the
 * ready frees rather than halt.
 */
bool gp_idle_enter(struct grace_period *g, unsigned int cpu, uint64_t online);

/* CPU `cpu` is awake (back from a halt, or in an interrupt handler): it may borrow again. */
void gp_idle_exit(struct grace_period *g, unsigned int cpu);

/* Is CPU `cpu` idle? (An interrupt handler asks before calling gp_idle_exit.) */
static inline bool gp_is_idle(const struct grace_period *g, unsigned int cpu)
{
    return __atomic_load_n(&g->cpu[cpu].idle, __ATOMIC_RELAXED);
}

/* Does CPU `cpu` still hold up `ticket`'s grace period (awake, no quiescent point since)? */
bool gp_holds_up(const struct grace_period *g, unsigned int cpu, uint64_t ticket);

/* The newest ticket whose grace period is over for the CPUs of `online`. */
uint64_t gp_completed(const struct grace_period *g, uint64_t online);

/* Run every deferred free whose grace period is over; the number run. No lock held. */
unsigned int gp_run_ready(struct grace_period *g, uint64_t online);

#endif
