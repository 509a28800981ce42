/*
 * xc: one vCPU of a domain as the toolstack sees it (XEN_DOMCTL_getvcpuinfo,
 * XEN_DOMCTL_getvcpuaffinity / setvcpuaffinity, libxc's xc_vcpu_getinfo,
 * xc_vcpu_getaffinity and xc_vcpu_setaffinity).
 */
#include "xc.h"

long xc_vcpu_getinfo(uint32_t domid, unsigned int vcpu, struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl d = { .u.getvcpuinfo.vcpu = vcpu };
    long rc = xc_domctl(XEN_DOMCTL_getvcpuinfo, domid, &d);

    if (!rc)
        *info = d.u.getvcpuinfo;
    return rc;
}

static long affinity(uint32_t cmd, uint32_t domid, unsigned int vcpu, uint8_t *hard,
                     uint8_t *soft, unsigned int nr_bits, uint32_t flags)
{
    struct xen_domctl d = { .u.vcpuaffinity = {
        .vcpu = vcpu,
        .flags = (hard ? XEN_VCPUAFFINITY_HARD : 0) | (soft ? XEN_VCPUAFFINITY_SOFT : 0) | flags,
        .cpumap_hard = { .bitmap.p = hard, .nr_bits = hard ? nr_bits : 0 },
        .cpumap_soft = { .bitmap.p = soft, .nr_bits = soft ? nr_bits : 0 },
    } };

    return xc_domctl(cmd, domid, &d);
}

long xc_vcpu_getaffinity(uint32_t domid, unsigned int vcpu, uint8_t *hard, uint8_t *soft,
                         unsigned int nr_bits)
{
    return affinity(XEN_DOMCTL_getvcpuaffinity, domid, vcpu, hard, soft, nr_bits, 0);
}

long xc_vcpu_setaffinity(uint32_t domid, unsigned int vcpu, uint8_t *hard, uint8_t *soft,
                         unsigned int nr_bits, uint32_t flags)
{
    return affinity(XEN_DOMCTL_setvcpuaffinity, domid, vcpu, hard, soft, nr_bits, flags);
}
