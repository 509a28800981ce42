/*
 * LMRC: frames given to a domain while it is being destroyed (issue 10,
 * SMP; Dom0 with two vCPUs). Each cycle Dom0 builds a DomU, raises its
 * reservation and sets it churning its own memory (populate_physmap,
 * XENMEM_exchange, decrease_reservation: lc_churn_round), while Dom0's
 * vCPU 1 churns the DomU's memory the same way on its behalf; once both
 * have done a round, vCPU 0 destroys the DomU. Afterwards every frame is
 * free again and the audit is clean.
 *
 * On Xenolith with alloc_delay=N every allocation holds its frames N
 * microseconds before handing them over and panics if they were freed
 * meanwhile, so that the destruction falls into that window: a memory
 * stage that does not wait for the allocation frees them (the panic), and
 * an allocation to a domain already dying leaves frames nobody frees (the
 * count at the end). Without it (and on Xen 4.17) the mode is a stress.
 */
#include <os/sched.h>
#include <os/smp.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xc/xc.h>
#include "lifecycle.h"

#define CYCLE_PAGES 1024
#define SLACK_PAGES 256         /* reservation above the build, for both churns */

static long memory_op(unsigned int cmd, domid_t dom, xen_pfn_t *list, unsigned long nr)
{
    struct xen_memory_reservation r = { .nr_extents = nr, .domid = dom };

    r.extent_start.p = list;
    return HYPERVISOR_memory_op((int)cmd, &r);
}

void lc_churn_round(domid_t dom, xen_pfn_t base, struct lc_churn *c)
{
    struct xen_memory_exchange x;
    long got, swapped = 0, n = 0;

    for (unsigned int k = 0; k < LC_CHURN_FRAMES; k++)
        c->in[k] = base + k;
    got = memory_op(XENMEM_populate_physmap, dom, c->in, LC_CHURN_FRAMES);
    if (got < 0)
        got = 0;
    c->populated += (unsigned long)got;
    /* Whole extents of the output order: 2^LC_CHURN_ORDER frames per chunk. */
    if (got >> LC_CHURN_ORDER) {
        unsigned long extents = (unsigned long)got >> LC_CHURN_ORDER;

        for (unsigned long j = 0; j < extents; j++)
            c->out[j] = base + LC_CHURN_FRAMES + (j << LC_CHURN_ORDER);
        x = (struct xen_memory_exchange){
            .in = { .nr_extents = extents << LC_CHURN_ORDER, .domid = dom },
            .out = { .nr_extents = extents, .extent_order = LC_CHURN_ORDER, .domid = dom },
        };
        x.in.extent_start.p = c->in;
        x.out.extent_start.p = c->out;
        HYPERVISOR_memory_op(XENMEM_exchange, &x);
        swapped = (long)x.nr_exchanged;
        c->exchanged += (unsigned long)swapped;
    }
    /* What is ours now: the new extents' frames and the inputs not exchanged. */
    for (long j = 0; j < (swapped >> LC_CHURN_ORDER); j++)
        for (unsigned int k = 0; k < (1u << LC_CHURN_ORDER); k++)
            c->give[n++] = c->out[j] + k;
    for (long k = swapped; k < got; k++)
        c->give[n++] = c->in[k];
    got = n ? memory_op(XENMEM_decrease_reservation, dom, c->give, (unsigned long)n) : 0;
    c->given_back += got > 0 ? (unsigned long)got : 0;
    c->rounds++;
}

static volatile uint32_t target;        /* the DomU vCPU 1 churns, 0: none */
static volatile uint32_t churned;       /* the last DomU vCPU 1 got frames for */
static volatile int stop;
static struct lc_churn vcpu1;

/* vCPU 1: churn the target's memory on its behalf until told to stop. */
static void churn_loop(void *arg)
{
    while (!stop) {
        uint32_t id = target;
        unsigned long before = vcpu1.populated;

        if (!id) {
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        lc_churn_round((domid_t)id, CYCLE_PAGES + 2 * LC_CHURN_FRAMES, &vcpu1);
        if (vcpu1.populated != before)
            churned = id;
    }
}

void lc_memrace(void)
{
    unsigned long n = lc_arg("n", 10), destroyed = 0, domu_rounds = 0;
    long free_before, free_after, mismatches = 0, rc;
    struct lc_dom d = { 0 };

    free_before = lc_free_frames(&mismatches);
    rc = os_vcpu_start(1, churn_loop, NULL);
    t_rc("LMRC0001", "vCPU 1 starts", rc, 0);
    for (unsigned long i = 0; i < n && !rc; i++) {
        rc = lc_start(&d, CYCLE_PAGES);
        if (!rc)
            rc = xc_domain_setmaxmem(d.domid, (CYCLE_PAGES + SLACK_PAGES) * 4);
        if (rc) {
            os_printf("memrace: cycle %lu: build gave %ld\n", i, rc);
            break;
        }
        lc_command(&d, LC_CHURN);
        target = d.domid;
        /* Both churn this one: then it goes, whatever they are doing. */
        while (churned != d.domid || !d.mbox->count)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        domu_rounds += d.mbox->count;
        rc = lc_destroy(&d);
        target = 0;
        if (rc)
            os_printf("memrace: cycle %lu: destroy of d%u gave %ld\n", i, d.domid, rc);
        else
            destroyed++;
    }
    stop = 1;
    os_vcpu_wait(1);
    free_after = lc_free_frames(&mismatches);
    os_printf("memrace: DomU rounds %lu; vCPU 1: %lu rounds, %lu frames populated, %lu exchanged, "
              "%lu given back; free frames %ld -> %ld\n", domu_rounds, vcpu1.rounds,
              vcpu1.populated, vcpu1.exchanged, vcpu1.given_back, free_before, free_after);
    t_check("LMRC0002", "every DomU is destroyed while it and vCPU 1 churn its memory",
            destroyed == n, "(%lu of %lu, rc=%ld)", destroyed, n, rc);
    t_check("LMRC0003", "both churned: the DomUs' own rounds, vCPU 1's populates and exchanges",
            domu_rounds && vcpu1.populated && vcpu1.exchanged, "(%lu, %lu, %lu)", domu_rounds,
            vcpu1.populated, vcpu1.exchanged);
    t_check("LMRC0004", "every frame is free again and the audit is clean",
            free_after == free_before && !mismatches, "(free %ld -> %ld, %ld mismatches)",
            free_before, free_after, mismatches);
}
