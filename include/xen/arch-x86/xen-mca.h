/*
 * Xenolith public ABI: mca (hypercall 48, x86 arch_0), machine-check
 * telemetry and injection for the hardware domain.
 *
 * Checks, in Xen 4.17's order: privileged caller (-XEN_EPERM), readable
 * envelope (-XEN_EFAULT), interface_version equal to XEN_MCA_INTERFACE_VERSION
 * (-XEN_EACCES), known cmd (-XEN_EINVAL otherwise; notifydomain too, as in
 * Xen). Xenolith collects no machine-check telemetry, so fetch always reports
 * XEN_MC_NODATA; physcpuinfo describes the CPU; the injections answer -XEN_EOPNOTSUPP
 * (docs/differences-from-xen.md).
 */
#ifndef XEN_PUBLIC_ARCH_X86_MCA_H
#define XEN_PUBLIC_ARCH_X86_MCA_H
#include <stdint.h>
#include <stddef.h>
#include "xen.h"              /* guest handles */

#define XEN_MCA_INTERFACE_VERSION 0x01ecc003u

#define XEN_MC_fetch            1
#define XEN_MC_notifydomain     2
#define XEN_MC_physcpuinfo      3
#define XEN_MC_msrinject        4
#define XEN_MC_mceinject        5
#define XEN_MC_inject_v2        6

/* fetch flags: IN which queue (exactly one of the first two), optional ACK; OUT a status. */
#define XEN_MC_NONURGENT        0x0001
#define XEN_MC_URGENT           0x0002
#define XEN_MC_ACK              0x0004
#define XEN_MC_OK               0x0
#define XEN_MC_NODATA           0x2

/*
 * fetch: copy the oldest record of a queue to data (or acknowledge fetch_id).
 * Errors: -XEN_EINVAL (flags name no single queue, or data is null without
 * ACK), -XEN_EFAULT (writing the result back).
 */
struct xen_mc_fetch {
    uint32_t flags;             /* IN/OUT */
    uint32_t pad;
    uint64_t fetch_id;          /* IN (ACK) / OUT */
    uint64_t data;              /* IN: guest address of a record buffer */
};
_Static_assert(sizeof(struct xen_mc_fetch) == 24, "xen_mc_fetch size");

/*
 * physcpuinfo: with info null, ncpus becomes the number of online physical
 * CPUs; otherwise up to ncpus records (ncpus 0: -XEN_EINVAL) are written to
 * info and ncpus becomes how many.
 */
#define MC_NCAPS            7
#define MC_NMSRVALS         8
#define X86_VENDOR_INTEL    (1u << 0)
#define X86_VENDOR_AMD      (1u << 1)
#define X86_VENDOR_HYGON    (1u << 4)
struct xen_mcinfo_msr {
    uint64_t reg;
    uint64_t value;
};
struct xen_mc_logical_cpu {
    uint32_t mc_cpunr;
    uint32_t mc_chipid;
    uint16_t mc_coreid;
    uint16_t mc_threadid;
    uint32_t mc_apicid;
    uint32_t mc_clusterid;
    uint32_t mc_ncores;
    uint32_t mc_ncores_active;
    uint32_t mc_nthreads;
    int32_t mc_cpuid_level;
    uint32_t mc_family;
    uint32_t mc_vendor;             /* X86_VENDOR_* */
    uint32_t mc_model;
    uint32_t mc_step;
    char mc_vendorid[16];
    char mc_brandid[64];
    uint32_t mc_cpu_caps[MC_NCAPS];
    uint32_t mc_cache_size;
    uint32_t mc_cache_alignment;
    int32_t mc_nmsrvals;
    struct xen_mcinfo_msr mc_msrvalues[MC_NMSRVALS];
};
typedef struct xen_mc_logical_cpu xen_mc_logical_cpu_t;
XEN_DEFINE_GUEST_HANDLE(xen_mc_logical_cpu_t);
_Static_assert(sizeof(struct xen_mc_logical_cpu) == 304, "xen_mc_logical_cpu size");
struct xen_mc_physcpuinfo {
    uint32_t ncpus;                 /* IN/OUT */
    uint32_t pad;
    uint64_t info;                  /* IN: guest address of ncpus records, or 0 */
};

struct xen_mc {
    uint32_t cmd;                   /* XEN_MC_* */
    uint32_t interface_version;     /* XEN_MCA_INTERFACE_VERSION */
    union {
        struct xen_mc_fetch mc_fetch;
        struct xen_mc_physcpuinfo mc_physcpuinfo;
        uint8_t pad[144];
    } u;
};
typedef struct xen_mc xen_mc_t;
XEN_DEFINE_GUEST_HANDLE(xen_mc_t);
_Static_assert(offsetof(struct xen_mc, u) == 8, "xen_mc.u");
_Static_assert(sizeof(struct xen_mc) == 152, "xen_mc size");

#endif /* XEN_PUBLIC_ARCH_X86_MCA_H */
