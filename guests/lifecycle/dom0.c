/*
 * Dom0's side of a DomU (lifecycle.h): build it with the toolstack's
 * builder, bind its console port, map its mailbox, ask and wait, destroy.
 */
#include <xl/string.h>
#include <os/events.h>
#include <os/mm.h>
#include <os/sched.h>
#include <os/time.h>
#include <xen/domctl.h>
#include <xen/sched.h>
#include <xc/xc.h>
#include "lifecycle.h"

volatile unsigned long lc_dom_exc;
int lc_timed;
struct lc_timing lc_last;

static void on_dom_exc(unsigned int port, struct os_regs *regs, void *data)
{
    lc_dom_exc++;
}

void lc_dom0_init(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };

    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind) == 0) {
        os_evtchn_bind(bind.port, on_dom_exc, NULL);
        os_evtchn_unmask(bind.port);
    }
}

void lc_wait_event(void)
{
    os_block();
}

/* Wait, blocking, until the DomU's mailbox says `done` reached `seq`. */
static void wait_done(struct lc_dom *d, uint32_t seq)
{
    os_irq_disable();
    while (d->mbox->done != seq) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
}

long lc_start(struct lc_dom *d, unsigned long nr_pages)
{
    static struct xc_dom_image img;
    struct evtchn_bind_interdomain b;
    long rc;
    void *va = d->va;                   /* the caller's window is kept across uses */

    img = (struct xc_dom_image){
        .kernel = (const void *)os_start_info->mod_start,
        .kernel_len = os_start_info->mod_len,
        .nr_pages = nr_pages,
        .cmdline = "lifecycle domU",
        .timed = lc_timed,
    };
    uint64_t t;

    *d = (struct lc_dom){ .va = va };
    rc = xc_dom_build(&img);
    if (rc) {
        os_printf("lifecycle: build: %s\n", img.reason);
        return rc;
    }
    t = os_now_ns();
    memcpy(lc_last.step_ns, img.step_ns, sizeof(img.step_ns));
    lc_last.map_ns = img.map_ns;
    lc_last.map_calls = img.map_calls;
    lc_last.clear_calls = img.clear_calls;
    d->domid = img.domid;
    d->store_mfn = img.store_mfn;
    d->console_mfn = img.console_mfn;
    d->console_evtchn = img.console_evtchn;
    if (!d->va)
        d->va = os_alloc_page();
    rc = xc_map_foreign(d->va, d->domid, d->store_mfn, 1, &d->map_pte);
    if (rc) {
        os_printf("lifecycle: mapping d%u's mailbox: %ld\n", d->domid, rc);
        return rc;
    }
    d->mbox = d->va;
    lc_last.step_ns[LC_STEP_MAP_MBOX] = os_now_ns() - t;
    t = os_now_ns();
    b = (struct evtchn_bind_interdomain){ .remote_dom = (domid_t)d->domid,
                                          .remote_port = d->console_evtchn };
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    if (rc) {
        os_printf("lifecycle: binding d%u's console port: %ld\n", d->domid, rc);
        return rc;
    }
    d->lport = b.local_port;
    os_evtchn_bind(d->lport, NULL, NULL);
    os_evtchn_unmask(d->lport);
    lc_last.step_ns[LC_STEP_BIND] = os_now_ns() - t;
    /* Its sign of life: the mailbox is marked and its console port signalled. */
    os_irq_disable();
    while (d->mbox->magic != LC_MAGIC) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
    if (lc_timed) {
        /*
         * System time is one clock for every domain: the DomU's os_main began
         * at main_ns. If it ran before Dom0 had bound (it preempted Dom0 in
         * the unpause or after), its start lies in those steps and this one
         * is 0; the steps never overlap.
         */
        uint64_t seen = os_now_ns(), bound = t + lc_last.step_ns[LC_STEP_BIND];
        uint64_t main = d->mbox->main_ns > bound ? d->mbox->main_ns : bound;

        lc_last.step_ns[LC_STEP_TO_MAIN] = main - bound;
        lc_last.step_ns[LC_STEP_TO_LIFE] = seen - main;
    }
    return 0;
}

void lc_command(struct lc_dom *d, enum lc_cmd cmd)
{
    uint32_t seq = d->mbox->seq + 1;
    struct evtchn_send s = { .port = d->lport };

    d->mbox->cmd = cmd;
    os_mb();
    d->mbox->seq = seq;
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
    if (cmd != LC_EXIT && cmd != LC_CHURN && cmd != LC_SPIN)
        wait_done(d, seq);
}

long lc_destroy_id(uint32_t domid)
{
    return xc_domain_destroy(domid);
}

long lc_destroy(struct lc_dom *d)
{
    struct evtchn_close c = { .port = d->lport };
    long rc;

    if (d->map_pte) {
        xc_unmap_foreign(d->va, d->map_pte);
        d->map_pte = 0;
        d->mbox = NULL;
    }
    rc = lc_destroy_id(d->domid);
    if (d->lport) {
        os_evtchn_mask(d->lport);
        os_evtchn_unbind(d->lport);
        HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
        d->lport = 0;
    }
    return rc;
}

/* Xen 4.17's sysctl physinfo (public/sysctl.h, interface version 0x15). */
struct lc_sysctl {
    uint32_t cmd, interface_version;
    struct {
        uint32_t threads_per_core, cores_per_socket, nr_cpus, max_cpu_id, nr_nodes;
        uint32_t max_node_id, cpu_khz, capabilities, arch_capabilities, pad;
        uint64_t total_pages, free_pages, scrub_pages, outstanding_pages, max_mfn;
        uint32_t hw_cap[8];
        uint8_t rest[128 - 112];
    } physinfo;
};
_Static_assert(sizeof(struct lc_sysctl) == 136, "xen_sysctl");

long lc_free_frames(long *mismatches)
{
    static struct lc_sysctl s;
    static struct xen_domctl dc;
    long rc;

    /* Settle deferred frees first (Xen's RCU-deferred domain frees, our softirq). */
    for (unsigned int i = 0; i < 8; i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    dc = (struct xen_domctl){ .cmd = XENOLITH_DOMCTL_mmu_audit,
                              .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
                              .domain = DOMID_SELF };
    rc = os_hypercall1(__HYPERVISOR_domctl, &dc);
    if (rc == 0) {
        *mismatches = dc.u.mmu_audit.mismatches;
        return (long)dc.u.mmu_audit.free_frames;
    }
    *mismatches = 0;                    /* Xen 4.17 has no such audit */
    s = (struct lc_sysctl){ .cmd = 3, .interface_version = 0x15 };
    rc = os_hypercall1(__HYPERVISOR_sysctl, &s);
    return rc ? rc : (long)s.physinfo.free_pages;
}

bool lc_scrub_counts(uint64_t *at_alloc, uint64_t *idle)
{
    static struct xen_domctl dc;

    dc = (struct xen_domctl){ .cmd = XENOLITH_DOMCTL_mmu_audit,
                              .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
                              .domain = DOMID_SELF };
    *at_alloc = *idle = 0;
    if (os_hypercall1(__HYPERVISOR_domctl, &dc))
        return false;
    *at_alloc = dc.u.mmu_audit.cleared_at_alloc;
    *idle = dc.u.mmu_audit.scrubbed_idle;
    return true;
}
