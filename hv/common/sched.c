/*
 * Scheduling: Xen's credit scheduler. Each CPU's run queue (hv/runq.h) holds
 * the vCPUs waiting for it in priority order (BOOST, UNDER, OVER); the
 * credit arithmetic is hv/lib/credit.c: a 10 ms tick per CPU charges the
 * running vCPU, a share-out every 30 ms hands out credit by weight and cap,
 * a capped vCPU deep in debt is parked. Slices of 30 ms; a vCPU woken by an
 * event or timer while it has credit is BOOST and preempts. Context
 * switches, runstates (and the guest's runstate area), softirqs and the
 * exit path to guests.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <asm/exit.h>
#include <asm/io.h>
#include <xl/string.h>
#include <hv/machine.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/credit.h>
#include <hv/spinlock.h>


void raise_softirq(unsigned int nr)
{
    __atomic_or_fetch(&this_cpu()->softirq_pending, 1UL << nr, __ATOMIC_SEQ_CST);
}

void do_softirqs(void)
{
    unsigned long pending;

    while ((pending = __atomic_exchange_n(&this_cpu()->softirq_pending, 0, __ATOMIC_SEQ_CST))) {
        if (pending & (1UL << SOFTIRQ_TIMER))
            timer_softirq();
        if (pending & (1UL << SOFTIRQ_KEYS))
            console_run_keys();
        if (pending & (1UL << SOFTIRQ_DOMAIN_FREE))
            domain_free_pending();
    }
}

/* Inline on the exit path, which asks on every return to a guest. */
static inline __attribute__((always_inline)) bool runnable(const struct vcpu *v)
{
    return v && !domain_is_dying(v->domain) && !v->domain->is_shutdown && !domain_is_paused(v->domain) &&
           !v->blocked && !v->down && !v->credit.parked &&
           !__atomic_load_n(&v->pause_count, __ATOMIC_RELAXED);
}

bool vcpu_runnable(const struct vcpu *v)
{
    return runnable(v);
}

/*
 * The credit state shared by every CPU (the share-out is global, as Xen's)
 * and each CPU's tick. credit_lock (LOCK_SCHED, irqsave) guards `credit`,
 * every vCPU's and domain's credit fields, and each CPU's run queue.
 */
static struct credit_sched credit;
static struct timer account_timer;
static struct {
    struct timer tick;
    unsigned int epoch;                 /* the share-out its run queue was sorted after */
} credit_cpu[NR_CPUS];
static DEFINE_SPINLOCK(credit_lock, LOCK_SCHED);

#define runq_vcpu(n) ((struct vcpu *)((char *)(n) - __builtin_offsetof(struct vcpu, runq)))

/* The run queue of the CPU v runs on (every vCPU runs on CPU 0 for now). */
static struct runq *runq_of(const struct vcpu *v)
{
    return &cpu_info_of(0)->runq;
}

/*
 * Account the time since the last change to v's old runstate, and enter
 * `state`; charge v's credit for the time it ran. The guest's runstate area
 * is written by the caller once the CPU holds the right address space.
 */
static void runstate_set(struct vcpu *v, int state, uint64_t now)
{
    if (v->runstate.state == RUNSTATE_running && state != RUNSTATE_running)
        credit_burn(&v->credit, now);
    else if (v->runstate.state != RUNSTATE_running && state == RUNSTATE_running)
        credit_run(&v->credit, now);
    v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
    v->runstate.state = state;
    v->runstate.state_entry_time = now;
}

/* The runstate of a vCPU that is not running: waiting for the CPU, blocked, or offline. */
static int waiting_state(const struct vcpu *v)
{
    if (vcpu_runnable(v))
        return RUNSTATE_runnable;
    return v->blocked ? RUNSTATE_blocked : RUNSTATE_offline;
}

/* Is v the vCPU whose state this CPU holds (running, or idling on it)? */
static bool on_cpu(const struct vcpu *v)
{
    return v == current;
}

/* The slice timer ends the running vCPU's slice: choose again on the way out. */
static void slice_expired(void *data)
{
    this_cpu()->need_resched = true;
    raise_softirq(SOFTIRQ_SCHEDULE);
}

/*
 * Arm the slice timer (at slice_end) while a vCPU waits in this CPU's run
 * queue, stop it while the running one is alone (only its ticks come then).
 */
static void slice_update(void)
{
    struct cpu_info *c = this_cpu();

    if (!c->runq.nr || !vcpu_runnable(current))
        stop_timer(&c->slice_timer);
    else if (!timer_is_active(&c->slice_timer) || c->slice_timer.expires != c->slice_end)
        set_timer(&c->slice_timer, c->slice_end);
}

/* A vCPU runs on this CPU from now: its ticks run (at the next multiple of a tick, as Xen's). */
static void tick_start(uint64_t now)
{
    struct timer *t = &credit_cpu[this_cpu()->id].tick;

    if (!timer_is_active(t))
        set_timer(t, now + CREDIT_TICK_NS - now % CREDIT_TICK_NS);
}

/*
 * v (not on its CPU) may have become runnable or stopped being so: queue it
 * at `pri` or take it out, and account the change of runstate; one already
 * queued stays where it is. One more urgent than the running vCPU (a BOOST
 * before an UNDER, an UNDER before an OVER) preempts it (Xen's credit
 * scheduler's tickle). credit_lock held.
 */
static void sched_requeue_locked(struct vcpu *v, uint8_t pri)
{
    struct runq *q = runq_of(v);
    uint64_t now = now_ns();
    struct vcpu *curr = current;

    if (!vcpu_runnable(v)) {
        if (runq_queued(&v->runq))
            runq_remove(q, &v->runq);
        if (v->runstate.state != RUNSTATE_running)
            runstate_set(v, waiting_state(v), now);
    } else if (!runq_queued(&v->runq)) {
        v->runq.pri = pri;
        runq_insert(q, &v->runq);
        runstate_set(v, RUNSTATE_runnable, now);
        if (!vcpu_runnable(curr)) {
            raise_softirq(SOFTIRQ_SCHEDULE);    /* the CPU idles: pick it on the way out */
        } else if (pri < curr->credit.pri) {
            this_cpu()->need_resched = true;    /* more urgent than the running one */
            raise_softirq(SOFTIRQ_SCHEDULE);
        } else {
            /* The running one's slice now has an end: a full one if it ran alone so far. */
            if (q->nr == 1)
                this_cpu()->slice_end = now + SCHED_SLICE_NS;
            slice_update();
        }
    }
}

static void sched_requeue(struct vcpu *v, bool wake)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    sched_requeue_locked(v, wake ? credit_wake(&v->credit) : v->credit.pri);
    spin_unlock_irqrestore(&credit_lock, flags);
}

/*
 * The vCPU this CPU holds changed: if it may run again after the CPU idled
 * on it, it resumes at `pri` with a fresh slice (no switch); the exit path
 * looks again either way.
 */
static bool resume_on_cpu_locked(struct vcpu *v, bool wake)
{
    uint64_t now = now_ns();
    bool resumed = false;

    if (vcpu_runnable(v) && v->runstate.state != RUNSTATE_running) {
        if (wake)
            credit_wake(&v->credit);
        runstate_set(v, RUNSTATE_running, now);
        this_cpu()->slice_end = now + SCHED_SLICE_NS;
        tick_start(now);
        resumed = true;
    }
    raise_softirq(SOFTIRQ_SCHEDULE);
    return resumed;
}

static void resume_on_cpu(struct vcpu *v, bool wake)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);
    bool resumed = resume_on_cpu_locked(v, wake);

    spin_unlock_irqrestore(&credit_lock, flags);
    if (resumed)
        runstate_area_update(v);                /* its address space is the CPU's */
}

void vcpu_wake(struct vcpu *v)
{
    if (!v->blocked)
        return;
    v->blocked = false;
    if (v->polling) {
        v->polling = false;
        stop_timer(&v->poll_timer);
    }
    if (on_cpu(v)) {
        /* The CPU idled on it (or it blocked on this very exit path): it runs on, no switch. */
        resume_on_cpu(v, true);
        return;
    }
    sched_requeue(v, true);                     /* woken by an event: BOOST if it has credit */
}

void vcpu_sched_update(struct vcpu *v)
{
    if (on_cpu(v)) {
        resume_on_cpu(v, false);                /* or the exit path switches away if it stopped */
        return;
    }
    sched_requeue(v, false);
}

void domain_sched_update(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu(d, v)
        vcpu_sched_update(v);
}

void sched_init_domain(struct domain *d)
{
    credit_dom_init(&d->credit);
}

void sched_init_vcpu(struct vcpu *v)
{
    v->runq.next = v->runq.prev = NULL;
    credit_vcpu_init(&v->credit, &v->domain->credit);
    v->runq.pri = v->credit.pri;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = now_ns();
}

void sched_destroy_domain(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);
    struct vcpu *v;

    for_each_vcpu(d, v)
        credit_vcpu_remove(&credit, &v->credit);
    spin_unlock_irqrestore(&credit_lock, flags);
}

void sched_get_credit(struct domain *d, uint16_t *weight, uint16_t *cap)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    *weight = d->credit.weight;
    *cap = d->credit.cap;
    spin_unlock_irqrestore(&credit_lock, flags);
}

void sched_set_credit(struct domain *d, uint16_t weight, uint16_t cap)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    credit_dom_set(&credit, &d->credit, weight, cap);
    spin_unlock_irqrestore(&credit_lock, flags);
}

/* The share-out parked or unparked cv's vCPU: off the CPU and queue, or back. Lock held. */
static void credit_parked(struct credit_vcpu *cv, bool park, void *ctx)
{
    struct vcpu *v = (struct vcpu *)((char *)cv - __builtin_offsetof(struct vcpu, credit));

    if (!on_cpu(v))
        sched_requeue_locked(v, v->credit.pri);
    else if (!park && resume_on_cpu_locked(v, false))
        v->runstate_area_stale = true;          /* written once the share-out is over */
    else
        raise_softirq(SOFTIRQ_SCHEDULE);        /* parked: the exit path switches away */
}

/* Priorities changed in a share-out since this CPU's queue was last sorted: sort it. Lock held. */
static void runq_resort(struct cpu_info *c)
{
    struct runq_node *n;

    if (credit_cpu[c->id].epoch == credit.epoch)
        return;
    credit_cpu[c->id].epoch = credit.epoch;
    for (n = c->runq.head.next; n != &c->runq.head; n = n->next)
        n->pri = runq_vcpu(n)->credit.pri;
    runq_sort(&c->runq);
}

/* The share-out, every CREDIT_TSLICE_NS whatever runs (one timer for all CPUs). */
static void account_expired(void *data)
{
    unsigned long flags = spin_lock_irqsave(&credit_lock);

    credit_account(&credit);
    spin_unlock_irqrestore(&credit_lock, flags);
    if (current && current->runstate_area_stale)
        runstate_area_update(current);          /* unparked where the CPU idled on it */
    set_timer(&account_timer, now_ns() + CREDIT_TSLICE_NS);
}

/*
 * This CPU's tick: charge the running vCPU (its boost ends, it earns credit
 * from now on) and sort the run queue after a share-out. Ticks run while a
 * vCPU runs here and stop while the CPU idles, as Xen's.
 */
static void tick_expired(void *data)
{
    struct cpu_info *c = this_cpu();
    unsigned long flags = spin_lock_irqsave(&credit_lock);
    struct vcpu *v = current;
    uint64_t now = now_ns();
    bool running = v && v->runstate.state == RUNSTATE_running;

    if (running)
        credit_tick(&credit, &v->credit, now);
    runq_resort(c);
    spin_unlock_irqrestore(&credit_lock, flags);
    if (running)
        set_timer(&credit_cpu[c->id].tick, now + CREDIT_TICK_NS);
}

/*
 * Choose who runs on this CPU: the running vCPU, if it may still run, goes
 * back into the run queue at its priority (behind the others of it; a
 * yielding one behind one of a lower priority too), and the first of the
 * queue runs with a fresh slice. With nothing runnable the CPU keeps the
 * last vCPU's state and idles, its tick stopped. Interrupts off.
 */
static void schedule(void)
{
    struct cpu_info *c = this_cpu();
    struct vcpu *prev = current, *next = NULL;
    struct runq_node *n;
    uint64_t now = now_ns();
    bool was_running = prev && prev->runstate.state == RUNSTATE_running;

    spin_lock(&credit_lock);
    c->need_resched = false;
    runq_resort(c);
    if (prev && vcpu_runnable(prev)) {
        if (was_running)
            credit_burn(&prev->credit, now);
        prev->runq.pri = prev->credit.pri;
        if (prev->yielding)
            runq_insert_yield(&c->runq, &prev->runq);
        else
            runq_insert(&c->runq, &prev->runq);
    }
    if (prev)
        prev->yielding = false;
    while ((n = runq_first(&c->runq))) {
        runq_remove(&c->runq, n);
        if (vcpu_runnable(runq_vcpu(n))) {
            next = runq_vcpu(n);
            break;
        }
        /* Stopped being runnable without being taken out (a safety net): drop it. */
        runstate_set(runq_vcpu(n), waiting_state(runq_vcpu(n)), now);
    }
    if (!next) {
        if (was_running)
            runstate_set(prev, waiting_state(prev), now);
        stop_timer(&c->slice_timer);
        stop_timer(&credit_cpu[c->id].tick);
        spin_unlock(&credit_lock);
        if (was_running)
            runstate_area_update(prev);         /* still the CPU's address space */
        return;
    }
    if (prev && prev != next && was_running)
        runstate_set(prev, waiting_state(prev), now);
    if (next->runstate.state != RUNSTATE_running)
        runstate_set(next, RUNSTATE_running, now);
    c->slice_end = now + SCHED_SLICE_NS;
    tick_start(now);
    spin_unlock(&credit_lock);
    if (next != prev) {
        if (prev)
            runstate_area_update(prev);         /* before the switch: prev's address space */
        context_switch(prev, next);
        runstate_area_update(next);
    } else if (!was_running) {
        runstate_area_update(next);
    }
    slice_update();
}

/* Are any domains left that could still run? */
static bool any_domain_alive(void)
{
    struct domain *d;

    for_each_domain(d)
        if (!domain_is_dying(d) && !d->is_shutdown)
            return true;
    return false;
}

/*
 * Called with interrupts off just before restoring a guest frame: run deferred
 * work, choose who runs, let the architecture deliver a pending event upcall.
 * Loops (halting the CPU) while nothing is runnable. Returns whether the
 * architecture's fast exit (x86: SYSRET) fits the frame.
 */
int prepare_exit_to_guest(struct cpu_regs *regs)
{
    struct cpu_info *ci = cpu_info_above(regs);     /* regs: the guest frame, below the record */

    for (;;) {
        if (ci->softirq_pending) {
            local_irq_enable();
            do_softirqs();
            local_irq_disable();
            if (ci->need_resched)
                schedule();                     /* a slice ended, a yield, a more urgent wake */
        }
        if (!runnable(ci->curr_vcpu)) {
            schedule();
            if (!vcpu_runnable(ci->curr_vcpu)) {
                if (!any_domain_alive())
                    machine_exit(EXIT_DOM0_POWEROFF);
                cpu_idle_wait();
                continue;
            }
        }
        if (!arch_vcpu_deliver_events(ci->curr_vcpu, regs))
            continue;
        if (!ci->softirq_pending)
            return arch_exit_fast_ok(regs);
    }
}

/*
 * A CPU with no vCPU yet (a secondary CPU once it is up): run its softirqs
 * and halt until there is something to do. Never returns.
 */
void sched_idle_loop(void)
{
    struct cpu_info *c = this_cpu();

    local_irq_disable();
    for (;;) {
        if (c->softirq_pending) {
            local_irq_enable();
            do_softirqs();
            local_irq_disable();
        }
        cpu_idle_wait();
    }
}

void sched_start(void)
{
    struct domain *d;
    struct vcpu *v;

    current = NULL;
    credit_init(&credit, 1, credit_parked, NULL);
    if (init_timer(&this_cpu()->slice_timer, slice_expired, NULL, this_cpu()->id) ||
        init_timer(&credit_cpu[this_cpu()->id].tick, tick_expired, NULL, this_cpu()->id) ||
        init_timer(&account_timer, account_expired, NULL, this_cpu()->id))
        panic("no memory for the scheduler's timers");
    set_timer(&account_timer, now_ns() + CREDIT_TSLICE_NS);
    for_each_domain(d)
        for_each_vcpu(d, v)
            sched_requeue(v, false);
    local_irq_disable();
    schedule();
    if (!current)
        panic("no domain to run");
    arch_enter_first_vcpu();
}
