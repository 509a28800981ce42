/*
 * A vCPU's timers, each a struct timer (common/timer.c): the singleshot
 * timer (VCPUOP_set_singleshot_timer and set_timer_op), the periodic timer
 * and the SCHEDOP_poll timeout. Deadlines are system time in ns. Expiry
 * sends VIRQ_TIMER (or ends the poll) from the timer softirq and never runs
 * guest code. A domain that has shut down gets no more timer events.
 */
#include <xen/xen.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/timer.h>

static void singleshot_expired(void *data)
{
    struct vcpu *v = data;

    if (!v->domain->is_shutdown)
        send_guest_vcpu_virq(v, VIRQ_TIMER);
}

static void periodic_expired(void *data)
{
    struct vcpu *v = data;
    uint64_t next = v->periodic_timer.expires, now = now_ns();

    if (v->domain->is_shutdown || !v->periodic_period)
        return;
    send_guest_vcpu_virq(v, VIRQ_TIMER);
    /* One event however many periods went by; the next on the period's grid. */
    while (next <= now)
        next += v->periodic_period;
    set_timer(&v->periodic_timer, next);
}

static void poll_expired(void *data)
{
    struct vcpu *v = data;

    if (v->polling)
        vcpu_wake(v);
}

int vcpu_timers_init(struct vcpu *v)
{
    unsigned int cpu = 0;                       /* every vCPU lives on CPU 0 for now */

    if (init_timer(&v->singleshot_timer, singleshot_expired, v, cpu))
        return -1;
    if (init_timer(&v->periodic_timer, periodic_expired, v, cpu)) {
        kill_timer(&v->singleshot_timer);
        return -1;
    }
    if (init_timer(&v->poll_timer, poll_expired, v, cpu)) {
        kill_timer(&v->singleshot_timer);
        kill_timer(&v->periodic_timer);
        return -1;
    }
    return 0;
}

void vcpu_timers_kill(struct vcpu *v)
{
    kill_timer(&v->singleshot_timer);
    kill_timer(&v->periodic_timer);
    kill_timer(&v->poll_timer);
}

void vcpu_set_singleshot(struct vcpu *v, uint64_t deadline)
{
    if (deadline)
        set_timer(&v->singleshot_timer, deadline);
    else
        stop_timer(&v->singleshot_timer);
}

void vcpu_set_periodic(struct vcpu *v, uint64_t period)
{
    v->periodic_period = period;
    if (period)
        set_timer(&v->periodic_timer, now_ns() + period);
    else
        stop_timer(&v->periodic_timer);
}
