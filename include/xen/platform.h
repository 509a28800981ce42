/*
 * Xenolith public ABI: platform_op (hypercall 7), the hardware domain's
 * access to platform facilities (time, microcode, CPU power, firmware).
 *
 * The envelope is Xen 4.17's: cmd, interface_version, a 128-byte union.
 * Checks, in Xen's order: readable envelope (-XEN_EFAULT), interface_version
 * equal to XENPF_INTERFACE_VERSION (-XEN_EACCES), privileged caller
 * (-XEN_EPERM). No sub-operation is served yet: each answers -XEN_ENOSYS
 * (docs/differences-from-xen.md).
 */
#ifndef XEN_PUBLIC_PLATFORM_H
#define XEN_PUBLIC_PLATFORM_H
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>

#define XENPF_INTERFACE_VERSION 0x03000001u

/* A few of Xen's sub-operation numbers (not served yet). */
#define XENPF_settime32          17
#define XENPF_settime64          62
#define XENPF_get_cpuinfo        55

struct xen_platform_op {
    uint32_t cmd;                   /* XENPF_* */
    uint32_t interface_version;     /* XENPF_INTERFACE_VERSION */
    union {
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
_Static_assert(offsetof(struct xen_platform_op, u) == 8, "xen_platform_op.u");
_Static_assert(sizeof(struct xen_platform_op) == 136, "xen_platform_op size");

#endif /* XEN_PUBLIC_PLATFORM_H */
