/*
 * Scheduling: each CPU's run queue of the vCPUs waiting for it (hv/runq.h),
 * round robin in 10 ms slices within a priority, a vCPU woken by an event
 * ahead of (and preempting) one that is not (Xen's credit BOOST); context
 * switches, softirqs and the exit path to guests.
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

bool vcpu_runnable(const struct vcpu *v)
{
    return v && !domain_is_dying(v->domain) && !v->domain->is_shutdown && !domain_is_paused(v->domain) &&
           !v->blocked && !v->down;
}

#define runq_vcpu(n) ((struct vcpu *)((char *)(n) - __builtin_offsetof(struct vcpu, runq)))

/* The run queue of the CPU v runs on (every vCPU runs on CPU 0 for now). */
static struct runq *runq_of(const struct vcpu *v)
{
    return &cpu_info_of(0)->runq;
}

/* Account the time since the last change to v's old runstate, and enter `state`. */
static void runstate_set(struct vcpu *v, int state, uint64_t now)
{
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
 * queue, stop it while the running one is alone: no timer interrupt then.
 */
static void slice_update(void)
{
    struct cpu_info *c = this_cpu();

    if (!c->runq.nr)
        stop_timer(&c->slice_timer);
    else if (!timer_is_active(&c->slice_timer) || c->slice_timer.expires != c->slice_end)
        set_timer(&c->slice_timer, c->slice_end);
}

/*
 * v (not on its CPU) may have become runnable or stopped being so: queue it
 * at `pri` or take it out, and account the change of runstate; one already
 * queued stays where it is. A BOOST vCPU preempts a running NORMAL one (Xen's
 * credit scheduler's tickle). Any context, interrupts on or off.
 */
static void sched_requeue(struct vcpu *v, uint8_t pri)
{
    struct runq *q = runq_of(v);
    unsigned long flags = local_irq_save();
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
        } else if (pri < curr->runq.pri) {
            this_cpu()->need_resched = true;    /* more urgent than the running one */
            raise_softirq(SOFTIRQ_SCHEDULE);
        } else {
            /* The running one's slice now has an end: a full one if it ran alone so far. */
            if (q->nr == 1)
                this_cpu()->slice_end = now + SCHED_SLICE_NS;
            slice_update();
        }
    }
    local_irq_restore(flags);
}

/*
 * The vCPU this CPU holds changed: if it may run again after the CPU idled
 * on it, it resumes at `pri` with a fresh slice (no switch); the exit path
 * looks again either way.
 */
static void resume_on_cpu(struct vcpu *v, uint8_t pri)
{
    unsigned long flags = local_irq_save();
    uint64_t now = now_ns();

    if (vcpu_runnable(v) && v->runstate.state != RUNSTATE_running) {
        runstate_set(v, RUNSTATE_running, now);
        v->runq.pri = pri;
        this_cpu()->slice_end = now + SCHED_SLICE_NS;
    }
    raise_softirq(SOFTIRQ_SCHEDULE);
    local_irq_restore(flags);
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
        resume_on_cpu(v, SCHED_PRI_BOOST);
        return;
    }
    sched_requeue(v, SCHED_PRI_BOOST);          /* woken by an event: Xen's credit BOOST */
}

void vcpu_sched_update(struct vcpu *v)
{
    if (on_cpu(v)) {
        resume_on_cpu(v, SCHED_PRI_UNDER);     /* or the exit path switches away if it stopped */
        return;
    }
    sched_requeue(v, SCHED_PRI_UNDER);
}

void domain_sched_update(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu(d, v)
        vcpu_sched_update(v);
}

void sched_init_vcpu(struct vcpu *v)
{
    v->runq.next = v->runq.prev = NULL;
    v->runq.pri = SCHED_PRI_UNDER;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = now_ns();
}

/*
 * Choose who runs on this CPU: the running vCPU, if it may still run, goes
 * back into the run queue (behind the others of NORMAL priority: its boost,
 * if any, ends here), and the first of the queue runs with a fresh slice. With
 * nothing runnable the CPU keeps the last vCPU's state and idles. Interrupts off.
 */
static void schedule(void)
{
    struct cpu_info *c = this_cpu();
    struct vcpu *prev = current, *next = NULL;
    struct runq_node *n;
    uint64_t now = now_ns();

    c->need_resched = false;
    if (prev && vcpu_runnable(prev)) {
        prev->runq.pri = SCHED_PRI_UNDER;
        runq_insert(&c->runq, &prev->runq);
    }
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
        if (prev && prev->runstate.state == RUNSTATE_running)
            runstate_set(prev, waiting_state(prev), now);
        stop_timer(&c->slice_timer);
        return;
    }
    if (prev && prev != next && prev->runstate.state == RUNSTATE_running)
        runstate_set(prev, waiting_state(prev), now);
    if (next->runstate.state != RUNSTATE_running)
        runstate_set(next, RUNSTATE_running, now);
    c->slice_end = now + SCHED_SLICE_NS;
    if (next != prev)
        context_switch(prev, next);
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
        if (!vcpu_runnable(ci->curr_vcpu)) {
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
    if (init_timer(&this_cpu()->slice_timer, slice_expired, NULL, this_cpu()->id))
        panic("no memory for the slice timer");
    for_each_domain(d)
        for_each_vcpu(d, v)
            sched_requeue(v, SCHED_PRI_UNDER);
    local_irq_disable();
    schedule();
    if (!current)
        panic("no domain to run");
    arch_enter_first_vcpu();
}
