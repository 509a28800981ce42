/*
 * TIMER: VCPUOP single-shot and periodic timers, set_timer_op (15).
 */
#include <os/events.h>
#include <os/time.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include "test.h"

#define MS 1000000ull

/* Block until the tick count moves past `before` or limit_ns passes. */
static int wait_tick(unsigned long before, uint64_t limit_ns)
{
    int fired;

    os_irq_disable();
    while (os_timer_ticks == before && os_now_ns() < limit_ns) {
        os_block();
        os_irq_disable();
    }
    fired = os_timer_ticks != before;
    os_irq_enable();
    return fired;
}

/* Spin with events enabled for ns nanoseconds. */
static void spin(uint64_t ns)
{
    uint64_t end = os_now_ns() + ns;

    while (os_now_ns() < end)
        asm volatile ("pause");
}

/* Poll the timer port for ns: sleeps without arming the VCPUOP timer. */
static void poll_sleep(uint64_t ns)
{
    evtchn_port_t port = os_timer_port;
    struct sched_poll p = { .nr_ports = 1, .timeout = os_now_ns() + ns };

    xen_set_guest_handle(p.ports, &port);
    os_irq_disable();
    HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    os_irq_enable();
}

static long singleshot(uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };

    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/*
 * Arm a timer with arm(deadline), cancel it with cancel(), then sleep past
 * the deadline and count the timer events that came: none if the cancel
 * works.  The cancel must run well before the deadline, or the timer may
 * rightly have fired first; a stalled host (guest time jumping while QEMU
 * is starved) can make it late, so a late attempt is redone with a deadline
 * four times further away.  Nothing here depends on how slow the host is.
 */
static long arm_then_cancel(long (*arm)(uint64_t), long (*cancel)(void), unsigned long *ticks)
{
    for (uint64_t ahead = 2 * MS;; ahead *= 4) {
        unsigned long before = os_timer_ticks;
        uint64_t deadline = os_now_ns() + ahead, now;
        long rc = arm(deadline);

        rc = rc ? rc : cancel();
        now = os_now_ns();              /* after the cancel: a stall before it counts too */
        if (rc)
            return rc;
        if (now + MS >= deadline && ahead < 100000 * MS)
            continue;
        while ((now = os_now_ns()) < deadline + 2 * MS)
            poll_sleep(deadline + 2 * MS - now);
        *ticks = os_timer_ticks - before;
        return 0;
    }
}

static long arm_singleshot(uint64_t deadline)
{
    return singleshot(deadline, 0);
}

static long stop_singleshot(void)
{
    return HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
}

static long arm_timer_op(uint64_t deadline)
{
    return HYPERVISOR_set_timer_op(deadline);
}

static long cancel_timer_op(void)
{
    return HYPERVISOR_set_timer_op(0);
}

static void one_shot(void)
{
    unsigned long before = os_timer_ticks, ticks = 0;
    uint64_t deadline = os_now_ns() + 2 * MS, fired_at;
    long rc = singleshot(deadline, 0);
    int fired = rc == 0 && wait_tick(before, deadline + 500 * MS);

    fired_at = os_now_ns();
    t_check("TIMER0001", "a single-shot timer 2 ms ahead fires VIRQ_TIMER",
            fired && fired_at >= deadline - 100000, "(rc=%ld late=%ldns)", rc,
            (long)(fired_at - deadline));

    before = os_timer_ticks;
    rc = singleshot(os_now_ns() - MS, 0);
    fired = rc == 0 && wait_tick(before, os_now_ns() + 100 * MS);
    t_check("TIMER0002", "a single-shot timer in the past fires at once", fired,
            "(rc=%ld)", rc);
    /* Xen 4.17 ignores VCPU_SSHOTTMR_future (xen commit 19c6cbd90965); older Xen gave -ETIME. */
    before = os_timer_ticks;
    rc = singleshot(os_now_ns() - MS, VCPU_SSHOTTMR_future);
    fired = rc == 0 && wait_tick(before, os_now_ns() + 100 * MS);
    t_check("TIMER0003", "VCPU_SSHOTTMR_future is ignored: a past deadline returns 0 and fires",
            fired, "(rc=%ld)", rc);

    rc = arm_then_cancel(arm_singleshot, stop_singleshot, &ticks);
    t_check("TIMER0004", "stop_singleshot_timer cancels a pending timer",
            rc == 0 && ticks == 0, "(rc=%ld ticks=%lu)", rc, ticks);
    t_rc("TIMER0005", "set_singleshot_timer from an unmapped argument gives -EFAULT",
         HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)T_UNMAPPED_VA),
         -XEN_EFAULT);
}

/*
 * Wait (events enabled) until `ticks` more timer events arrived or
 * limit_ns passed; returns the time it took.  Robust to host stalls:
 * we count events rather than expect a rate over a fixed window.
 */
static uint64_t wait_ticks(unsigned long ticks, uint64_t limit_ns)
{
    unsigned long before = os_timer_ticks;
    uint64_t start = os_now_ns();

    while (os_timer_ticks - before < ticks && os_now_ns() - start < limit_ns)
        asm volatile ("pause");
    return os_now_ns() - start;
}

static void periodic(void)
{
    struct vcpu_set_periodic_timer pt = { .period_ns = 2 * MS };
    unsigned long before = os_timer_ticks, n;
    long rc = HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
    uint64_t took = wait_ticks(5, 1000 * MS);

    /* The first tick may come at once; the next four are a period apart. */
    n = os_timer_ticks - before;
    t_check("TIMER0006", "a 2 ms periodic timer ticks 5 times, no faster than its period",
            rc == 0 && n >= 5 && took >= 3 * pt.period_ns, "(rc=%ld ticks=%lu took=%luns)",
            rc, n, (unsigned long)took);
    rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    spin(1 * MS);
    before = os_timer_ticks;
    spin(10 * MS);
    t_check("TIMER0007", "stop_periodic_timer stops the ticks",
            rc == 0 && os_timer_ticks == before, "(rc=%ld ticks=%lu)", rc,
            os_timer_ticks - before);
    pt.period_ns = 1000;
    t_rc("TIMER0008", "a periodic timer under 1 ms gives -EINVAL",
         HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), -XEN_EINVAL);
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
}

static void timer_op(void)
{
    unsigned long before = os_timer_ticks, ticks = 0;
    uint64_t deadline = os_now_ns() + 2 * MS;
    long rc = HYPERVISOR_set_timer_op(deadline);
    int fired = rc == 0 && wait_tick(before, deadline + 500 * MS);

    t_check("TIMER0009", "set_timer_op 2 ms ahead fires VIRQ_TIMER", fired,
            "(rc=%ld)", rc);
    rc = arm_then_cancel(arm_timer_op, cancel_timer_op, &ticks);
    t_check("TIMER0010", "set_timer_op(0) cancels the timer",
            rc == 0 && ticks == 0, "(rc=%ld ticks=%lu)", rc, ticks);
}

void suite_timers(void)
{
    one_shot();
    periodic();
    timer_op();
}
