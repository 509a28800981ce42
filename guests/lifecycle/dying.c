/*
 * LDIE: a dead domain that still exists (Dom0 maps one of its frames
 * through a grant, so destruction ends with that frame held) cannot be
 * mapped anew, nor given memory or ports, with Xen 4.17's answers for
 * frames it gave back. Xen still maps the one frame another domain holds;
 * Xenolith refuses that too, with the same codes: those two answers are
 * printed as "dying:" lines, not CASEs (tests/system/test_lifecycle.py).
 */
#include <os/mm.h>
#include <xen/memory.h>
#include <xc/xc.h>
#include "lifecycle.h"

static long gmap(uint32_t dom, grant_ref_t ref, void *va, struct gnttab_map_grant_ref *m)
{
    long rc;

    *m = (struct gnttab_map_grant_ref){ .host_addr = (uint64_t)va,
                                        .flags = GNTMAP_host_map | GNTMAP_readonly,
                                        .ref = ref, .dom = (domid_t)dom };
    rc = os_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, m, 1);
    return rc ? rc : m->status;
}

static void unmap_if_mapped(void *va, const struct gnttab_map_grant_ref *m)
{
    struct gnttab_unmap_grant_ref u = { .host_addr = (uint64_t)va, .handle = m->handle };

    if (m->status == GNTST_okay)
        os_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &u, 1);
}

void lc_dying(void)
{
    static struct lc_dom d;
    struct gnttab_map_grant_ref m, m2;
    struct gnttab_unmap_grant_ref u;
    struct xen_domctl_getdomaininfo info;
    void *page = os_alloc_page(), *page2 = os_alloc_page(), *win = os_alloc_page();
    uint64_t pte = *os_l1e_of((uint64_t)page), pte2 = *os_l1e_of((uint64_t)page2), wpte = 0;
    uint64_t store, cons;
    xen_pfn_t pfn = 0x10000;
    long rc;

    if (!t_rc("LDIE0001", "Dom0 builds a DomU", lc_start(&d, 1024), 0))
        return;
    lc_command(&d, LC_GRANT);
    store = d.store_mfn;
    cons = d.console_mfn;
    HYPERVISOR_update_va_mapping((unsigned long)page, 0, UVMF_INVLPG);
    HYPERVISOR_update_va_mapping((unsigned long)page2, 0, UVMF_INVLPG);
    rc = gmap(d.domid, LC_REF, page, &m);
    t_rc("LDIE0002", "Dom0 maps the DomU's grant", rc, GNTST_okay);
    t_rc("LDIE0003", "Dom0 destroys the DomU while it maps that frame", lc_destroy(&d), 0);
    rc = xc_domain_getinfo(d.domid, &info);
    t_check("LDIE0004", "getdomaininfo still finds it: dying", rc == 0 && info.domain == d.domid &&
            (info.flags & XEN_DOMINF_dying), "(rc=%ld domain=%u flags=%#x)", rc, info.domain,
            info.flags);
    /* The frame Dom0 holds: Xen 4.17 maps it anew (0, 0); Xenolith refuses (docs/differences). */
    rc = gmap(d.domid, LC_REF, page2, &m2);
    os_printf("dying: grant map of the frame Dom0 holds = %ld\n", rc);
    unmap_if_mapped(page2, &m2);
    rc = xc_map_foreign(win, d.domid, store, 0, &wpte);
    os_printf("dying: foreign map of the frame Dom0 holds = %ld\n", rc);
    if (!rc)
        xc_unmap_foreign(win, wpte);
    /* Frames it no longer has, memory, ports: the same answers on both. */
    rc = gmap(d.domid, LC_REF + 1, page2, &m2);
    t_rc("LDIE0005", "a grant map of a frame it gave back gives GNTST_bad_page", rc,
         GNTST_bad_page);
    unmap_if_mapped(page2, &m2);
    rc = xc_map_foreign(win, d.domid, cons, 0, &wpte);
    t_rc("LDIE0006", "a foreign mapping of a frame it gave back gives -EBUSY", rc, -XEN_EBUSY);
    if (!rc)
        xc_unmap_foreign(win, wpte);
    t_rc("LDIE0007", "populate_physmap on its behalf gives it nothing (0 extents)",
         xc_domain_populate_physmap(d.domid, 1, &pfn), 0);
    t_rc("LDIE0008", "alloc_unbound in it gives -EINVAL", xc_evtchn_alloc_unbound(d.domid, 0),
         -XEN_EINVAL);
    t_rc("LDIE0009", "destroying it again gives 0 (dead, not yet freed)",
         lc_destroy_id(d.domid), 0);
    u = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)page, .handle = m.handle };
    rc = os_hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, &u, 1);
    t_check("LDIE0010", "Dom0 unmaps the grant", rc == 0 && u.status == GNTST_okay,
            "(rc=%ld status=%d)", rc, u.status);
    t_rc("LDIE0011", "the domain is gone: destroy gives -ESRCH", lc_destroy_id(d.domid),
         -XEN_ESRCH);
    HYPERVISOR_update_va_mapping((unsigned long)page, pte, UVMF_INVLPG);
    HYPERVISOR_update_va_mapping((unsigned long)page2, pte2, UVMF_INVLPG);
}
