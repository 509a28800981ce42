/*
 * xc: a small libxc for the Domain 0 toolstack, on os/.
 *
 * Thin wrappers over Xen 4.17's control interface (domctl, sysctl,
 * memory_op on another domain's behalf, event channels for another domain,
 * foreign mappings) and a PV domain builder (xc_dom_build) that drives them
 * in the order of Xen's own toolstack. Every call returns 0 (or a count)
 * or a negative Xen errno, as the hypercall answered. The same code runs on
 * Xen 4.17 and on Xenolith.
 */
#ifndef XC_XC_H
#define XC_XC_H

#include <stddef.h>
#include <stdint.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/errno.h>
#include <xen/xen.h>

/* ---- domctl (interface_version filled in) ---- */
long xc_domctl(uint32_t cmd, uint32_t domid, struct xen_domctl *d);
long xc_sysctl(uint32_t cmd, struct xen_sysctl *s);

/* createdomain: *domid in = the id wanted (0: the next free), out = the id given. */
long xc_domain_create(uint32_t *domid, const struct xen_domctl_createdomain *cfg);
long xc_domain_max_vcpus(uint32_t domid, unsigned int max);
long xc_domain_setmaxmem(uint32_t domid, uint64_t max_memkb);
/* getdomaininfo: domid or, if absent, the next one above it (info->domain says which). */
long xc_domain_getinfo(uint32_t domid, struct xen_domctl_getdomaininfo *info);
long xc_domain_pause(uint32_t domid);
long xc_domain_unpause(uint32_t domid);
long xc_domain_destroy(uint32_t domid);
long xc_domain_hypercall_init(uint32_t domid, uint64_t gmfn);
long xc_vcpu_setcontext(uint32_t domid, unsigned int vcpu, struct vcpu_guest_context *ctx);

/*
 * The credit scheduler's weight and cap of domid (XEN_DOMCTL_scheduler_op;
 * putinfo: weight 0 and cap 0xffff leave the value as it is).
 */
long xc_sched_credit_domain_set(uint32_t domid, uint16_t weight, uint16_t cap);
long xc_sched_credit_domain_get(uint32_t domid, uint16_t *weight, uint16_t *cap);
/*
 * The credit scheduler's parameters of cpupool `pool` (XEN_SYSCTL_scheduler_op):
 * slice, rate limit, migration delay. set: *p out = the values in force.
 */
long xc_sched_credit_params_get(uint32_t pool, struct xen_sysctl_credit_schedule *p);
long xc_sched_credit_params_set(uint32_t pool, struct xen_sysctl_credit_schedule *p);

/* vCPU vcpu of domid: online, blocked, running, CPU time (ns) and CPU. */
long xc_vcpu_getinfo(uint32_t domid, unsigned int vcpu, struct xen_domctl_getvcpuinfo *info);
/*
 * vCPU vcpu's hard and soft CPU affinity as bitmaps of nr_bits CPUs (bit n of
 * byte n / 8 is CPU n); a NULL map is left out (its flag not set). set: the
 * maps come back as the effective ones; `flags` adds XEN_VCPUAFFINITY_FORCE
 * (undo a pin override) or 0.
 */
long xc_vcpu_getaffinity(uint32_t domid, unsigned int vcpu, uint8_t *hard, uint8_t *soft,
                         unsigned int nr_bits);
long xc_vcpu_setaffinity(uint32_t domid, unsigned int vcpu, uint8_t *hard, uint8_t *soft,
                         unsigned int nr_bits, uint32_t flags);

/*
 * XEN_SYSCTL_readconsole: up to *count bytes of the hypervisor's console ring
 * into buf (not NUL-terminated); *count out = bytes read. incremental: from
 * *index on (0: the oldest held), *index out = where the next read starts;
 * clear: empty the ring after reading.
 */
long xc_readconsolering(char *buf, uint32_t *count, int clear, int incremental,
                        uint32_t *index);

/* ---- memory_op for another domain ---- */
/* populate_physmap of nr single pages: frames[] in = PFNs, out = MFNs; returns pages done. */
long xc_domain_populate_physmap(uint32_t domid, unsigned long nr, xen_pfn_t *frames);

/* ---- event channels ---- */
/* A port of domid's, unbound, that remote may bind; the port or an error. */
long xc_evtchn_alloc_unbound(uint32_t domid, uint32_t remote);

/* ---- foreign mapping ---- */
/*
 * Map machine frame mfn of domain domid at our page va (writable or not);
 * xc_unmap_foreign puts back the PTE va had before (saved in *old_pte by
 * the first call; pass the same variable).
 */
long xc_map_foreign(void *va, uint32_t domid, uint64_t mfn, int writable, uint64_t *old_pte);
long xc_unmap_foreign(void *va, uint64_t old_pte);

/* ---- the PV domain builder (dom_build.c) ---- */
#define XC_DOM_REASON_MAX 96

/* The steps of a build, in order, for a caller that times them (xc_dom_image.timed). */
enum xc_dom_step {
    XC_DOM_STEP_PLAN,           /* the ELF's notes and the layout (Dom0 alone) */
    XC_DOM_STEP_CREATE,         /* createdomain */
    XC_DOM_STEP_LIMITS,         /* max_vcpus, max_mem */
    XC_DOM_STEP_POPULATE,       /* populate_physmap */
    XC_DOM_STEP_KERNEL,         /* the ELF's segments written, its bss cleared */
    XC_DOM_STEP_P2M,            /* the P2M list written */
    XC_DOM_STEP_START_INFO,     /* getdomaininfo, two alloc_unbound, start_info written */
    XC_DOM_STEP_PAGE_TABLES,    /* the bootstrap page tables written */
    XC_DOM_STEP_UNMAP,          /* the window given back */
    XC_DOM_STEP_HYPERCALL_INIT,
    XC_DOM_STEP_VCPU_CONTEXT,   /* setvcpucontext: the tables validated and pinned */
    XC_DOM_STEP_UNPAUSE,
    XC_DOM_STEPS
};

struct xc_dom_image {
    /* In. */
    const void *kernel;             /* a Xen PV ELF image, in memory */
    size_t kernel_len;
    const void *ramdisk;            /* NULL: none */
    size_t ramdisk_len;
    const char *cmdline;            /* NULL: empty */
    unsigned long nr_pages;         /* memory of the domain */
    unsigned int max_vcpus;         /* 0: one */
    uint32_t domid;                 /* the id wanted, 0 for the next free; out: the id */
    int timed;                      /* fill step_ns and map_ns (os_now_ns around each) */
    /* Out. */
    uint64_t console_mfn, store_mfn;
    uint32_t console_evtchn, store_evtchn;  /* the domain's unbound ports toward Dom0 */
    uint64_t entry, v_start, v_end;
    char reason[XC_DOM_REASON_MAX];         /* on failure: the step and the error */
    /* timed: each step's time, and how much of the writing steps went to mapping the window. */
    uint64_t step_ns[XC_DOM_STEPS];
    uint64_t map_ns;
    unsigned long map_calls;
    unsigned long clear_calls;      /* mmuext_op batches clearing whole pages (MMUEXT_CLEAR_PAGE) */
};

/*
 * Create a PV domain and build it from dom->kernel (Xen's domU boot layout,
 * lib/boot_layout.c), then unpause it. On failure a domain created on the
 * way is destroyed again; the error is returned and dom->reason says where.
 */
long xc_dom_build(struct xc_dom_image *dom);

#endif /* XC_XC_H */
