/*
 * Xenolith public ABI: sysctl (hypercall 35), the host-wide control interface.
 *
 * The envelope is Xen 4.17's: cmd, interface_version, a 128-byte union.
 * Checks, in Xen's order: the whole envelope must be readable (-XEN_EFAULT),
 * interface_version must be XEN_SYSCTL_INTERFACE_VERSION (-XEN_EACCES), the
 * caller must be privileged (-XEN_EPERM); an unknown cmd answers
 * -XEN_ENOSYS. Xen's sub-operations below are served with Xen's layouts and
 * answers (docs/control-interface.md); the structure is written back after
 * each one that succeeds.
 */
#ifndef XEN_PUBLIC_SYSCTL_H
#define XEN_PUBLIC_SYSCTL_H
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>
#include <xen/domctl.h>

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015u   /* Xen 4.17 */

/* Xen 4.17's sub-operation numbers: those served, and a few the checks name. */
#define XEN_SYSCTL_readconsole        1
#define XEN_SYSCTL_physinfo           3
#define XEN_SYSCTL_sched_id           4
#define XEN_SYSCTL_getdomaininfolist  6
#define XEN_SYSCTL_debug_keys         7
#define XEN_SYSCTL_getcpuinfo         8
#define XEN_SYSCTL_scheduler_op       19

/*
 * XEN_SYSCTL_readconsole: copy the hypervisor's console ring (its log, and
 * the lines of domains other than Dom0) to buffer. IN: count, the buffer's
 * size; incremental: start at index (a free-running position; one outside
 * the ring's content is ignored and reading starts at its oldest byte);
 * clear: forget what was read (the next non-incremental read starts after
 * it). OUT: count, the bytes written; index, the position after them.
 * -EFAULT: the buffer cannot be written (nothing is cleared then).
 */
struct xen_sysctl_readconsole {
    uint8_t clear;
    uint8_t incremental;
    uint8_t pad0, pad1;
    uint32_t index;                 /* IN (incremental) / OUT */
    XEN_GUEST_HANDLE_64(char) buffer;   /* IN: char[count] */
    uint32_t count;                 /* IN: buffer size; OUT: bytes written */
};

/*
 * XEN_SYSCTL_physinfo: the machine. OUT only: the topology of CPU 0's core
 * and package among the online CPUs, CPUs online, the highest possible CPU
 * id, NUMA nodes (one: node 0; max_node_id is Xen's MAX_NUMNODES - 1, 63),
 * the TSC in kHz, XEN_SYSCTL_PHYSCAP_*, memory in pages (RAM in the
 * firmware's map, free now, the highest frame), and hw_cap: the host's
 * featureset words 0-7 (CPUID 1 edx/ecx, 0x80000001 edx/ecx, 0xd:1 eax,
 * 7:0 ebx/ecx, 0x80000007 edx).
 */
#define XEN_SYSCTL_PHYSCAP_hvm               (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv                (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio          (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap               (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow            (1u << 4)
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1u << 5)
#define XEN_SYSCTL_PHYSCAP_vmtrace           (1u << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu              (1u << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1         (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2         (1u << 9)
#define XEN_SYSCTL_PHYSCAP_MAX               XEN_SYSCTL_PHYSCAP_gnttab_v2
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;               /* CPUs online */
    uint32_t max_cpu_id;            /* the highest possible CPU id */
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;          /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;     /* none defined for x86 in 4.17: 0 */
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;
    uint64_t outstanding_pages;     /* claims: none (0) */
    uint64_t max_mfn;               /* the highest machine frame */
    uint32_t hw_cap[8];
};

/*
 * XEN_SYSCTL_sched_id: OUT sched_id, the scheduler (XEN_SCHEDULER_* of domctl.h:
 * Xenolith's is credit-style, XEN_SCHEDULER_CREDIT).
 */
struct xen_sysctl_sched_id {
    uint32_t sched_id;
};

/*
 * XEN_SYSCTL_getdomaininfolist: XEN_DOMCTL_getdomaininfo's record of each
 * domain from id first_domain up (dying ones too, until freed), at most
 * max_domains, into buffer (an array of struct xen_domctl_getdomaininfo).
 * OUT num_domains. -EFAULT: the buffer cannot be written (num_domains is
 * then not written back).
 */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;           /* IN */
    uint32_t max_domains;           /* IN */
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;    /* IN: the records */
    uint32_t num_domains;           /* OUT */
};

/*
 * XEN_SYSCTL_getcpuinfo: each CPU's idle time (ns since boot) for CPUs 0 up
 * to the smaller of max_cpus and the number of possible CPUs, into info (an
 * array of struct xen_sysctl_cpuinfo). OUT nr_cpus, how many were written.
 * -EFAULT: info cannot be written.
 */
struct xen_sysctl_cpuinfo {
    uint64_t idletime;
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
XEN_DEFINE_GUEST_HANDLE(xen_sysctl_cpuinfo_t);
struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;              /* IN */
    XEN_GUEST_HANDLE_64(xen_sysctl_cpuinfo_t) info;    /* IN: max_cpus records */
    uint32_t nr_cpus;               /* OUT */
};

/*
 * XEN_SYSCTL_debug_keys: run the hypervisor's debug keys keys[0..nr_keys)
 * in order, as if typed on its console (Xenolith: docs/differences-from-xen.md
 * lists its keys). -EFAULT at the first key that cannot be read (the ones
 * before it ran). Nothing is written back.
 */
struct xen_sysctl_debug_keys {
    XEN_GUEST_HANDLE_64(char) keys; /* IN: char[nr_keys] */
    uint32_t nr_keys;
};

/*
 * XEN_SYSCTL_scheduler_op: a cpupool's scheduler parameters (not a
 * domain's: that is XEN_DOMCTL_scheduler_op). IN cpupool_id (Xenolith has
 * one pool, id 0, holding every CPU), sched_id (its scheduler's
 * XEN_SCHEDULER_*: credit), cmd; putinfo IN and getinfo OUT: the credit
 * parameters, which putinfo also writes back. Errors, in Xen's order: a cmd
 * other than put/get -EINVAL, no such pool -ESRCH, another scheduler's
 * sched_id -EINVAL, a putinfo out of bounds -EINVAL (nothing changes; the
 * bounds below: a slice of 1 to 1000 ms, a rate limit of 0 = none or 100 to
 * 500000 us and no longer than the slice, a migration delay up to 100 ms).
 * Defaults: 30 ms, 1000 us, 0 us.
 */
#define XEN_SYSCTL_SCHEDOP_putinfo 0
#define XEN_SYSCTL_SCHEDOP_getinfo 1
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX 500000
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN 100
#define XEN_SYSCTL_CSCHED_TSLICE_MAX 1000
#define XEN_SYSCTL_CSCHED_TSLICE_MIN 1
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US (100 * 1000)
struct xen_sysctl_credit_schedule {
    uint32_t tslice_ms;             /* the time slice */
    uint32_t ratelimit_us;          /* the least a vCPU runs before another preempts it; 0: none */
    uint32_t vcpu_migr_delay_us;    /* a vCPU that ran this recently is not moved by balancing */
};
struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;
};
struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;            /* IN */
    uint32_t sched_id;              /* IN: XEN_SCHEDULER_* */
    uint32_t cmd;                   /* IN: XEN_SYSCTL_SCHEDOP_* */
    union {
        struct {
            XEN_GUEST_HANDLE_64(uint8_t) schedule;    /* ARINC 653's (not served) */
        } sched_arinc653;
        struct xen_sysctl_credit_schedule sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
};

struct xen_sysctl {
    uint32_t cmd;                   /* XEN_SYSCTL_* */
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_getcpuinfo getcpuinfo;
        struct xen_sysctl_debug_keys debug_keys;
        struct xen_sysctl_scheduler_op scheduler_op;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
XEN_DEFINE_GUEST_HANDLE(xen_sysctl_t);
_Static_assert(offsetof(struct xen_sysctl, u) == 8, "xen_sysctl.u");
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl size");
_Static_assert(sizeof(struct xen_sysctl_readconsole) == 24, "readconsole size");
_Static_assert(sizeof(struct xen_sysctl_debug_keys) == 16, "debug_keys size");
_Static_assert(offsetof(struct xen_sysctl_readconsole, buffer) == 8, "readconsole.buffer");
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "physinfo size");
_Static_assert(offsetof(struct xen_sysctl_physinfo, total_pages) == 40, "physinfo.total_pages");
_Static_assert(offsetof(struct xen_sysctl_physinfo, hw_cap) == 80, "physinfo.hw_cap");
_Static_assert(sizeof(struct xen_sysctl_getdomaininfolist) == 24, "getdomaininfolist size");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, buffer) == 8, "getdomaininfolist");
_Static_assert(sizeof(struct xen_sysctl_getcpuinfo) == 24, "getcpuinfo size");
_Static_assert(sizeof(struct xen_sysctl_credit_schedule) == 12, "credit_schedule size");
_Static_assert(sizeof(struct xen_sysctl_scheduler_op) == 32, "scheduler_op size");
_Static_assert(offsetof(struct xen_sysctl_scheduler_op, u) == 16, "scheduler_op.u");

#endif /* XEN_PUBLIC_SYSCTL_H */
