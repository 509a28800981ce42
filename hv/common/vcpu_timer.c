/*
 * A vCPU's timers, each a struct timer (common/timer.c): the singleshot
 * timer (VCPUOP_set_singleshot_timer and set_timer_op), the periodic timer
 * and the SCHEDOP_poll timeout. Deadlines are system time in ns. Expiry
 * sends VIRQ_TIMER (or ends the poll) from the timer softirq and never runs
 * guest code. A domain that has shut down gets no more timer events.
 *
 * The timers follow the vCPU: each time it starts running on a CPU they move
 * to that CPU's heap (Xen moves the singleshot one when it is set and the
 * periodic one when the vCPU is scheduled in, which comes to the same: the
 * singleshot timer is only set by the vCPU itself). The periodic timer, as
 * Xen's, runs only while its vCPU runs: stopped when it stops running (a
 * blocked vCPU is not woken by it), armed again, for the tick it missed or
 * the next one, when it runs again. Every PV vCPU starts with Xen's 100 Hz
 * periodic timer until the guest stops it.
 */
#include <xen/xen.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/timer.h>

#define PERIODIC_DEFAULT_NS 10000000ULL         /* Xen's pv_vcpu_initialise: a 100 Hz ticker */

static void singleshot_expired(void *data)
{
    struct vcpu *v = data;

    if (!v->domain->is_shutdown)
        send_guest_vcpu_virq(v, VIRQ_TIMER);
}

/*
 * Xen's vcpu_periodic_timer_work: a tick when one is due (one however many
 * periods went by), the timer armed a period after the last tick. Races with
 * a concurrent VCPUOP_set_periodic_timer cost at most one tick more or less.
 */
static void periodic_work(struct vcpu *v)
{
    uint64_t period = __atomic_load_n(&v->periodic_period, __ATOMIC_RELAXED), now = now_ns();

    if (!period)
        return;
    if (now >= v->periodic_last + period) {
        if (!v->domain->is_shutdown)
            send_guest_vcpu_virq(v, VIRQ_TIMER);
        v->periodic_last = now;
    }
    set_timer(&v->periodic_timer, v->periodic_last + period);
}

static void periodic_expired(void *data)
{
    periodic_work(data);
}

static void poll_expired(void *data)
{
    struct vcpu *v = data;

    if (v->polling)
        vcpu_wake(v);
}

int vcpu_timers_init(struct vcpu *v)
{
    unsigned int cpu = 0;                       /* they move to the CPU it first runs on */

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
    v->periodic_period = PERIODIC_DEFAULT_NS;
    return 0;
}

void vcpu_timers_kill(struct vcpu *v)
{
    kill_timer(&v->singleshot_timer);
    kill_timer(&v->periodic_timer);
    kill_timer(&v->poll_timer);
}

/* See time.h. */
void vcpu_timers_running(struct vcpu *v, unsigned int cpu)
{
    migrate_timer(&v->singleshot_timer, cpu);
    migrate_timer(&v->poll_timer, cpu);
    migrate_timer(&v->periodic_timer, cpu);
    /* Due or not, its callback sends the tick: no event is sent under the scheduler's lock. */
    if (v->periodic_period)
        set_timer(&v->periodic_timer, v->periodic_last + v->periodic_period);
}

/* See time.h. */
void vcpu_timers_not_running(struct vcpu *v)
{
    if (v->periodic_period)
        stop_timer(&v->periodic_timer);
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
    stop_timer(&v->periodic_timer);
    __atomic_store_n(&v->periodic_period, period, __ATOMIC_RELAXED);
    if (period) {
        migrate_timer(&v->periodic_timer, __atomic_load_n(&v->processor, __ATOMIC_RELAXED));
        periodic_work(v);
    }
}
