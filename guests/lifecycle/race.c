/*
 * LRCE: borrowed lookups racing the free of the domain they found (issue
 * 10, SMP; Dom0 with two vCPUs). vCPU 1 asks for the info of the DomU that
 * vCPU 0 is destroying, again and again; on Xenolith with lookup_delay=N
 * each ask holds the domain it found N microseconds inside the hypervisor
 * before taking a reference, and panics if it was freed meanwhile. The
 * grace period keeps it: the free waits until vCPU 1's CPU has left that
 * hypercall. Without the option (and on Xen 4.17, which has none) the
 * window is a few instructions wide and the mode is only a stress.
 */
#include <os/sched.h>
#include <os/smp.h>
#include <xen/domctl.h>
#include <xen/sched.h>
#include "lifecycle.h"

static volatile uint32_t target;
static volatile int stop;
static volatile unsigned long asks, found;

/* vCPU 1: getdomaininfo of the current target until told to stop. */
static void ask_loop(void *arg)
{
    static struct xen_domctl dc;

    while (!stop) {
        uint32_t id = target;

        dc = (struct xen_domctl){ .cmd = XEN_DOMCTL_getdomaininfo,
                                  .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
                                  .domain = (domid_t)id };
        if (id && os_hypercall1(__HYPERVISOR_domctl, &dc) == 0 && dc.u.getdomaininfo.domain == id)
            found++;
        asks++;
    }
}

void lc_race(void)
{
    unsigned long n = lc_arg("n", 40), destroyed = 0;
    struct lc_dom d = { 0 };
    long rc = os_vcpu_start(1, ask_loop, NULL);

    t_rc("LRCE0001", "vCPU 1 starts asking for domain info", rc, 0);
    for (unsigned long i = 0; i < n && !rc; i++) {
        unsigned long seen;

        rc = lc_start(&d, 1024);
        if (rc) {
            os_printf("race: cycle %lu: build gave %ld\n", i, rc);
            break;
        }
        target = d.domid;
        for (seen = asks; asks < seen + 2;)    /* vCPU 1 asks about this one */
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        rc = lc_destroy(&d);
        if (rc)
            os_printf("race: cycle %lu: destroy of d%u gave %ld\n", i, d.domid, rc);
        else
            destroyed++;
    }
    stop = 1;
    os_vcpu_wait(1);
    os_printf("race: %lu asks, %lu found their domain\n", asks, found);
    t_check("LRCE0002", "every DomU is destroyed while vCPU 1 looks it up", destroyed == n,
            "(%lu of %lu, rc=%ld)", destroyed, n, rc);
    t_check("LRCE0003", "vCPU 1 found them", found > 0, "(%lu)", found);
}
