/*
 * xdom: the two halves (see xdom.h) and the step protocol.
 */
#include <os/events.h>
#include <os/mm.h>
#include <os/sched.h>
#include <xen/domctl.h>
#include <xen/sched.h>
#include <xl/string.h>
#include "xdom.h"

volatile struct xdom_ctrl *xdom_ctrl;

void xdom_yield(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

long xdom_gop(unsigned int cmd, void *arg, unsigned int count)
{
    return os_hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

long xdom_evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = dom, .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

unsigned long xdom_option(const char *name)
{
    const char *p = (const char *)os_start_info->cmd_line;
    size_t len = strlen(name);
    unsigned long n = 0;

    for (; *p; p++)
        if (!strncmp(p, name, len) && p[len] == '=')
            break;
    if (!*p)
        return 0;
    for (p += len + 1; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + (unsigned long)(*p - '0');
    return n;
}

void xdom_run_step(enum xdom_step s)
{
    xdom_ctrl->step = s;
    while (xdom_ctrl->done != s)
        xdom_yield();
}

/* ---- Dom0 ---- */

static volatile int dom_exc;

static void on_dom_exc(unsigned int port, struct os_regs *regs, void *data)
{
    dom_exc = 1;
}

/* Start the DomU: build it (Xen: we have its image as our initrd) or unpause the boot DomU. */
static long start_domu(void)
{
    const start_info_t *si = os_start_info;
    struct xen_domctl unpause = {
        .cmd = XEN_DOMCTL_unpausedomain,
        .interface_version = XENOLITH_DOMCTL_INTERFACE_VERSION,
        .domain = XDOM_DOMU,
    };
    long rc;

    if (si->mod_len) {
        os_printf("xdom: building domain %u from our initrd (%lu bytes)\n", XDOM_DOMU,
                  (unsigned long)si->mod_len);
        return xdom_build_domu((const void *)si->mod_start, si->mod_len, 2048);
    }
    rc = os_hypercall_dyn(__HYPERVISOR_domctl, (long)&unpause, 0, 0, 0, 0);
    os_printf("xdom: unpausing the boot DomU: %ld\n", rc);
    return rc;
}

static void dom0_main(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    void *page = os_alloc_page();
    uint64_t pte = *os_l1e_of((uint64_t)page);
    unsigned long tries = 0;
    long rc;

    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind) == 0) {
        os_evtchn_bind(bind.port, on_dom_exc, NULL);
        os_evtchn_unmask(bind.port);
    }
    rc = start_domu();
    if (!t_rc("XDOM0001", "domain 1 is there and running", rc, 0))
        return;

    /* The DomU grants its control page once it is up: until then the map is refused. */
    HYPERVISOR_update_va_mapping((unsigned long)page, 0, UVMF_INVLPG);
    do {
        if (tries++)
            xdom_yield();
        m = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)page, .flags = GNTMAP_host_map,
                                           .ref = XDOM_REF_CTRL, .dom = XDOM_DOMU };
        rc = xdom_gop(GNTTABOP_map_grant_ref, &m, 1);
    } while (rc == 0 && m.status != GNTST_okay);
    xdom_ctrl = page;
    if (!t_check("XDOM0002", "Dom0 maps the control page the DomU granted it",
                 rc == 0 && m.status == GNTST_okay && xdom_ctrl->magic == XDOM_MAGIC,
                 "(rc=%ld status=%d)", rc, m.status))
        return;

    xdom_domctl_dom0();
    xdom_pirq_dom0();
    xdom_evtchn_dom0();
    xdom_gnttab_dom0();
    xdom_mmu_dom0();
    xdom_stress_dom0();
    xdom_mmurace_dom0();
    xdom_affinity_dom0();
    xdom_vtimer_dom0();

    /* The DomU leaves once we no longer map its control page. */
    xdom_ctrl->step = XS_EXIT;
    u = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)page, .handle = m.handle };
    rc = xdom_gop(GNTTABOP_unmap_grant_ref, &u, 1);
    t_check("XDOM0003", "Dom0 unmaps the control page", rc == 0 && u.status == GNTST_okay,
            "(rc=%ld status=%d)", rc, u.status);
    HYPERVISOR_update_va_mapping((unsigned long)page, pte, UVMF_INVLPG);
    os_irq_disable();
    while (!dom_exc) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
    t_check("XDOM0004", "Dom0 hears of the DomU's shutdown (VIRQ_DOM_EXC)", 1, NULL);
    xdom_domctl_after_exit();
    xdom_destroy_dom0(&dom_exc);
    xdom_pirq_after_destroy();
}

/* ---- DomU ---- */

volatile struct grant_entry_v1 *xdom_gtab;

void xdom_grant(grant_ref_t ref, uint16_t flags, domid_t dom, uint64_t mfn)
{
    xdom_gtab[ref].flags = 0;
    os_barrier();
    xdom_gtab[ref].domid = dom;
    xdom_gtab[ref].frame = (uint32_t)mfn;
    os_mb();
    xdom_gtab[ref].flags = flags;
}

static void __attribute__((noreturn)) domu_fail(const char *what, long rc)
{
    os_printf("xdom domU: %s failed: %ld\n", what, rc);
    os_crash();
}

static void domu_main(void)
{
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1 };
    xen_pfn_t frame = 0;
    void *gpage = os_alloc_page(), *cpage = os_alloc_page();
    volatile uint16_t *ctrl_flags;
    long rc;

    s.frame_list.p = &frame;
    rc = xdom_gop(GNTTABOP_setup_table, &s, 1);
    if (rc || s.status != GNTST_okay)
        domu_fail("setup_table", rc ? rc : s.status);
    rc = HYPERVISOR_update_va_mapping((unsigned long)gpage, (frame << OS_PAGE_SHIFT) |
                                      OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED |
                                      OS_PTE_DIRTY, UVMF_INVLPG);
    if (rc)
        domu_fail("mapping the grant table", rc);
    xdom_gtab = gpage;
    xdom_ctrl = cpage;
    xdom_ctrl->magic = XDOM_MAGIC;
    xdom_grant(XDOM_REF_CTRL, GTF_permit_access, 0, os_virt_to_mfn(cpage));
    os_printf("xdom domU: control page granted at ref %u\n", XDOM_REF_CTRL);

    for (;;) {
        enum xdom_step st;

        while (xdom_ctrl->step == xdom_ctrl->done)
            xdom_yield();
        st = (enum xdom_step)xdom_ctrl->step;
        if (st == XS_EXIT)
            break;
        if (st >= XS_VT_ARM)
            xdom_vtimer_domu(st);
        else if (st == XS_DOMCTL)
            xdom_domctl_domu();
        else if (st == XS_STRESS_SETUP || st == XS_STRESS)
            xdom_stress_domu(st);
        else if (st == XS_MMURACE_SETUP || st == XS_MMURACE)
            xdom_mmurace_domu(st);
        else if (st == XS_IOPORT || st == XS_IOPORT_GONE)
            xdom_ioport_domu(st);
        else if (st >= XS_PIRQ_UNPRIV && st <= XS_PIRQ_BACK)
            xdom_pirq_domu(st);
        else if (st < XS_GNT_GRANT)
            xdom_evtchn_domu(st);
        else if (st < XS_MMU_FRAMES)
            xdom_gnttab_domu(st);
        else
            xdom_mmu_domu(st);
        os_mb();
        xdom_ctrl->done = st;
    }
    /* Dom0 unmaps the page: wait until the entry is no longer in use, then revoke it. */
    ctrl_flags = &xdom_gtab[XDOM_REF_CTRL].flags;
    while (*ctrl_flags & (GTF_reading | GTF_writing))
        xdom_yield();
    *ctrl_flags = 0;
    os_printf("xdom domU: done\n");
}

void os_main(void)
{
    if (os_start_info->flags & SIF_INITDOMAIN) {
        dom0_main();
        os_printf("Test result: %s\n", t_failures ? "FAILURE" : "SUCCESS");
    } else {
        domu_main();
    }
}
