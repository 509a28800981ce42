/*
 * A CPU's run queue: the vCPUs that could run there now and wait for it,
 * ordered by priority (a lower number is more urgent), first come first
 * served within a priority. The running vCPU is not in it. Pure code
 * (hv/lib/runq.c), host-tested by tests/unit/test_runq.c; common/sched.c
 * embeds one node in every vCPU.
 *
 * The priorities are those of Xen's credit scheduler (hv/credit.h): BOOST
 * for a vCPU woken from blocking by an event or a timer while it had credit,
 * UNDER for one with credit left, OVER for one in debt.
 */
#ifndef HV_RUNQ_H
#define HV_RUNQ_H
#include <stdbool.h>
#include <stdint.h>

#define SCHED_PRI_BOOST  0
#define SCHED_PRI_UNDER  1
#define SCHED_PRI_OVER   2
#define SCHED_PRI_IDLE   3      /* an idle CPU's, for runq_find: below any vCPU's */

struct runq_node {
    struct runq_node *prev, *next;   /* NULL while not queued */
    uint8_t pri;                     /* SCHED_PRI_* */
    bool yielded;                    /* queued by runq_insert_yield: may sit behind a lower priority */
};

struct runq {
    struct runq_node head;           /* head.next: the first to run; head.prev: the last */
    unsigned int nr;
};

/* An empty queue, as a static initializer for the variable q. */
#define RUNQ_INIT(q) { .head = { .prev = &(q).head, .next = &(q).head }, .nr = 0 }

void runq_init(struct runq *q);
/* Queue n (not queued) behind every node of its priority or a more urgent one. */
void runq_insert(struct runq *q, struct runq_node *n);
/*
 * Queue n (not queued), which yields the CPU: as runq_insert, then behind
 * the first node of a lower priority too, if there is one (Xen's credit
 * yield lets one such vCPU run first).
 */
void runq_insert_yield(struct runq *q, struct runq_node *n);
/* Take n (queued in q) out. */
void runq_remove(struct runq *q, struct runq_node *n);
/*
 * Priorities of queued nodes changed: put the queue back in order, keeping
 * the order of arrival within a priority (Xen's runq_sort after accounting).
 */
void runq_sort(struct runq *q);
/*
 * The first node in run order that `can_take` accepts, among the leading
 * ones more urgent than `below` (the look stops at the first that is not, as
 * Xen's csched_runq_steal), or NULL: what a CPU with nothing better to run
 * (`below`: SCHED_PRI_IDLE, or its own OVER) takes from another CPU's queue
 * (common/sched.c: not one whose state is still on its CPU).
 */
struct runq_node *runq_find(const struct runq *q, uint8_t below,
                            bool (*can_take)(const struct runq_node *n, void *ctx), void *ctx);
/* Links consistent, priorities in order (yielded nodes aside), the count right? (tests, audits) */
bool runq_check(const struct runq *q);

static inline bool runq_queued(const struct runq_node *n)
{
    return n->next != 0;
}

/* The node to run next, or NULL. */
static inline struct runq_node *runq_first(const struct runq *q)
{
    return q->nr ? q->head.next : (struct runq_node *)0;
}

#endif
