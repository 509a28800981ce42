/*
 * xdom's stress (Dom0's command line "stress=N", after the cases): N rounds
 * in which Dom0 maps a page the DomU granted, writes the round's number
 * through the mapping, unmaps it (a grant unmap's flush) and sends an event;
 * the DomU, blocked until it comes, checks the number, retypes a frame of its
 * own (writable -> L1 pin -> unpin -> writable: each type change flushes every
 * CPU) and answers with an event. With Dom0 and the DomU on two CPUs every
 * round wakes a CPU from its idle halt twice and shoots down TLBs across
 * them. Dom0 prints one line with the rounds and the bad ones; the
 * hypervisor's audits afterwards must be clean. No CASE lines: the cases
 * stay the same with and without it.
 */
#include <os/events.h>
#include <os/mm.h>
#include <xl/string.h>
#include <xen/sched.h>
#include "xdom.h"

#define RW (OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY)
#define RO (OS_PTE_PRESENT | OS_PTE_ACCESSED)

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* Block until `port` has seen `n` events since `base`. */
static void wait_events(evtchn_port_t port, unsigned long base, unsigned long n)
{
    os_irq_disable();
    while (os_evtchn_count[port] - base < n) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
}

static long pin(uint64_t mfn, unsigned int cmd)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* ---- DomU ---- */

static volatile uint64_t *stress_page;

void xdom_stress_domu(enum xdom_step s)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    struct evtchn_bind_interdomain b = { .remote_dom = 0, .remote_port = c->port };
    uint8_t *frame;
    uint64_t mfn, bad = 0;
    unsigned long base;

    if (s == XS_STRESS_SETUP) {
        stress_page = os_alloc_page();
        c->res[0] = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
        c->local_port = b.local_port;
        os_evtchn_clear(b.local_port);
        xdom_grant(XDOM_REF_STRESS, GTF_permit_access, 0, os_virt_to_mfn((void *)stress_page));
        return;
    }
    frame = os_alloc_page();
    mfn = os_virt_to_mfn(frame);
    base = os_evtchn_count[c->local_port];
    os_evtchn_bind(c->local_port, NULL, NULL);
    os_evtchn_unmask(c->local_port);
    for (unsigned long i = 1; i <= c->stress_rounds; i++) {
        wait_events(c->local_port, base, i);
        bad += *stress_page != i;
        frame[1] = (uint8_t)i;          /* writable now (entry 0 stays not present for the pin) */
        bad += HYPERVISOR_update_va_mapping((uint64_t)frame, (mfn << OS_PAGE_SHIFT) | RO,
                                            UVMF_INVLPG) != 0;
        bad += pin(mfn, MMUEXT_PIN_L1_TABLE) != 0;             /* writable -> L1 */
        bad += pin(mfn, MMUEXT_UNPIN_TABLE) != 0;
        bad += HYPERVISOR_update_va_mapping((uint64_t)frame, (mfn << OS_PAGE_SHIFT) | RW,
                                            UVMF_INVLPG) != 0;  /* L1 -> writable */
        bad += send(c->local_port) != 0;
    }
    os_evtchn_mask(c->local_port);
    c->stress_bad = bad;
}

/* ---- Dom0 ---- */

void xdom_stress_dom0(void)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    unsigned long n = xdom_option("stress"), base;
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = XDOM_DOMU };
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    uint8_t *win = os_alloc_page();
    uint64_t pte = *os_l1e_of((uint64_t)win), bad = 0;

    if (!n)
        return;
    if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a)) {
        os_printf("xdom stress: alloc_unbound failed\n");
        return;
    }
    c->port = a.port;
    c->stress_rounds = (uint32_t)n;
    xdom_run_step(XS_STRESS_SETUP);
    if (c->res[0]) {
        os_printf("xdom stress: the DomU's bind failed (%ld)\n", (long)c->res[0]);
        return;
    }
    base = os_evtchn_count[a.port];
    os_evtchn_bind(a.port, NULL, NULL);
    os_evtchn_unmask(a.port);
    HYPERVISOR_update_va_mapping((uint64_t)win, 0, UVMF_INVLPG);
    c->step = XS_STRESS;                        /* the DomU loops while we do */
    for (unsigned long i = 1; i <= n; i++) {
        m = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)win, .flags = GNTMAP_host_map,
                                           .ref = XDOM_REF_STRESS, .dom = XDOM_DOMU };
        if (xdom_gop(GNTTABOP_map_grant_ref, &m, 1) || m.status != GNTST_okay) {
            bad++;
            break;
        }
        *(volatile uint64_t *)win = i;
        u = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)win, .handle = m.handle };
        bad += xdom_gop(GNTTABOP_unmap_grant_ref, &u, 1) != 0 || u.status != GNTST_okay;
        bad += send(a.port) != 0;
        wait_events(a.port, base, i);
    }
    while (c->done != XS_STRESS)
        xdom_yield();
    os_evtchn_mask(a.port);
    HYPERVISOR_update_va_mapping((uint64_t)win, pte, UVMF_INVLPG);
    os_printf("xdom stress: %lu rounds, %lu bad in Dom0, %lu bad in the DomU\n", n,
              (unsigned long)bad, (unsigned long)c->stress_bad);
}
