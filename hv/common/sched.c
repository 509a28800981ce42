/* Scheduling: the run queue walk, context switches, softirqs and the exit path to guests. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <asm/io.h>
#include <xl/string.h>
#include <hv/machine.h>
#include <hv/sched.h>
#include <hv/time.h>

struct cpu_info cpu_info0;

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
    }
}

bool vcpu_runnable(const struct vcpu *v)
{
    return v && !domain_is_dying(v->domain) && !v->domain->is_shutdown && !domain_is_paused(v->domain) &&
           !v->blocked && !v->down;
}

void vcpu_wake(struct vcpu *v)
{
    if (v->blocked) {
        v->blocked = false;
        if (v->polling) {
            v->polling = false;
            stop_timer(&v->poll_timer);
        }
        raise_softirq(SOFTIRQ_SCHEDULE);
    }
}

/* How many vCPUs could run now (the running one included)? */
static unsigned int nr_runnable(void)
{
    unsigned int n = 0;
    struct domain *d;

    for_each_domain(d)
        if (vcpu_runnable(d->vcpu[0]))
            n++;
    return n;
}

/* The slice timer ends the running vCPU's slice: choose again on the way out. */
static void slice_expired(void *data)
{
    this_cpu()->need_resched = true;
    raise_softirq(SOFTIRQ_SCHEDULE);
}

/*
 * Arm the slice timer (at slice_end) while another vCPU waits for the CPU,
 * stop it while the running one is alone: no timer interrupt then.
 */
static void slice_update(void)
{
    struct cpu_info *c = this_cpu();

    if (nr_runnable() <= 1)
        stop_timer(&c->slice_timer);
    else if (!timer_is_active(&c->slice_timer) || c->slice_timer.expires != c->slice_end)
        set_timer(&c->slice_timer, c->slice_end);
}

static struct vcpu *pick_next(void)
{
    unsigned int start = current ? current->domain->id + 1u : 0;
    struct domain *d;

    /* Round robin: the first runnable after the current domain's id, then from the start. */
    for_each_domain(d)
        if (d->id >= start && vcpu_runnable(d->vcpu[0]))
            return d->vcpu[0];
    for_each_domain(d)
        if (d->id < start && vcpu_runnable(d->vcpu[0]))
            return d->vcpu[0];
    return NULL;
}

/*
 * Make `next` the running vCPU: the common part (run state times, the new
 * slice), then the architecture's (registers, FPU, page tables, segments).
 */
static void switch_to(struct vcpu *next)
{
    struct vcpu *prev = current;
    uint64_t now = now_ns();

    if (prev == next)
        return;
    if (prev && prev->running) {
        prev->runstate.time[RUNSTATE_running] += now - prev->runstate.state_entry_time;
        prev->runstate.state_entry_time = now;
    }
    this_cpu()->slice_end = now + SCHED_SLICE_NS;
    next->runstate.time[next->blocked ? RUNSTATE_blocked : RUNSTATE_runnable] +=
        now - next->runstate.state_entry_time;
    next->runstate.state_entry_time = now;
    context_switch(prev, next);
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
    for (;;) {
        if (this_cpu()->softirq_pending) {
            local_irq_enable();
            do_softirqs();
            local_irq_disable();
            if (this_cpu()->need_resched) {
                /* The running vCPU's slice is over: the next runnable one in turn (perhaps itself). */
                struct vcpu *next = pick_next();
                this_cpu()->need_resched = false;
                if (next && next != current)
                    switch_to(next);
                else
                    this_cpu()->slice_end = now_ns() + SCHED_SLICE_NS;
            }
            slice_update();
        }
        if (!vcpu_runnable(current)) {
            struct vcpu *next = pick_next();
            if (!next) {
                if (!any_domain_alive())
                    machine_exit(EXIT_DOM0_POWEROFF);
                __asm__ volatile("sti; hlt; cli" ::: "memory");
                continue;
            }
            switch_to(next);
            slice_update();
        }
        if (!arch_vcpu_deliver_events(current, regs))
            continue;
        if (!this_cpu()->softirq_pending)
            return arch_exit_fast_ok(regs);
    }
}

void sched_start(void)
{
    struct vcpu *v = pick_next();

    if (!v)
        panic("no domain to run");
    current = NULL;
    if (init_timer(&this_cpu()->slice_timer, slice_expired, NULL, this_cpu()->id))
        panic("no memory for the slice timer");
    switch_to(v);
    slice_update();
    arch_enter_first_vcpu();
}

