/*
 * xdom's vtimer run (Dom0's command line "vtimer", on a machine of two
 * CPUs; Xenolith only: it reads the hypervisor's 'd' debug key): a vCPU's
 * timers follow it from CPU to CPU. Dom0 pins the DomU's vCPU to CPU0,
 * has it arm a singleshot timer far ahead there and dumps the vCPUs
 * (XEN_SYSCTL_debug_keys "d": the timer is in CPU0's heap); then pins it to
 * CPU1, lets it run there once without touching its timers and dumps again
 * (the same timer, still armed, now in CPU1's heap); then the DomU, still on
 * CPU1, sleeps on singleshot timers and counts periodic ticks. One line per
 * step; no CASE lines, as affinity.c.
 */
#include <os/time.h>
#include <xen/sysctl.h>
#include <xen/vcpu.h>
#include <xl/string.h>
#include "xdom.h"

#define SLEEPS     20               /* 1 ms sleeps on CPU1 */
#define TICKS      10               /* 1 ms periodic ticks on CPU1 */
#define FAR_NS     (1000ull * 1000000000ull)   /* the armed timer: 1000 s ahead */

/* The hypervisor's 'd' key: every vCPU's state and where its timers are. */
static long dump_vcpus(void)
{
    static char key = 'd';
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_debug_keys,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };

    op.u.debug_keys.keys.addr = (uint64_t)&key;
    op.u.debug_keys.nr_keys = 1;
    return os_hypercall1(__HYPERVISOR_sysctl, &op);
}

static bool vtimer_asked(void)
{
    const char *p = (const char *)os_start_info->cmd_line;

    for (; *p; p++)
        if ((p == (const char *)os_start_info->cmd_line || p[-1] == ' ') && !strncmp(p, "vtimer", 6) &&
            (p[6] == ' ' || !p[6]))
            return true;
    return false;
}

void xdom_vtimer_dom0(void)
{
    long rc, moved;

    if (!vtimer_asked())
        return;
    rc = xdom_pin(XDOM_DOMU, 1);
    moved = xdom_wait_on(XDOM_DOMU, 0) < XDOM_MOVE_TRIES;
    xdom_run_step(XS_VT_ARM);
    os_printf("xdom vtimer: DomU on CPU0 (pin %ld, %s), timer armed %ld; dump 1:\n", rc,
              moved ? "there" : "never there", (long)xdom_ctrl->res[0]);
    rc = dump_vcpus();
    os_printf("xdom vtimer: dump 1 done: %ld\n", rc);

    rc = xdom_pin(XDOM_DOMU, 2);
    moved = xdom_wait_on(XDOM_DOMU, 1) < XDOM_MOVE_TRIES;
    xdom_run_step(XS_VT_NOTHING);
    os_printf("xdom vtimer: DomU moved to CPU1 (pin %ld, %s) and ran there; dump 2:\n", rc,
              moved ? "there" : "never there");
    rc = dump_vcpus();
    os_printf("xdom vtimer: dump 2 done: %ld\n", rc);

    xdom_run_step(XS_VT_TICKS);
    os_printf("xdom vtimer: on CPU1: %ld of %d sleeps ended by their timer, %ld periodic ticks "
              "(%d asked)\n", (long)xdom_ctrl->res[1], SLEEPS, (long)xdom_ctrl->res[2], TICKS);
    rc = xdom_pin(XDOM_DOMU, 3);
    os_printf("xdom vtimer: DomU back to every CPU: %ld\n", rc);
}

/* DomU: spin until n more timer events came or 10 s passed (a safety net); how many came. */
static unsigned long count_ticks(unsigned long n)
{
    unsigned long before = os_timer_ticks, got;
    uint64_t end = os_now_ns() + 10000000000ull;

    /* One read decides: a tick landing after the loop is not counted. */
    while ((got = os_timer_ticks - before) < n && os_now_ns() < end)
        asm volatile("pause");
    return got;
}

void xdom_vtimer_domu(enum xdom_step s)
{
    struct vcpu_set_periodic_timer pt = { .period_ns = 1000000 };
    unsigned long woken = 0;

    if (s == XS_VT_ARM) {
        xdom_ctrl->res[0] = HYPERVISOR_set_timer_op(os_now_ns() + FAR_NS);
    } else if (s == XS_VT_TICKS) {
        for (unsigned int i = 0; i < SLEEPS; i++) {
            unsigned long before = os_timer_ticks;

            os_sleep_until(os_now_ns() + 1000000);
            woken += os_timer_ticks != before;
        }
        xdom_ctrl->res[1] = (int64_t)woken;
        HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
        xdom_ctrl->res[2] = (int64_t)count_ticks(TICKS);
        HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    }
}
