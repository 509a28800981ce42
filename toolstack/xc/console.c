/*
 * xc: the hypervisor's console ring (XEN_SYSCTL_readconsole, libxc's
 * xc_readconsolering).
 */
#include "xc.h"

long xc_readconsolering(char *buf, uint32_t *count, int clear, int incremental,
                        uint32_t *index)
{
    struct xen_sysctl s = { .u.readconsole = {
        .clear = !!clear,
        .incremental = !!incremental,
        .index = index ? *index : 0,
        .buffer.p = buf,
        .count = *count,
    } };
    long rc = xc_sysctl(XEN_SYSCTL_readconsole, &s);

    if (!rc) {
        *count = s.u.readconsole.count;
        if (index)
            *index = s.u.readconsole.index;
    }
    return rc;
}
