/*
 * Shadow paging for PV domains (a per-domain mode beside direct mode).
 *
 * The guest keeps its validated page tables exactly as in direct mode; the
 * CPU, however, walks shadow tables the hypervisor builds from them on demand:
 * a miss faults, we walk the guest's tables and install the translation.
 * Shadows are kept coherent with the guest's tables eagerly: a changed L1
 * entry clears exactly the shadow entries copied from it; any other change
 * that can take a reference away (L2-L4 entries, unpin, a new root) drops
 * every shadow. Guest TLB flushes are then only hardware TLB flushes. Because shadows are derived from validated entries they grant no
 * more than direct mode would. What they add is control of write access:
 * log-dirty mode installs a writable translation only for a page already
 * marked dirty, so every first write after a clean is seen and recorded.
 */
#ifndef HV_SHADOW_H
#define HV_SHADOW_H
#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>

struct domain;
struct vcpu;

#define SHADOW_POOL_DEFAULT 4096         /* the pool of Dom0's boot option and of paging_mode */
#define SHADOW_ROOTS     8               /* cached shadow roots (guest L4 -> shadow L4) */

/*
 * A CLEAN or PEEK of the log-dirty bitmap (Xen's paging.preempt): one caller
 * at a time owns it while it runs and across its continuations
 * (HYPERVISOR_arch_1), which go on from `done` with the domain still paused.
 * Guarded by the domain's page lock (mm/paging_domctl.c).
 */
enum log_dirty_read_state { LD_READ_IDLE, LD_READ_RUNNING, LD_READ_PREEMPTED };

struct log_dirty_read {
    enum log_dirty_read_state state;
    domid_t by;                          /* the caller's domain */
    uint32_t op;                         /* XEN_DOMCTL_SHADOW_OP_CLEAN or _PEEK */
    bool paused;                         /* it paused the domain: unpaused at its end */
    uint64_t done;                       /* pages read (and cleared) so far, whole leaves */
    unsigned int continuations;
};

struct shadow_state {
    bool enabled;
    bool log_dirty;
    unsigned int nr_pool;                /* pool[0..nr_pool) hold shadow tables now */
    unsigned int nr_held;                /* pool[nr_pool..nr_held): frames kept for reuse after a flush */
    unsigned int alloc;                  /* the pool's size in frames (Xen's shadow allocation) */
    unsigned int slots;                  /* entries of pool[] and l1map[] (alloc while enabled) */
    uint64_t *pool;                      /* frame numbers of the shadow tables */
    struct { uint64_t guest, shadow; } roots[SHADOW_ROOTS];
    struct { uint64_t guest, shadow, va; } *l1map;  /* shadow L1 -> the guest L1 it copies, its VA */
    unsigned int nr_l1map;
    unsigned int next_root;
    uint64_t *dirty;                     /* one bit per pseudo-physical page */
    uint64_t nr_dirty_bits;
    uint64_t *leaves;                    /* one bit per 32768 pages: any marked since enable */
    unsigned int nr_leaves;              /* bits set in leaves[] */
    uint64_t faults, fills, flushes;     /* statistics */
    uint64_t ld_faults, ld_dirty;        /* Xen's log-dirty stats: faults fixed, pages newly dirty */
    struct log_dirty_read ld_read;       /* the CLEAN/PEEK in progress, if any */
};

/*
 * Switch a domain to shadow mode with a pool of at least min_pool frames
 * (the allocation is raised to it): 0, or -ENOMEM. Already shadowed: 0.
 */
int shadow_enable(struct domain *d, unsigned int min_pool);
/* Back to direct mode (log-dirty off too); the pool's frames go back, the allocation stays. */
void shadow_disable(struct domain *d);
/*
 * Set the pool's size in frames. While shadowed every shadow is dropped and
 * the pool rebuilt (0 is refused by the caller then): 0 or -ENOMEM, the old
 * size kept. The domain must not be running (paused, or not current).
 */
int shadow_set_allocation(struct domain *d, unsigned int frames);
/* The root the CPU must load for this guest root (shadow mode only). */
uint64_t shadow_root_for(struct domain *d, uint64_t guest_root);
/* Drop every shadow (page-table change). Reloads CR3 if `d` runs. */
void shadow_flush_all(struct domain *d);
/* Entry `idx` of guest L1 table `guest_l1` changed: clear its shadow copies. */
void shadow_guest_l1e_changed(struct domain *d, uint64_t guest_l1, unsigned int idx);
/* Any page-table entry changed: precise for L1 tables, everything otherwise. */
void shadow_guest_entry_changed(struct domain *d, uint64_t table, unsigned int idx);

/*
 * A page fault at `va` while `v`'s domain is shadowed. Returns true when the
 * translation was missing from the shadow and is now installed (retry the
 * access); false when the guest's own tables refuse the access, with the
 * error code the guest must see in *pfec.
 */
bool shadow_fault(struct vcpu *v, uint64_t va, uint32_t hw_error, uint32_t *pfec);

/*
 * Log-dirty: start with every page clean (shadow paging on, a pool of at
 * least min_pool frames; 0 or -ENOMEM), or stop (the bitmap goes).
 */
int shadow_log_dirty_enable(struct domain *d, unsigned int min_pool);
void shadow_log_dirty_disable(struct domain *d);
/*
 * Copy bytes [off, off + n) of the dirty bitmap (bit b of byte k: page
 * 8k + b) to the same bytes of the current domain's bitmap `to`; bytes past
 * the domain's bitmap (or all, log-dirty off) read 0. 0 or -EFAULT. Takes
 * d's page lock around each read of the bitmap (never across the copy into
 * the caller's memory): the caller holds none.
 */
int shadow_log_dirty_copy(struct domain *d, XEN_GUEST_HANDLE(uint8_t) to, uint64_t off, uint64_t n);
/* The pages the bitmap covers (0: log-dirty off). Page lock held. */
uint64_t shadow_log_dirty_bits(const struct domain *d);
/*
 * The pages Xen's log-dirty bitmap would hold now: its trie grows a node
 * path and a one-page leaf for each 32768 pages once one of them is marked
 * (three nodes above the leaves for a domain under 64 GiB), 0 before any.
 */
unsigned int shadow_log_dirty_pages(const struct domain *d);
/*
 * Clear the bits of pages [first, first + nr) that the bitmap has. Write
 * access is not revoked: shadow_flush_all does that once the read is over.
 * Page lock held.
 */
void shadow_log_dirty_clear(struct domain *d, uint64_t first, uint64_t nr);
/* Record a write the hypervisor made to a guest frame behind the shadows' back. */
void shadow_mark_dirty(struct domain *d, uint64_t mfn);

/*
 * XEN_DOMCTL_shadow_op on d (mm/paging_domctl.c; the caller is privileged
 * and holds a reference on d): Xen's answers, *sc updated for the copy back.
 * -ERESTART: a CLEAN or PEEK was preempted; the caller continues it as
 * HYPERVISOR_arch_1, which comes back here `resuming` (Xen's
 * paging_domctl_cont) and goes on from where it stopped.
 */
struct xen_domctl_shadow_op;
long paging_domctl(struct domain *d, struct xen_domctl_shadow_op *sc, bool resuming);

#endif
