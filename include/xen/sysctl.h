/*
 * Xenolith public ABI: sysctl (hypercall 35), the host-wide control interface.
 *
 * The envelope is Xen 4.17's: cmd, interface_version, a 128-byte union.
 * Checks, in Xen's order: the whole envelope must be readable (-XEN_EFAULT),
 * interface_version must be XEN_SYSCTL_INTERFACE_VERSION (-XEN_EACCES), the
 * caller must be privileged (-XEN_EPERM). Xenolith serves no sub-operation
 * yet: every cmd then answers -XEN_ENOSYS (docs/differences-from-xen.md).
 */
#ifndef XEN_PUBLIC_SYSCTL_H
#define XEN_PUBLIC_SYSCTL_H
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015u   /* Xen 4.17 */

/* A few of Xen's sub-operation numbers (not served yet). */
#define XEN_SYSCTL_readconsole        1
#define XEN_SYSCTL_physinfo           3
#define XEN_SYSCTL_sched_id           4
#define XEN_SYSCTL_getdomaininfolist  6

struct xen_sysctl {
    uint32_t cmd;                   /* XEN_SYSCTL_* */
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
_Static_assert(offsetof(struct xen_sysctl, u) == 8, "xen_sysctl.u");
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl size");

#endif /* XEN_PUBLIC_SYSCTL_H */
