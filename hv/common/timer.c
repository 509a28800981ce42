/*
 * Per-CPU timers (hv/timer.h): each CPU's active timers in a min-heap, one
 * LAPIC deadline for the earliest, callbacks run by that CPU's timer softirq.
 * Any CPU may set or stop a timer of any CPU (a wake on CPU 1 stops a poll
 * timer kept on CPU 0), so each heap has its lock, the CPU's timer_lock
 * (LOCK_TIMER), taken with interrupts off (interrupt handlers stop timers
 * too). Only the owning CPU programs its LAPIC: a timer of another CPU that
 * becomes its earliest raises that CPU's timer softirq, which reprograms.
 * A timer may move to another CPU's heap (migrate_timer: a vCPU's timers
 * follow it), so every operation locks the heap the timer is on and checks,
 * once it holds that lock, that the timer did not move meanwhile.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/apic.h>
#include <hv/console.h>
#include <xl/format.h>
#include <xl/string.h>
#include <asm/io.h>
#include <hv/mm.h>
#include <hv/percpu.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <asm/traps.h>

static struct timer_heap *heap_of(unsigned int cpu)
{
    return &cpu_info_of(cpu)->timers;
}

static unsigned long lock_heap(unsigned int cpu)
{
    return spin_lock_irqsave(&cpu_info_of(cpu)->timer_lock);
}

static void unlock_heap(unsigned int cpu, unsigned long flags)
{
    spin_unlock_irqrestore(&cpu_info_of(cpu)->timer_lock, flags);
}

/*
 * Lock the heap t is on: its CPU, which cannot change while that lock is
 * held (migrate_timer holds both heaps' locks). Interrupts off.
 */
static unsigned int lock_timer(struct timer *t, unsigned long *flags)
{
    for (;;) {
        unsigned int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);

        *flags = lock_heap(cpu);
        if (t->cpu == cpu)
            return cpu;
        unlock_heap(cpu, *flags);
    }
}

/*
 * cpu's earliest timer changed: program this CPU's LAPIC for it (or
 * nothing), or have the owning CPU do so. Its heap lock held.
 */
static void reprogram(unsigned int cpu)
{
    struct timer *first = timer_heap_first(heap_of(cpu));

    if (cpu != this_cpu()->id)
        cpu_raise_softirq(cpu, SOFTIRQ_TIMER);
    else
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
    unsigned long flags = lock_heap(cpu);
    int rc = t->status == TIMER_READY ? 0 : reserve_slot(heap_of(cpu));

    if (!rc) {
        ASSERT(!timer_is_active(t));
        t->fn = fn;
        t->data = data;
        t->cpu = (uint16_t)cpu;
        t->status = TIMER_READY;
    }
    unlock_heap(cpu, flags);
    return rc;
}

/* Take t out of its heap if it is there; reprogram when it was the earliest. Its heap lock held. */
static void deactivate(struct timer *t)
{
    struct timer_heap *h = heap_of(t->cpu);
    bool was_first = timer_heap_first(h) == t;

    if (!timer_is_active(t))
        return;
    timer_heap_remove(h, t);
    if (was_first)
        reprogram(t->cpu);
}

/* Put t (ready, not active) into its CPU's heap at t->expires. Its heap lock held. */
static void activate(struct timer *t)
{
    unsigned int cpu = t->cpu;
    struct timer_heap *h = heap_of(cpu);

    if (!timer_heap_insert(h, t))
        panic("timer heap full: a timer was set without init_timer");
    if (t->expires <= now_ns()) {
        /* Due already: no LAPIC round trip. */
        if (cpu == this_cpu()->id)
            raise_softirq(SOFTIRQ_TIMER);
        else
            cpu_raise_softirq(cpu, SOFTIRQ_TIMER);
    } else if (timer_heap_first(h) == t) {
        reprogram(cpu);
    }
}

/* See timer.h. */
void set_timer(struct timer *t, uint64_t expires)
{
    unsigned long flags;
    unsigned int cpu = lock_timer(t, &flags);

    if (t->status == TIMER_READY) {
        deactivate(t);
        t->expires = expires;
        activate(t);
    }
    unlock_heap(cpu, flags);
}

/* See timer.h. */
void stop_timer(struct timer *t)
{
    unsigned long flags;
    unsigned int cpu = lock_timer(t, &flags);

    deactivate(t);
    unlock_heap(cpu, flags);
}

/* See timer.h. */
void kill_timer(struct timer *t)
{
    unsigned long flags;
    unsigned int cpu = lock_timer(t, &flags);

    if (t->status == TIMER_READY) {
        deactivate(t);
        heap_of(cpu)->reserved--;
        t->status = TIMER_KILLED;
    }
    unlock_heap(cpu, flags);
    /*
     * Its callback may be running right now, on its CPU or on one it left
     * (migrate_timer): the caller may free t once none runs it.
     */
    for_each_online_cpu(cpu)
        while (cpu != this_cpu()->id &&
               __atomic_load_n(&cpu_info_of(cpu)->timer_running, __ATOMIC_ACQUIRE) == t) {
            cpu_relax();
            spin_wait_work();                   /* a flush that CPU may be waiting for */
        }
}

/* See timer.h. */
void migrate_timer(struct timer *t, unsigned int to)
{
    spinlock_t *to_lock = &cpu_info_of(to)->timer_lock;
    unsigned long flags;
    unsigned int from;
    bool active;

    for (;;) {
        from = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        if (from == to)
            return;
        spin_lock_pair_irqsave(&cpu_info_of(from)->timer_lock, to_lock, &flags);
        if (t->cpu == from)
            break;
        spin_unlock_pair_irqrestore(&cpu_info_of(from)->timer_lock, to_lock, flags);
    }
    /* A slot on the new heap first: without one the timer stays (and works) where it is. */
    if (t->status == TIMER_READY && !reserve_slot(heap_of(to))) {
        active = timer_is_active(t);
        deactivate(t);
        heap_of(from)->reserved--;
        __atomic_store_n(&t->cpu, (uint16_t)to, __ATOMIC_RELEASE);
        if (active)
            activate(t);
    }
    spin_unlock_pair_irqrestore(&cpu_info_of(from)->timer_lock, to_lock, flags);
}

/* See timer.h. */
void timer_describe(struct timer *t, char *buf, size_t len)
{
    unsigned long flags;
    unsigned int cpu = lock_timer(t, &flags);
    const struct timer_heap *h = heap_of(cpu);
    uint64_t now = now_ns();

    if (t->status != TIMER_READY)
        xl_snprintf(buf, len, "unused");
    else if (!timer_is_active(t))
        xl_snprintf(buf, len, "off (CPU%u)", cpu);
    else if (t->heap_pos > h->nr || h->slot[t->heap_pos - 1] != t)
        xl_snprintf(buf, len, "LOST: not in CPU%u's heap", cpu);
    else if (t->expires <= now)
        xl_snprintf(buf, len, "in CPU%u's heap, due", cpu);
    else
        xl_snprintf(buf, len, "in CPU%u's heap, due in %lu ms", cpu,
                 (unsigned long)((t->expires - now) / 1000000));
    unlock_heap(cpu, flags);
}

/* See timer.h. */
void timer_softirq(void)
{
    struct cpu_info *c = this_cpu();
    struct timer_heap *h = &c->timers;
    unsigned long flags = lock_heap(c->id);
    uint64_t now = now_ns();
    struct timer *t;

    while ((t = timer_heap_first(h)) && t->expires <= now) {
        timer_heap_remove(h, t);
        __atomic_store_n(&c->timer_running, t, __ATOMIC_RELEASE);
        unlock_heap(c->id, flags);
        t->fn(t->data);                         /* may set this or any timer again */
        __atomic_store_n(&c->timer_running, NULL, __ATOMIC_RELEASE);
        flags = lock_heap(c->id);
    }
    reprogram(c->id);
    unlock_heap(c->id, flags);
}

void timer_interrupt(void)
{
    raise_softirq(SOFTIRQ_TIMER);
}
