/*
 * XDST: Dom0 destroys the DomU once it has shut down (XEN_DOMCTL_destroydomain),
 * with the same answers on Xen 4.17 and Xenolith: the destroy itself,
 * VIRQ_DOM_EXC at its end, no domain left to destroy or map afterwards.
 * Dom0 no longer maps any of the DomU's frames by then, so nothing keeps the
 * dead domain: it is gone when the destroy returns.
 */
#include <os/mm.h>
#include <xen/domctl.h>
#include "xdom.h"

static long destroy(domid_t dom)
{
    static struct xen_domctl dc;

    dc = (struct xen_domctl){ .cmd = XEN_DOMCTL_destroydomain,
                              .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = dom };
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

void xdom_destroy_dom0(volatile int *dom_exc)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = (uint64_t)os_alloc_page(), .flags = GNTMAP_host_map | GNTMAP_readonly,
        .ref = XDOM_REF_CTRL, .dom = XDOM_DOMU,
    };
    struct evtchn_status st;
    long rc;

    *dom_exc = 0;
    t_rc("XDST0001", "Dom0 destroys the DomU after its shutdown", destroy(XDOM_DOMU), 0);
    t_check("XDST0002", "Dom0 hears of the destruction (VIRQ_DOM_EXC)", *dom_exc, NULL);
    t_rc("XDST0003", "a second destroy of the DomU gives -ESRCH", destroy(XDOM_DOMU),
         -XEN_ESRCH);
    rc = xdom_gop(GNTTABOP_map_grant_ref, &m, 1);
    t_check("XDST0004", "mapping a grant of the destroyed DomU gives GNTST_bad_domain",
            rc == 0 && m.status == GNTST_bad_domain, "(rc=%ld status=%d)", rc, m.status);
    t_rc("XDST0005", "evtchn status naming the destroyed DomU gives -ESRCH",
         xdom_evtchn_status(XDOM_DOMU, 1, &st), -XEN_ESRCH);
}
