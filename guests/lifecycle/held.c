/*
 * LHLD: a frame its domain gave back while another domain maps it through
 * a grant stays the domain's (counted in its pages) until that mapping
 * goes, then leaves it; the same CASE lines on Xen 4.17 and Xenolith.
 *
 * In between Dom0 asks Xenolith's MMU audit of the DomU (a "held:" line;
 * Xen has no such audit): the only reference on the frame is the grant
 * mapping's, which the audit must count where it is held. An audit that
 * set it aside by dropping it freed the frame there and then, and its
 * attempt to take it back stopped the hypervisor. After the destruction
 * every frame is free again ("held:" free frames before and after).
 */
#include <os/mm.h>
#include <xen/domctl.h>
#include <xc/xc.h>
#include "lifecycle.h"

#define PAGES 1024

/* Xenolith's audit of domid: its mismatches, or the domctl's error (Xen 4.17: it has none). */
static long audit_of(uint32_t domid)
{
    static struct xen_domctl dc;
    long rc;

    dc = (struct xen_domctl){ .cmd = XENOLITH_DOMCTL_mmu_audit,
                              .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
                              .domain = (domid_t)domid };
    rc = os_hypercall1(__HYPERVISOR_domctl, &dc);
    return rc ? rc : (long)dc.u.mmu_audit.mismatches;
}

static uint64_t tot_pages(uint32_t domid)
{
    struct xen_domctl_getdomaininfo info;

    return xc_domain_getinfo(domid, &info) == 0 && info.domain == domid ? info.tot_pages : 0;
}

void lc_held(void)
{
    static struct lc_dom d;
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_grant_ref u;
    void *page = os_alloc_page();
    uint64_t pte = *os_l1e_of((uint64_t)page), before;
    long free_before, free_after, mismatches = 0, rc;

    free_before = lc_free_frames(&mismatches);
    rc = lc_start(&d, PAGES);
    if (!rc)
        rc = xc_domain_setmaxmem(d.domid, (PAGES + 16) * 4);
    if (!t_rc("LHLD0001", "Dom0 builds a DomU with room for one more frame", rc, 0))
        return;
    lc_command(&d, LC_GRANT);
    lc_command(&d, LC_GRANT_NEW);
    t_rc("LHLD0002", "the DomU takes a new frame and grants it to Dom0", d.mbox->res[0], 1);
    HYPERVISOR_update_va_mapping((unsigned long)page, 0, UVMF_INVLPG);
    m = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)page, .flags = GNTMAP_host_map,
                                       .ref = LC_REF + 2, .dom = (domid_t)d.domid };
    rc = os_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, &m, 1);
    t_check("LHLD0003", "Dom0 maps it writable", rc == 0 && m.status == GNTST_okay,
            "(rc=%ld status=%d)", rc, m.status);
    before = tot_pages(d.domid);
    lc_command(&d, LC_GIVE_BACK);
    t_rc("LHLD0004", "the DomU gives it back while Dom0 maps it (1 extent)", d.mbox->res[0], 1);
    os_printf("held: audit of the DomU = %ld\n", audit_of(d.domid));
    t_check("LHLD0005", "the frame still counts in the DomU's pages", tot_pages(d.domid) == before,
            "(%lu, before %lu)", (unsigned long)tot_pages(d.domid), (unsigned long)before);
    *(volatile uint64_t *)page = 0x484c44;              /* still Dom0's to write */
    u = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)page, .handle = m.handle };
    rc = os_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &u, 1);
    t_check("LHLD0006", "Dom0 unmaps it", rc == 0 && u.status == GNTST_okay,
            "(rc=%ld status=%d)", rc, u.status);
    HYPERVISOR_update_va_mapping((unsigned long)page, pte, UVMF_INVLPG);
    t_check("LHLD0007", "with the mapping gone the frame leaves the DomU",
            tot_pages(d.domid) + 1 == before, "(%lu, before %lu)",
            (unsigned long)tot_pages(d.domid), (unsigned long)before);
    t_rc("LHLD0008", "Dom0 destroys the DomU", lc_destroy(&d), 0);
    free_after = lc_free_frames(&mismatches);
    /* Not a CASE: Xen 4.17 keeps the page of Dom0's first grant map-track. */
    os_printf("held: free frames %ld -> %ld\n", free_before, free_after);
    t_rc("LHLD0009", "Dom0's audit is clean", mismatches, 0);
}
