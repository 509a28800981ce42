/*
 * Xenolith public ABI: platform_op (hypercall 7), the hardware domain's
 * access to platform facilities (time, microcode, CPU power, firmware).
 *
 * The envelope is Xen 4.17's: cmd, interface_version, a 128-byte union.
 * Checks, in Xen's order: readable envelope (-XEN_EFAULT), interface_version
 * equal to XENPF_INTERFACE_VERSION (-XEN_EACCES), privileged caller
 * (-XEN_EPERM). Served: core_parking (below). Every other cmd answers
 * -XEN_ENOSYS (docs/differences-from-xen.md).
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

/*
 * core_parking: SET asks for idle_nums CPUs to be parked (at most all but
 * one); GET reports how many are. Xenolith runs on one CPU, so none is ever
 * parked: SET answers 0, GET reports 0. Unknown type: -XEN_EINVAL. Like Xen,
 * SET does its work in another context: the caller's vCPU state is saved and
 * loaded again on the way back (its data segment selectors are reloaded).
 */
#define XENPF_core_parking       60
#define XEN_CORE_PARKING_SET     1
#define XEN_CORE_PARKING_GET     2
struct xenpf_core_parking {
    uint32_t type;              /* IN: XEN_CORE_PARKING_* */
    uint32_t idle_nums;         /* IN (SET) / OUT (GET) */
};
_Static_assert(sizeof(struct xenpf_core_parking) == 8, "xenpf_core_parking size");

struct xen_platform_op {
    uint32_t cmd;                   /* XENPF_* */
    uint32_t interface_version;     /* XENPF_INTERFACE_VERSION */
    union {
        struct xenpf_core_parking core_parking;
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
_Static_assert(offsetof(struct xen_platform_op, u) == 8, "xen_platform_op.u");
_Static_assert(sizeof(struct xen_platform_op) == 136, "xen_platform_op size");

#endif /* XEN_PUBLIC_PLATFORM_H */
