/* A domain's memory reservation: giving frames back and taking new ones. */
#ifndef HV_RESERVATION_H
#define HV_RESERVATION_H
#include <stdint.h>
#include <hv/guest_access.h>
#include <hv/mm.h>

/* increase_reservation / decrease_reservation / populate_physmap. */
long memory_reservation_op(unsigned int cmd, uint64_t start_extent, XEN_GUEST_HANDLE_PARAM(void) arg);
/* XENMEM_exchange (hv/common/memory_exchange.c): 0 or -XEN_E*; arg's nr_exchanged says how far. */
long memory_exchange(XEN_GUEST_HANDLE_PARAM(void) arg);
/* A given-back frame with no references left leaves its domain now. */
void domain_release_frame(mfn_t mfn);

struct domain;
/*
 * Frames are about to become d's (populate_physmap, increase_reservation,
 * an exchange's chunk): false when d is dying, and nothing may become its
 * own any more (Xen's is_dying check in assign_pages). Otherwise the
 * destruction's memory stage does not start until the matching
 * domain_alloc_end, so that every frame given meanwhile is there for it to
 * find and no frame it freed is handed over after. Takes d->page_lock;
 * an allocation never lasts across a continuation.
 */
bool domain_alloc_begin(struct domain *d);
void domain_alloc_end(struct domain *d);
/* May d's memory stage start: no allocation begun before it was dying still going? Takes d->page_lock. */
bool domain_alloc_idle(struct domain *d);
/*
 * `alloc_delay=N` (Xenolith only, for tests): hold frames just allocated
 * to d (n extents, first frames in mfn) N microseconds before they are
 * handed over, then panic unless they are still d's (domain_alloc_begin
 * holds with none).
 */
void domain_alloc_hold(const struct domain *d, const mfn_t *mfn, unsigned long n);

#endif
