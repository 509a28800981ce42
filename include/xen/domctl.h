/*
 * The control interface (HYPERVISOR_domctl, hypercall 36): Xen 4.17's
 * envelope, interface version and sub-operations for what a PV domain
 * builder needs, plus Xenolith's own sub-operations from 0x8000 up.
 * Specification: docs/control-interface.md.
 *
 * Only a privileged domain may call it (getdomaininfo: also a xenstore
 * domain on Xen; Xenolith has none). Checks in Xen 4.17's order:
 * -XEN_EFAULT (envelope unreadable), -XEN_EACCES (wrong interface_version),
 * -XEN_ESRCH (no such domain; createdomain names none, getdomaininfo takes
 * the next one up), -XEN_EPERM (not privileged), -XEN_ENOSYS (unknown cmd);
 * then each sub-operation's own -XEN_EINVAL, -XEN_EFAULT, ...
 */
#ifndef XEN_PUBLIC_DOMCTL_H
#define XEN_PUBLIC_DOMCTL_H
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>

#define XEN_DOMCTL_INTERFACE_VERSION      0x00000015u   /* Xen 4.17 */
#define XENOLITH_DOMCTL_INTERFACE_VERSION XEN_DOMCTL_INTERFACE_VERSION

/* Xen 4.17's sub-operations (the ones served, and the ones the checks name). */
#define XEN_DOMCTL_createdomain           1
/*
 * Destroy the domain (no argument): its resources go back, preemptibly
 * (the hypercall continues itself); 0 also for a domain already destroyed
 * that still exists. -EINVAL for the caller itself; -ESRCH for no domain.
 */
#define XEN_DOMCTL_destroydomain          2
#define XEN_DOMCTL_pausedomain            3
#define XEN_DOMCTL_unpausedomain          4
#define XEN_DOMCTL_getdomaininfo          5
#define XEN_DOMCTL_setvcpuaffinity        9
#define XEN_DOMCTL_shadow_op              10   /* also the one paging_domctl_cont continues */
#define XEN_DOMCTL_max_mem                11
#define XEN_DOMCTL_setvcpucontext         12
#define XEN_DOMCTL_getvcpucontext         13
#define XEN_DOMCTL_getvcpuinfo            14
#define XEN_DOMCTL_max_vcpus              15
#define XEN_DOMCTL_scheduler_op           16
#define XEN_DOMCTL_setdomainhandle        17
#define XEN_DOMCTL_irq_permission         19
#define XEN_DOMCTL_iomem_permission       20
#define XEN_DOMCTL_ioport_permission      21
#define XEN_DOMCTL_hypercall_init         22
#define XEN_DOMCTL_getvcpuaffinity        25
#define XEN_DOMCTL_set_address_size       35
#define XEN_DOMCTL_get_address_size       36

/* Schedulers (XEN_SYSCTL_sched_id, XEN_DOMCTL_scheduler_op). */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9

/* x86: which devices a domain has emulated (a PV domain: none, or the PIT). */
#define XEN_X86_EMU_LAPIC                 (1u << 0)
#define XEN_X86_EMU_HPET                  (1u << 1)
#define XEN_X86_EMU_PM                    (1u << 2)
#define XEN_X86_EMU_RTC                   (1u << 3)
#define XEN_X86_EMU_IOAPIC                (1u << 4)
#define XEN_X86_EMU_PIC                   (1u << 5)
#define XEN_X86_EMU_VGA                   (1u << 6)
#define XEN_X86_EMU_IOMMU                 (1u << 7)
#define XEN_X86_EMU_PIT                   (1u << 8)
#define XEN_X86_EMU_USE_PIRQ              (1u << 9)
#define XEN_X86_EMU_VPCI                  (1u << 10)
#define XEN_X86_EMU_ALL                   0x7ffu
#define XEN_X86_MSR_RELAXED               (1u << 0)    /* misc_flags */
struct xen_arch_domainconfig {
    uint32_t emulation_flags;   /* XEN_X86_EMU_* */
    uint32_t misc_flags;        /* XEN_X86_MSR_RELAXED */
};

/*
 * XEN_DOMCTL_createdomain. domain: the id wanted, or 0 (or a reserved id)
 * for the next free one after the last chosen (Xen's rover); OUT: the id.
 * IN: the fields below. PV only (flags hvm/hap/iommu/... -EINVAL);
 * max_vcpus 1..8192 (-EINVAL); grant_opts' version 1 or 2 and no other
 * bits (-EINVAL); max_grant_frames 1..64 or negative for 64, and
 * max_maptrack_frames up to 1024 or negative (-EINVAL); emulation_flags 0
 * or XEN_X86_EMU_PIT (-EOPNOTSUPP; unknown bits -EINVAL). The new domain
 * has no vCPU until XEN_DOMCTL_max_vcpus, no memory until populate_physmap,
 * max_pages 0 until XEN_DOMCTL_max_mem, and is paused by the controller
 * (XEN_DOMCTL_unpausedomain starts it). -EEXIST: the id is taken;
 * -ENOMEM: no free id or no memory.
 */
#define XEN_DOMCTL_CDF_hvm                (1u << 0)
#define XEN_DOMCTL_CDF_hap                (1u << 1)
#define XEN_DOMCTL_CDF_s3_integrity       (1u << 2)
#define XEN_DOMCTL_CDF_oos_off            (1u << 3)
#define XEN_DOMCTL_CDF_xs_domain          (1u << 4)
#define XEN_DOMCTL_CDF_iommu              (1u << 5)
#define XEN_DOMCTL_CDF_nested_virt        (1u << 6)
#define XEN_DOMCTL_CDF_vpmu               (1u << 7)
#define XEN_DOMCTL_CDF_MAX                XEN_DOMCTL_CDF_vpmu
#define XEN_DOMCTL_IOMMU_no_sharept       (1u << 0)
#define XEN_DOMCTL_IOMMU_MAX              XEN_DOMCTL_IOMMU_no_sharept
#define XEN_DOMCTL_GRANT_version_mask     0xfu
#define XEN_DOMCTL_GRANT_version(v)       ((v) & XEN_DOMCTL_GRANT_version_mask)
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t flags;                 /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;       /* highest port it may allocate */
    int32_t max_grant_frames;       /* < 0: the hypervisor's maximum */
    int32_t max_maptrack_frames;
    uint32_t grant_opts;            /* XEN_DOMCTL_GRANT_version(highest version allowed) */
    uint32_t vmtrace_size;
    uint32_t cpupool_id;
    struct xen_arch_domainconfig arch;
};

/*
 * XEN_DOMCTL_getdomaininfo: the domain named, or if there is none the next
 * one with a higher id (-ESRCH: none; -EINVAL: a reserved id). domain is
 * set to the one described. flags: running/blocked of its online vCPUs
 * (none online: neither), dying, shutdown, paused (by the controller),
 * and the shutdown code in bits 16-31 (~0 until it shuts down).
 */
#define XEN_DOMINF_dying                  (1u << 0)
#define XEN_DOMINF_hvm_guest              (1u << 1)
#define XEN_DOMINF_shutdown               (1u << 2)
#define XEN_DOMINF_paused                 (1u << 3)
#define XEN_DOMINF_blocked                (1u << 4)
#define XEN_DOMINF_running                (1u << 5)
#define XEN_DOMINF_debugged               (1u << 6)
#define XEN_DOMINF_xs_domain              (1u << 7)
#define XEN_DOMINF_hap                    (1u << 8)
#define XEN_DOMINF_shutdownmask           255
#define XEN_DOMINF_shutdownshift          16
#define XEN_INVALID_MAX_VCPU_ID           (~0u)
struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags;                 /* XEN_DOMINF_* */
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t outstanding_pages;
    uint64_t shr_pages;
    uint64_t paged_pages;
    uint64_t shared_info_frame;     /* MFN of its shared_info page */
    uint64_t cpu_time;              /* ns its vCPUs ran */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;           /* XEN_INVALID_MAX_VCPU_ID: no vCPU yet */
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;            /* the machine's guest-physical address width */
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
XEN_DEFINE_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_max_mem: max_pages = max_memkb / 4 (may be below tot_pages: no new pages then). */
struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

/*
 * XEN_DOMCTL_setvcpucontext / getvcpucontext: vCPU vcpu's whole state
 * (struct vcpu_guest_context at guest address ctxt). Not on the caller
 * itself, nor a vCPU that does not exist (-EINVAL); get of a vCPU never
 * set: -ENODATA. set checks the context as VCPUOP_initialise does
 * (canonical addresses, LDT, GDT frames, vm_assist, the kernel root L4 a
 * frame of the domain that validates: -EINVAL) and forces the kernel RPL
 * on cs/ss selectors; setting a vCPU already set may change its registers
 * but not its roots, GDT or LDT (-EOPNOTSUPP). A null ctxt (a reset) is
 * not served (-EOPNOTSUPP).
 */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    uint32_t pad;
    uint64_t ctxt;                  /* guest address of a struct vcpu_guest_context */
};

/* XEN_DOMCTL_max_vcpus: create the vCPUs; max must equal createdomain's (-EINVAL). */
struct xen_domctl_max_vcpus {
    uint32_t max;
};

/* XEN_DOMCTL_setdomainhandle: the toolstack's UUID for it. */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

/* XEN_DOMCTL_set_address_size / get_address_size: 64 (32-bit PV: -EOPNOTSUPP, as Debian's Xen). */
struct xen_domctl_address_size {
    uint32_t size;
};

/*
 * XEN_DOMCTL_hypercall_init: write the hypercall page into frame gmfn of
 * the domain (-EINVAL: not its frame; -EPERM: cannot be writable, a page
 * table or descriptor page).
 */
struct xen_domctl_hypercall_init {
    uint64_t gmfn;
};

/*
 * XEN_DOMCTL_shadow_op: shadow paging and log-dirty tracking of another
 * domain, as Xen's PV save path (libxc) drives them. Never the caller's own
 * domain, nor one with no vCPU (-EINVAL); a dying one: 0, nothing done.
 *  OFF: back to direct paging, log-dirty off, its bitmap gone (0 also when
 *       it was not on); the shadow allocation drops to 0 if it was shadowed.
 *  ENABLE_LOGDIRTY (or ENABLE with mode LOG_DIRTY): shadow paging with
 *       log-dirty, every page clean (-EINVAL: already on).
 *  ENABLE_TEST (or ENABLE with mode 0): shadow paging alone (-EINVAL:
 *       already shadowed). ENABLE: other mode bits -EINVAL (translate,
 *       external and refcount only all together, and never for a PV domain
 *       with memory).
 *  CLEAN / PEEK: copy the bitmap (bit n = pseudo-physical page n) to
 *       dirty_bitmap: (pages + 7) / 8 bytes, zeros past the domain's pages;
 *       CLEAN also clears what it read (in 32768-page chunks) and the stats.
 *       A null dirty_bitmap copies nothing. mode: only LOGDIRTY_FINAL
 *       (-EINVAL). OUT: stats (faults fixed and pages newly dirtied since
 *       the last CLEAN), pages (what was covered: the same as IN). -EFAULT:
 *       the buffer. Log-dirty need not be on: the bitmap reads empty then.
 *  GET_ALLOCATION / SET_ALLOCATION: the shadow pool in MB (rounded up);
 *       SET raises a non-zero request to the domain's minimum (128 pages per
 *       vCPU plus one per 256 pages of memory); 0 while shadowed: -EINVAL.
 *  Anything else: -EINVAL.
 */
#define XEN_DOMCTL_SHADOW_OP_OFF             0
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TEST     1
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY 2
#define XEN_DOMCTL_SHADOW_OP_CLEAN           11
#define XEN_DOMCTL_SHADOW_OP_PEEK            12
#define XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION  30
#define XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION  31
#define XEN_DOMCTL_SHADOW_OP_ENABLE          32
#define XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT    (1u << 1)   /* ENABLE's mode */
#define XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY   (1u << 2)
#define XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE   (1u << 3)
#define XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL    (1u << 4)
#define XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL     (1u << 0)   /* CLEAN/PEEK's mode */
struct xen_domctl_shadow_op_stats {
    uint32_t fault_count;
    uint32_t dirty_count;
};
struct xen_domctl_shadow_op {
    uint32_t op;                    /* XEN_DOMCTL_SHADOW_OP_* */
    uint32_t mode;                  /* ENABLE: XEN_DOMCTL_SHADOW_ENABLE_*; CLEAN/PEEK: _LOGDIRTY_* */
    uint32_t mb;                    /* GET/SET_ALLOCATION */
    uint32_t pad;
    uint64_t dirty_bitmap;          /* CLEAN/PEEK: guest address of the bitmap, or 0 */
    uint64_t pages;                 /* CLEAN/PEEK: bits in it (IN), bits covered (OUT) */
    struct xen_domctl_shadow_op_stats stats;
};

/*
 * XEN_DOMCTL_scheduler_op: a domain's scheduling parameters. sched_id must
 * be the running scheduler's (XEN_SYSCTL_sched_id; Xenolith: credit),
 * else -EINVAL; cmd putinfo or getinfo (the per-vCPU forms and any other:
 * -EINVAL). Credit: getinfo OUT weight and cap; putinfo IN weight (0: keep)
 * and cap (percent of one CPU, 0: none, 0xffff: keep), no other bound (as
 * Xen's credit scheduler). The whole structure is written back.
 */
#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3
struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};
struct xen_domctl_scheduler_op {
    uint32_t sched_id;              /* XEN_SCHEDULER_* */
    uint32_t cmd;                   /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit credit2;
        struct {
            uint64_t vcpus;         /* guest handle of xen_domctl_schedparam_vcpu_t */
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};

/*
 * XEN_DOMCTL_getvcpuinfo: vCPU vcpu's state. -EINVAL: vcpu not below the
 * domain's max_vcpus; -ESRCH: that vCPU does not exist yet (before
 * XEN_DOMCTL_max_vcpus). OUT: online (not down), blocked (waiting for an
 * event), running (on a CPU now), cpu_time (ns it ran), cpu (where it runs
 * or last ran).
 */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                  /* IN */
    uint8_t online;                 /* OUT */
    uint8_t blocked;
    uint8_t running;
    uint64_t cpu_time;
    uint32_t cpu;
};

/*
 * A bitmap in guest memory (Xen's xenctl_bitmap): bit n of byte n / 8 is
 * item n; nr_bits says how many bits the buffer holds.
 */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8_t) bitmap;    /* (nr_bits + 7) / 8 bytes */
    uint32_t nr_bits;
};

/*
 * XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity: the physical CPUs vCPU vcpu
 * may run on (hard) and prefers (soft), as CPU bitmaps. flags: HARD and/or
 * SOFT (neither, or one named with a null bitmap: -EINVAL); FORCE (undo a
 * SCHEDOP_pin_override) is accepted. -EINVAL: vcpu not below max_vcpus, or
 * (set) a hard map with no online CPU in it; -ESRCH: no such vCPU yet;
 * -EFAULT: a bitmap. set writes the effective maps back into the bitmaps
 * (hard: with the online CPUs; soft: with those and the hard map); get
 * writes the maps as set. Bits past the CPUs there are read as 0 and
 * written as 0 up to nr_bits; the structure itself is not written back.
 */
#define XEN_VCPUAFFINITY_HARD             (1u << 0)
#define XEN_VCPUAFFINITY_SOFT             (1u << 1)
#define XEN_VCPUAFFINITY_FORCE            (1u << 2)
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;                  /* IN */
    uint32_t flags;                 /* IN: XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/*
 * XEN_DOMCTL_irq_permission: let the domain use (allow_access) or no longer
 * use the IRQ behind the caller's own PIRQ pirq. -EINVAL: pirq not below
 * the caller's PIRQ count; -EPERM: the caller has no such PIRQ mapped, is
 * not privileged, or has no access to that IRQ itself.
 */
struct xen_domctl_irq_permission {
    uint32_t pirq;
    uint8_t allow_access;
    uint8_t pad[3];
};

/*
 * XEN_DOMCTL_iomem_permission: let the domain map (allow_access) or no
 * longer map machine frames first_mfn .. first_mfn + nr_mfns - 1 of I/O
 * memory. -EINVAL: the range wraps (nr_mfns 0 wraps, but at frame 0);
 * -EPERM: not privileged, or the caller may not map all of it itself.
 */
struct xen_domctl_iomem_permission {
    uint64_t first_mfn;
    uint64_t nr_mfns;
    uint8_t allow_access;
};

/*
 * XEN_DOMCTL_ioport_permission: let the domain reach (allow_access) or no
 * longer reach I/O ports first_port .. first_port + nr_ports - 1 (with its
 * IOPL or I/O bitmap; other ports read all ones and ignore writes).
 * -EINVAL: an empty range or one past port 0xffff; -EPERM: not privileged,
 * or the caller may not reach all of it itself.
 */
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
};

/* Set the domain's paging mode. IN: mode. */
#define XENOLITH_DOMCTL_paging_mode       0x8001
#define XENOLITH_PAGING_DIRECT            0   /* guest tables validated and used by the CPU */
#define XENOLITH_PAGING_SHADOW            1   /* CPU walks hypervisor-built shadows */
struct xenolith_domctl_paging_mode {
    uint32_t mode;              /* IN: XENOLITH_PAGING_* */
    uint32_t pad;
};

/*
 * Check every frame's type and counts against the domain's tables. OUT:
 * mismatches, and the frames the hypervisor's allocator has free afterwards
 * (so a toolstack can check that destroying a domain gave every frame back);
 * of those, the ones still to be cleared, and since boot the frames cleared
 * as they were handed out and by idle CPUs (freed frames are cleared later).
 */
#define XENOLITH_DOMCTL_mmu_audit         0x8003
struct xenolith_domctl_mmu_audit {
    uint32_t mismatches;        /* OUT */
    uint32_t pad;
    uint64_t free_frames;       /* OUT */
    uint64_t dirty_frames;      /* OUT: free, not yet cleared */
    uint64_t cleared_at_alloc;  /* OUT */
    uint64_t scrubbed_idle;     /* OUT */
};


struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version; /* XENOLITH_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;
    uint16_t pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_address_size address_size;
        struct xen_domctl_hypercall_init hypercall_init;
        struct xen_domctl_shadow_op shadow_op;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_irq_permission irq_permission;
        struct xen_domctl_iomem_permission iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xenolith_domctl_paging_mode paging_mode;
        struct xenolith_domctl_mmu_audit mmu_audit;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;
XEN_DEFINE_GUEST_HANDLE(xen_domctl_t);
_Static_assert(offsetof(struct xen_domctl, u) == 16, "xen_domctl.u");
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl size");
_Static_assert(sizeof(struct xen_domctl_createdomain) == 64, "createdomain size");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_vcpus) == 28, "createdomain.max_vcpus");
_Static_assert(offsetof(struct xen_domctl_createdomain, arch) == 56, "createdomain.arch");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112, "getdomaininfo size");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, shared_info_frame) == 48, "getdomaininfo");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, handle) == 76, "getdomaininfo.handle");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, gpaddr_bits) == 96, "getdomaininfo");
_Static_assert(offsetof(struct xen_domctl_vcpucontext, ctxt) == 8, "vcpucontext.ctxt");
_Static_assert(sizeof(struct xen_domctl_shadow_op) == 40, "shadow_op size");
_Static_assert(offsetof(struct xen_domctl_shadow_op, dirty_bitmap) == 16, "shadow_op.dirty_bitmap");
_Static_assert(offsetof(struct xen_domctl_shadow_op, stats) == 32, "shadow_op.stats");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "scheduler_op size");
_Static_assert(offsetof(struct xen_domctl_scheduler_op, u.credit.cap) == 10, "scheduler_op.u.credit.cap");
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24, "getvcpuinfo size");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, cpu_time) == 8, "getvcpuinfo.cpu_time");
_Static_assert(sizeof(struct xenctl_bitmap) == 16, "xenctl_bitmap size");
_Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40, "vcpuaffinity size");
_Static_assert(sizeof(struct xen_domctl_iomem_permission) == 24, "iomem_permission size");
_Static_assert(sizeof(struct xen_domctl_ioport_permission) == 12, "ioport_permission size");

#endif /* XEN_PUBLIC_DOMCTL_H */
