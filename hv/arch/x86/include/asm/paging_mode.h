/*
 * A domain's paging mode behind one ops table (Xen: struct paging_mode),
 * chosen per domain: direct (the CPU walks the guest's validated tables)
 * or shadow (it walks tables the hypervisor derives from them, mm/shadow.c).
 * Callers never ask which mode a domain is in; they call d->arch.paging.
 */
#ifndef HV_PAGING_MODE_H
#define HV_PAGING_MODE_H
#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;

struct paging_mode {
    const char *name;                /* "direct", "shadow" (debug keys, logs) */
    /* Batched writable page tables may unhook an L1 the guest writes to (pv/ptwr_batch.c). */
    bool ptwr_batch_ok;
    /*
     * The two hooks on the hottest paths (every guest mode switch, every
     * page fault) may be NULL, which the callers take as "the guest's own":
     * no indirect call for direct mode there.
     * The root the CPU must load for this guest root (NULL: the guest root).
     */
    uint64_t (*cr3_for)(struct domain *d, uint64_t guest_root);
    /*
     * A page fault at va: true when the mode itself resolved it (retry the
     * access); false when it is the guest's, with the error code the guest
     * must see in *pfec. NULL: every fault is the guest's, as the CPU saw it.
     */
    bool (*page_fault)(struct vcpu *v, uint64_t va, uint32_t hw_error, uint32_t *pfec);
    /* Entry idx of the guest page table `table` changed. */
    void (*entry_changed)(struct domain *d, uint64_t table, unsigned int idx);
    /* Translations may have lost their references (new root, unpin): drop derived state. */
    void (*flush)(struct domain *d);
};

extern const struct paging_mode paging_mode_direct;     /* mm/paging_mode.c */
extern const struct paging_mode paging_mode_shadow;     /* mm/shadow.c */

#endif
