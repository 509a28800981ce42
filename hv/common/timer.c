/*
 * Per-CPU timers (hv/timer.h): each CPU's active timers in a min-heap, one
 * LAPIC deadline for the earliest, callbacks run by the timer softirq.
 * The heap is also touched from interrupt context (an interrupt that wakes
 * a polling vCPU stops its poll timer), so every heap operation runs with
 * interrupts off.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/apic.h>
#include <hv/console.h>
#include <xl/string.h>
#include <asm/io.h>
#include <hv/mm.h>
#include <hv/percpu.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <asm/traps.h>

static struct timer_heap *heap_of(unsigned int cpu)
{
    ASSERT(cpu == 0);                           /* one CPU for now */
    return &cpu_info_of(cpu)->timers;
}

/* Program this CPU's LAPIC for the earliest timer (or nothing). Interrupts off. */
static void reprogram(struct timer_heap *h)
{
    struct timer *first = timer_heap_first(h);

    apic_timer_set_deadline(first ? ns_to_tsc(first->expires) : 0);
}

/* Give h room for one more initialised timer: 0 or -ENOMEM. Interrupts off. */
static int reserve_slot(struct timer_heap *h)
{
    unsigned int cap = h->cap ? 2 * h->cap : PAGE_SIZE / sizeof(struct timer *);
    struct timer **slot;

    if (h->reserved < h->cap) {
        h->reserved++;
        return 0;
    }
    slot = xzalloc_bytes(cap * sizeof(*slot));
    if (!slot)
        return -XEN_ENOMEM;
    if (h->nr)
        memcpy(slot, h->slot, h->nr * sizeof(*slot));
    xfree_bytes(h->slot, h->cap * sizeof(*slot));
    h->slot = slot;
    h->cap = cap;
    h->reserved++;
    return 0;
}

/* See timer.h. */
int init_timer(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu)
{
    unsigned long flags = local_irq_save();
    int rc = t->status == TIMER_READY ? 0 : reserve_slot(heap_of(cpu));

    if (!rc) {
        ASSERT(!timer_is_active(t));
        t->fn = fn;
        t->data = data;
        t->cpu = (uint16_t)cpu;
        t->status = TIMER_READY;
    }
    local_irq_restore(flags);
    return rc;
}

/* Take t out of its heap if it is there; reprogram when it was the earliest. Interrupts off. */
static void deactivate(struct timer *t)
{
    struct timer_heap *h = heap_of(t->cpu);
    bool was_first = timer_heap_first(h) == t;

    if (!timer_is_active(t))
        return;
    timer_heap_remove(h, t);
    if (was_first)
        reprogram(h);
}

/* See timer.h. */
void set_timer(struct timer *t, uint64_t expires)
{
    unsigned long flags = local_irq_save();
    struct timer_heap *h = heap_of(t->cpu);

    if (t->status == TIMER_READY) {
        deactivate(t);
        t->expires = expires;
        if (!timer_heap_insert(h, t))
            panic("timer heap full: a timer was set without init_timer");
        if (expires <= now_ns())
            raise_softirq(SOFTIRQ_TIMER);       /* due already: no LAPIC round trip */
        else if (timer_heap_first(h) == t)
            reprogram(h);
    }
    local_irq_restore(flags);
}

/* See timer.h. */
void stop_timer(struct timer *t)
{
    unsigned long flags = local_irq_save();

    deactivate(t);
    local_irq_restore(flags);
}

/* See timer.h. */
void kill_timer(struct timer *t)
{
    unsigned long flags = local_irq_save();

    if (t->status == TIMER_READY) {
        deactivate(t);
        heap_of(t->cpu)->reserved--;
        t->status = TIMER_KILLED;
    }
    local_irq_restore(flags);
}

/* See timer.h. */
void timer_softirq(void)
{
    struct timer_heap *h = &this_cpu()->timers;   /* heap_of(this CPU) */
    unsigned long flags = local_irq_save();
    uint64_t now = now_ns();
    struct timer *t;

    while ((t = timer_heap_first(h)) && t->expires <= now) {
        timer_heap_remove(h, t);
        local_irq_restore(flags);
        t->fn(t->data);                         /* may set this or any timer again */
        flags = local_irq_save();
    }
    reprogram(h);
    local_irq_restore(flags);
}

void timer_interrupt(void)
{
    raise_softirq(SOFTIRQ_TIMER);
}
