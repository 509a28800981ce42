/*
 * mode=destroy role=dom0|domu: Dom0 destroys the boot DomU while it still
 * maps one of the DomU's grants and holds an interdomain channel to it, and
 * prints one "destroy: <what> = <value>" line per step for
 * tests/system/test_destroy.py:
 *
 *   DomU  grants a page (ref 8, read-only, to Dom0), then waits for an event
 *         on its xenstore channel and powers off;
 *   Dom0  binds that channel, maps the grant, notifies, waits for the DomU's
 *         end (VIRQ_DOM_EXC), destroys it (the mapped frame stays readable),
 *         tries again at every stage (Xen's answers: 0 for a domain that is
 *         dead but still exists, -ESRCH once it is gone), unmaps, and reads
 *         the hypervisor's free-frame count (mmu_audit).
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/sched.h>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/sched.h>
#include "crash.h"

#define REF         8                   /* the first ref after the reserved ones */
#define PATTERN     0xd0d0cafe12345678ull
#define DOMU        1

static volatile unsigned int dom_exc, notified;

static void show(const char *what, long value)
{
    os_printf("destroy: %s = %ld\n", what, value);
}

static long gop(unsigned int cmd, void *arg)
{
    return os_hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, 1);
}

static void on_event(unsigned int port, struct os_regs *regs, void *data)
{
    (*(volatile unsigned int *)data)++;
}

static void __attribute__((noreturn)) domu(void)
{
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    xen_pfn_t frame = 0;
    volatile struct grant_entry_v1 *gtab = os_alloc_page();
    uint64_t *page = os_alloc_page();
    unsigned int port = os_start_info->store_evtchn;

    st.frame_list.p = &frame;
    if (!gtab || !page || gop(GNTTABOP_setup_table, &st) || st.status ||
        HYPERVISOR_update_va_mapping((uint64_t)gtab, (frame << 12) | 7, UVMF_INVLPG)) {
        os_printf("destroy: domu could not set its grant table up\n");
        os_poweroff();
    }
    for (unsigned int i = 0; i < 512; i++)
        page[i] = PATTERN + i;
    os_evtchn_bind(port, on_event, (void *)&notified);
    os_evtchn_unmask(port);
    gtab[REF].domid = 0;
    gtab[REF].frame = (uint32_t)os_virt_to_mfn(page);
    os_mb();
    gtab[REF].flags = GTF_permit_access | GTF_readonly;
    os_printf("destroy: domu granted ref %u, waiting on port %u\n", REF, port);
    while (!notified)
        os_block();
    os_printf("destroy: domu notified, powering off\n");
    os_poweroff();
}

static long domctl(uint32_t cmd, domid_t dom, struct xen_domctl *dc)
{
    *dc = (struct xen_domctl){ .cmd = cmd, .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
                               .domain = dom };
    return os_hypercall_dyn(__HYPERVISOR_domctl, (long)dc, 0, 0, 0, 0);
}

static long destroy(domid_t dom)
{
    static struct xen_domctl dc;

    return domctl(XEN_DOMCTL_destroydomain, dom, &dc);
}

/* GNTTABOP_map_grant_ref of the DomU's ref at page: the status; *handle on success. */
static int map(void *page, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = (uint64_t)page, .flags = GNTMAP_host_map | GNTMAP_readonly,
        .ref = REF, .dom = DOMU,
    };
    long rc = gop(GNTTABOP_map_grant_ref, &op);

    *handle = op.handle;
    return rc ? (int)rc : op.status;
}

static void __attribute__((noreturn)) dom0(void)
{
    static struct xen_domctl dc;
    struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMU };
    struct evtchn_status es;
    volatile uint64_t *win = os_alloc_page();
    grant_handle_t handle, h2;
    unsigned int tries = 0, exc;
    int st = -99;
    long rc;

    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv) == 0) {
        os_evtchn_bind(bv.port, on_event, (void *)&dom_exc);
        os_evtchn_unmask(bv.port);
    }
    show("destroy of itself", destroy(0));
    show("destroy of a missing domain", destroy(7));
    show("unpause domain 1", domctl(XEN_DOMCTL_unpausedomain, DOMU, &dc));
    /* The builder gave the DomU unbound ports toward us; its xenstore one comes first. */
    for (bi.remote_port = 1; bi.remote_port < 8; bi.remote_port++)
        if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi) == 0)
            break;
    show("bound to the domu's port", bi.remote_port < 8 ? (long)bi.remote_port : -1);
    while ((st = map((void *)win, &handle)) != GNTST_okay && tries++ < 100000)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    show("map of the domu's grant", st);
    show("mapped page holds the pattern", st == GNTST_okay && win[5] == PATTERN + 5);
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &(struct evtchn_send){ .port = bi.local_port });
    while (!dom_exc)
        os_block();
    exc = dom_exc;
    show("domain 1 shut down", 1);

    show("destroy of domain 1", destroy(DOMU));
    show("VIRQ_DOM_EXC after the destroy", dom_exc > exc);
    es = (struct evtchn_status){ .dom = DOMID_SELF, .port = bi.local_port };
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &es);
    show("our end of the channel: status", rc ? rc : (long)es.status);
    show("our end of the channel: names domain", es.u.unbound.dom);
    show("new map of the dead domain's grant", map(os_alloc_page(), &h2));
    struct mmu_update req = { .ptr = MMU_NORMAL_PT_UPDATE, .val = 0 };
    show("foreign mmu_update naming the dead domain", HYPERVISOR_mmu_update(&req, 1, NULL, DOMU));
    show("mapped page still holds the pattern", win[7] == PATTERN + 7);
    show("destroy again while its frame is mapped", destroy(DOMU));
    rc = domctl(XEN_DOMCTL_getdomaininfo, DOMU, &dc);
    show("getdomaininfo of the dead domain: dying and shut down",
         rc ? rc : dc.u.getdomaininfo.domain == DOMU &&
                   (dc.u.getdomaininfo.flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown)) ==
                   (XEN_DOMINF_dying | XEN_DOMINF_shutdown));
    struct gnttab_unmap_grant_ref un = { .host_addr = (uint64_t)win, .handle = handle };
    rc = gop(GNTTABOP_unmap_grant_ref, &un);
    show("unmap of the grant", rc ? rc : un.status);
    show("destroy after the last frame went", destroy(DOMU));
    show("getdomaininfo once it is freed", domctl(XEN_DOMCTL_getdomaininfo, DOMU, &dc));
    rc = domctl(XENOLITH_DOMCTL_mmu_audit, DOMID_SELF, &dc);
    show("dom0 audit mismatches", rc ? rc : (long)dc.u.mmu_audit.mismatches);
    show("frames free", (long)dc.u.mmu_audit.free_frames);
    os_poweroff();
}

void crash_destroy(int as_dom0)
{
    if (as_dom0)
        dom0();
    domu();
}
