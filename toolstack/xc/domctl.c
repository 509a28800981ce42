/*
 * xc: the domctl and sysctl wrappers (Xen 4.17's interface version 0x15).
 */
#include <os/hypercall.h>
#include "xc.h"

long xc_domctl(uint32_t cmd, uint32_t domid, struct xen_domctl *d)
{
    d->cmd = cmd;
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    d->domain = (domid_t)domid;
    return os_hypercall1(__HYPERVISOR_domctl, d);
}

long xc_sysctl(uint32_t cmd, struct xen_sysctl *s)
{
    s->cmd = cmd;
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return os_hypercall1(__HYPERVISOR_sysctl, s);
}

long xc_domain_create(uint32_t *domid, const struct xen_domctl_createdomain *cfg)
{
    struct xen_domctl d = { .u.createdomain = *cfg };
    long rc = xc_domctl(XEN_DOMCTL_createdomain, *domid, &d);

    if (!rc)
        *domid = d.domain;
    return rc;
}

long xc_domain_max_vcpus(uint32_t domid, unsigned int max)
{
    struct xen_domctl d = { .u.max_vcpus.max = max };

    return xc_domctl(XEN_DOMCTL_max_vcpus, domid, &d);
}

long xc_domain_setmaxmem(uint32_t domid, uint64_t max_memkb)
{
    struct xen_domctl d = { .u.max_mem.max_memkb = max_memkb };

    return xc_domctl(XEN_DOMCTL_max_mem, domid, &d);
}

long xc_domain_getinfo(uint32_t domid, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl d = { 0 };
    long rc = xc_domctl(XEN_DOMCTL_getdomaininfo, domid, &d);

    if (!rc)
        *info = d.u.getdomaininfo;
    return rc;
}

static long simple(uint32_t cmd, uint32_t domid)
{
    struct xen_domctl d = { 0 };

    return xc_domctl(cmd, domid, &d);
}

long xc_domain_pause(uint32_t domid)
{
    return simple(XEN_DOMCTL_pausedomain, domid);
}

long xc_domain_unpause(uint32_t domid)
{
    return simple(XEN_DOMCTL_unpausedomain, domid);
}

long xc_domain_destroy(uint32_t domid)
{
    return simple(XEN_DOMCTL_destroydomain, domid);
}

long xc_domain_hypercall_init(uint32_t domid, uint64_t gmfn)
{
    struct xen_domctl d = { .u.hypercall_init.gmfn = gmfn };

    return xc_domctl(XEN_DOMCTL_hypercall_init, domid, &d);
}

long xc_vcpu_setcontext(uint32_t domid, unsigned int vcpu, struct vcpu_guest_context *ctx)
{
    struct xen_domctl d = { .u.vcpucontext = { .vcpu = vcpu, .ctxt = (uint64_t)ctx } };

    return xc_domctl(XEN_DOMCTL_setvcpucontext, domid, &d);
}
