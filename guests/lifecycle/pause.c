/*
 * LPAU: pausing waits until the vCPUs are off their CPUs (issue 10, SMP;
 * two CPUs; Xen's vcpu_sleep_sync), the same CASE lines on Xen 4.17 and
 * Xenolith.
 *
 *  - A DomU counts as fast as it can; Dom0 pauses it N times, each time
 *    right after seeing it count. When pausedomain returns the DomU must
 *    be paused and not running (getdomaininfo), and its counter must not
 *    move any more.
 *  - Dom0's vCPU 1 counts in a register and stores each value; vCPU 0
 *    reads its context N times (getvcpucontext pauses that one vCPU):
 *    the register must be at least the value stored before the read.
 *
 * A pause that only took the vCPUs out of the run queue would return while
 * they still run on the other CPU: the counter moves on, the flags say
 * running, and the context read is the one saved when vCPU 1 last left
 * its CPU, long ago.
 */
#include <os/sched.h>
#include <os/smp.h>
#include <xen/domctl.h>
#include <xen/sched.h>
#include <xc/xc.h>
#include "lifecycle.h"

#define STILL_READS 20000       /* reads of the counter after a pause */

/* Part 1: pausedomain of the spinning DomU. bad: rounds where it was not off its CPU. */
static void pause_rounds(struct lc_dom *d, unsigned long n, unsigned long *bad,
                         unsigned long *was_running)
{
    struct xen_domctl_getdomaininfo info;

    for (unsigned long r = 0; r < n; r++) {
        uint64_t c = d->mbox->count, c1;
        bool wrong;
        long rc;

        while (d->mbox->count == c)             /* counting again */
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        if (xc_domain_getinfo(d->domid, &info) == 0 && (info.flags & XEN_DOMINF_running))
            (*was_running)++;
        rc = xc_domain_pause(d->domid);
        c1 = d->mbox->count;
        wrong = rc || xc_domain_getinfo(d->domid, &info) ||
                !(info.flags & XEN_DOMINF_paused) || (info.flags & XEN_DOMINF_running);
        for (unsigned int k = 0; k < STILL_READS && !wrong; k++)
            wrong = d->mbox->count != c1;
        if (wrong && !(*bad)++)
            os_printf("pause: round %lu: rc %ld, flags %#x, counter %lu -> %lu\n", r, rc,
                      info.flags, (unsigned long)c1, (unsigned long)d->mbox->count);
        xc_domain_unpause(d->domid);
    }
}

static volatile uint64_t spun;          /* vCPU 1's register, stored after each step */
static volatile uint32_t spin_stop;

/* vCPU 1: count in rbx, store it, until told to stop. */
static void spinner(void *arg)
{
    uint64_t n = 0;

    __asm__ volatile("1: incq %0\n\t"
                     "movq %0, %1\n\t"
                     "cmpl $0, %2\n\t"
                     "je 1b"
                     : "+b"(n), "=m"(spun)
                     : "m"(spin_stop)
                     : "cc", "memory");
}

/* Part 2: getvcpucontext of our own spinning vCPU 1. bad: reads older than the store before. */
static unsigned long context_rounds(unsigned long n)
{
    static struct vcpu_guest_context ctx;
    static struct xen_domctl dc;
    unsigned long bad = 0;

    for (unsigned long r = 0; r < n; r++) {
        uint64_t before = spun;
        long rc;

        dc = (struct xen_domctl){ .cmd = XEN_DOMCTL_getvcpucontext,
                                  .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
                                  .domain = 0,
                                  .u.vcpucontext = { .vcpu = 1, .ctxt = (uint64_t)&ctx } };
        rc = os_hypercall1(__HYPERVISOR_domctl, &dc);
        if ((rc || ctx.user_regs.rbx < before) && !bad++)
            os_printf("pause: context read %lu: rc %ld, rbx %lu, stored before %lu\n", r, rc,
                      (unsigned long)ctx.user_regs.rbx, (unsigned long)before);
        while (spun == before)                  /* moving again */
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    return bad;
}

void lc_pause(void)
{
    static struct lc_dom d;
    unsigned long n = lc_arg("n", 100), bad = 0, was_running = 0;
    long rc;

    rc = lc_start(&d, 1024);
    if (!t_rc("LPAU0001", "Dom0 builds a DomU", rc, 0))
        return;
    lc_command(&d, LC_SPIN);
    pause_rounds(&d, n, &bad, &was_running);
    t_check("LPAU0002", "each pausedomain returns with the DomU paused, not running, still",
            bad == 0, "(%lu of %lu rounds)", bad, n);
    t_check("LPAU0003", "it was running on the other CPU before pauses", was_running > 0,
            "(%lu of %lu)", was_running, n);
    t_rc("LPAU0004", "Dom0 destroys it", lc_destroy(&d), 0);
    t_rc("LPAU0005", "vCPU 1 starts counting in a register", os_vcpu_start(1, spinner, NULL), 0);
    bad = context_rounds(n);
    t_check("LPAU0006", "each getvcpucontext of vCPU 1 gives its register as it is",
            bad == 0, "(%lu of %lu reads older)", bad, n);
    spin_stop = 1;
    os_vcpu_wait(1);
    t_check("LPAU0007", "vCPU 1 stops", 1, NULL);
}
