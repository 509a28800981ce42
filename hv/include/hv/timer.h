/*
 * Timers: a deadline in system time (ns since boot), a callback and its
 * argument, and the CPU whose softirq runs it (the shape of Xen's
 * struct timer). Each CPU keeps its active timers in a binary min-heap
 * ordered by deadline and programs one LAPIC deadline, for the heap's top;
 * the timer softirq runs every timer that is due, earliest first, with
 * interrupts enabled and never in interrupt context.
 *
 * The heap itself (timer_heap_*) is pure code in hv/lib/timer_heap.c,
 * host-tested by tests/unit/test_timer_heap.c. Its slots are reserved when a
 * timer is initialised, so arming a timer never needs memory and cannot fail.
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timer {
    uint64_t expires;                /* system time ns, valid while active */
    void (*fn)(void *data);          /* run by the timer softirq of `cpu` */
    void *data;
    unsigned int heap_pos;           /* 1-based slot in its CPU's heap; 0: not active */
    uint16_t cpu;
    uint8_t status;                  /* TIMER_UNUSED, TIMER_READY or TIMER_KILLED */
};

#define TIMER_UNUSED 0               /* zeroed memory: never initialised */
#define TIMER_READY  1               /* initialised: may be set and stopped */
#define TIMER_KILLED 2               /* killed: setting it does nothing */

/* A min-heap of timers by deadline: slot[0] is the earliest. */
struct timer_heap {
    struct timer **slot;
    unsigned int nr;                 /* timers in the heap */
    unsigned int cap;                /* slots in `slot` */
    unsigned int reserved;           /* slots promised to initialised timers (<= cap) */
};

/* Insert t (not in any heap) at its t->expires: false, and no change, if the heap is full. */
bool timer_heap_insert(struct timer_heap *h, struct timer *t);
/* Take t out of h (t must be in h). */
void timer_heap_remove(struct timer_heap *h, struct timer *t);
/* The earliest timer, or NULL. */
static inline struct timer *timer_heap_first(const struct timer_heap *h)
{
    return h->nr ? h->slot[0] : (struct timer *)0;
}
/* Is the heap property intact and does every timer know its slot? (tests, audits) */
bool timer_heap_check(const struct timer_heap *h);

static inline bool timer_is_active(const struct timer *t)
{
    return t->heap_pos != 0;
}

/*
 * The timer interface (hv/common/timer.c). Any of them may be called with
 * interrupts on or off; they disable interrupts around the heap.
 *
 * init_timer: prepare a new or killed timer for `cpu`, reserving its heap
 * slot; 0, or -ENOMEM (the heap could not grow; the timer stays unused).
 * set_timer: (re)arm at `expires`; a deadline already past fires on the next
 * softirq run, which is raised at once. Does nothing for a killed timer.
 * stop_timer: disarm; nothing if it is not active.
 * kill_timer: disarm for good and give its heap slot back; set_timer is then
 * ignored until init_timer again. When it returns the callback is not
 * running on any other CPU (it waits for one that is).
 * migrate_timer: move t to cpu's heap, armed as it was (Xen's migrate_timer);
 * its callback runs there from then on. When the new heap cannot grow (no
 * memory) the timer stays, and still works, where it is.
 */
int init_timer(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu);
void set_timer(struct timer *t, uint64_t expires);
void stop_timer(struct timer *t);
void kill_timer(struct timer *t);
void migrate_timer(struct timer *t, unsigned int cpu);

/*
 * For the debug keys: where t is, checked under its heap's lock ("in CPU1's
 * heap, due in 5 ms", "off (CPU0)", "unused", "LOST: ..." if it says it is
 * active but its heap does not hold it).
 */
void timer_describe(struct timer *t, char *buf, size_t len);

/* The timer softirq: run every due timer of this CPU, then program the LAPIC. */
void timer_softirq(void);

#endif
