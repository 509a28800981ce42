/*
 * Xenolith's control interface (HYPERVISOR_domctl, hypercall 36).
 *
 * The hypercall number and the envelope (cmd, interface_version, domain, a
 * 128-byte union) have Xen's shape; the sub-operations are Xenolith's own and
 * documented here and in docs/control-interface.md. Only a privileged domain
 * may call it. Checks in Xen 4.17's order: -XEN_EFAULT (envelope unreadable),
 * -XEN_EACCES (wrong interface_version), -XEN_ESRCH (no such domain),
 * -XEN_EPERM (not privileged), -XEN_ENOSYS (unknown cmd); then -XEN_EINVAL
 * (bad argument), -XEN_EFAULT (bad pointer).
 */
#ifndef XEN_PUBLIC_DOMCTL_H
#define XEN_PUBLIC_DOMCTL_H
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>

/*
 * The envelope's version is Xen 4.17's, so that a caller built against Xen's
 * headers passes the version check and hears -XEN_ENOSYS for a sub-operation
 * Xenolith does not serve (rather than -XEN_EACCES for everything).
 */
#define XEN_DOMCTL_INTERFACE_VERSION      0x00000015u   /* Xen 4.17 */
#define XENOLITH_DOMCTL_INTERFACE_VERSION XEN_DOMCTL_INTERFACE_VERSION

/* Xen's sub-operations that Xenolith's checks treat specially (none is served yet). */
#define XEN_DOMCTL_createdomain           1    /* names no existing domain */
#define XEN_DOMCTL_getdomaininfo          5    /* may name a missing domain */
#define XEN_DOMCTL_shadow_op              10   /* the one paging_domctl_cont continues */

/* Set the domain's paging mode. IN: mode. */
#define XENOLITH_DOMCTL_paging_mode       0x8001
#define XENOLITH_PAGING_DIRECT            0   /* guest tables validated and used by the CPU */
#define XENOLITH_PAGING_SHADOW            1   /* CPU walks hypervisor-built shadows */
struct xenolith_domctl_paging_mode {
    uint32_t mode;              /* IN: XENOLITH_PAGING_* */
    uint32_t pad;
};

/*
 * Log-dirty tracking (turns shadow paging on). IN: op; for CLEAN and PEEK also
 * bitmap (guest buffer of nr_pages bits, bit n = pseudo-physical page n) and
 * nr_pages. OUT (CLEAN, PEEK): dirty = number of dirty pages reported.
 * CLEAN reads and clears atomically with respect to the guest's writes.
 */
#define XENOLITH_DOMCTL_log_dirty         0x8002
#define XENOLITH_LOG_DIRTY_ENABLE         0
#define XENOLITH_LOG_DIRTY_DISABLE        1
#define XENOLITH_LOG_DIRTY_CLEAN          2
#define XENOLITH_LOG_DIRTY_PEEK           3
struct xenolith_domctl_log_dirty {
    uint32_t op;                /* IN: XENOLITH_LOG_DIRTY_* */
    uint32_t pad;
    uint64_t bitmap;            /* IN: guest virtual address of the bitmap */
    uint64_t nr_pages;          /* IN: bits in the bitmap */
    uint64_t dirty;             /* OUT */
};

/* Check every frame's type and counts against the domain's tables. OUT: mismatches. */
#define XENOLITH_DOMCTL_mmu_audit         0x8003
struct xenolith_domctl_mmu_audit {
    uint32_t mismatches;        /* OUT */
    uint32_t pad;
};

/* Stop a domain's vCPUs from being scheduled, or let them run again. No arguments. */
#define XENOLITH_DOMCTL_pause             0x8004
#define XENOLITH_DOMCTL_unpause           0x8005

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version; /* XENOLITH_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;
    uint16_t pad[3];
    union {
        struct xenolith_domctl_paging_mode paging_mode;
        struct xenolith_domctl_log_dirty log_dirty;
        struct xenolith_domctl_mmu_audit mmu_audit;
        uint8_t pad[128];
    } u;
};
_Static_assert(offsetof(struct xen_domctl, u) == 16, "xen_domctl.u");
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl size");

#endif /* XEN_PUBLIC_DOMCTL_H */
