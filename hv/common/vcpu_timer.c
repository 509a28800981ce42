/*
 * Per-vCPU timers: the singleshot timer (VCPUOP_set_singleshot_timer and
 * set_timer_op), the periodic timer and SCHEDOP_poll timeouts. All deadlines
 * are system time in ns; one LAPIC deadline covers the earliest of them.
 * Expiry sends VIRQ_TIMER (or ends the poll) and never runs guest code here.
 */
#include <xen/xen.h>
#include <hv/apic.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/traps.h>

static void run_vcpu_timers(struct vcpu *v, uint64_t now)
{
    if (v->singleshot_deadline && now >= v->singleshot_deadline) {
        v->singleshot_deadline = 0;
        send_guest_vcpu_virq(v, VIRQ_TIMER);
    }
    if (v->periodic_period && now >= v->periodic_next) {
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        while (v->periodic_next <= now)
            v->periodic_next += v->periodic_period;
    }
    if (v->polling && v->poll_deadline && now >= v->poll_deadline)
        vcpu_wake(v);
}

#define FOR_EACH_VCPU(v)                                                    \
    for (unsigned int i_ = 0; i_ < MAX_DOMAINS; i_++)                       \
        for (struct vcpu *v = domain_table[i_] ? domain_table[i_]->vcpu[0] : NULL; v; v = NULL)

void timers_run(void)
{
    uint64_t now = now_ns();

    if (this_cpu()->slice_end && now >= this_cpu()->slice_end)
        this_cpu()->need_resched = true;

    FOR_EACH_VCPU(v) {
        if (!v->domain->is_shutdown)
            run_vcpu_timers(v, now);
    }
    timers_reprogram();
}

static void earliest(uint64_t *best, uint64_t t)
{
    if (t && (!*best || t < *best))
        *best = t;
}

void timers_reprogram(void)
{
    uint64_t next = 0;

    earliest(&next, sched_slice_deadline());
    FOR_EACH_VCPU(v) {
        if (v->domain->is_shutdown)
            continue;
        earliest(&next, v->singleshot_deadline);
        if (v->periodic_period)
            earliest(&next, v->periodic_next);
        if (v->polling)
            earliest(&next, v->poll_deadline);
    }
    apic_timer_set_deadline(next ? ns_to_tsc(next) : 0);
}

void vcpu_set_singleshot(struct vcpu *v, uint64_t deadline)
{
    v->singleshot_deadline = deadline;
    if (deadline && deadline <= now_ns())
        raise_softirq(SOFTIRQ_TIMER);
    timers_reprogram();
}

void timer_interrupt(void)
{
    raise_softirq(SOFTIRQ_TIMER);
}
