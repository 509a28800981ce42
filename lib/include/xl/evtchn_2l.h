/*
 * The 2-level event-channel mechanism as pure functions over the bitmaps
 * that live in shared memory, so the hypervisor, the os/ library and the
 * host tests use one implementation.
 *
 * State (x86-64 ABI, shared_info and vcpu_info):
 *   pending[64], mask[64]  one bit per port, 4096 ports
 *   *pending_sel           the notified vCPU's selector: bit i = "word i of
 *                          pending may have work"
 *   *upcall_pending        the vCPU's evtchn_upcall_pending byte
 * Ordering and atomicity follow Xen's xen/common/event_2l.c: every step is
 * a locked read-modify-write (GCC __atomic builtins, sequentially
 * consistent), done in the order below, because the guest modifies the
 * same words concurrently.  Ports >= EVTCHN_2L_NR_PORTS are treated as
 * masked and never pending, as Xen does.
 */
#ifndef XL_EVTCHN_2L_H
#define XL_EVTCHN_2L_H

#include <stdbool.h>
#include <stdint.h>

#define EVTCHN_2L_WORD_BITS 64
#define EVTCHN_2L_NR_WORDS  64
#define EVTCHN_2L_NR_PORTS  (EVTCHN_2L_WORD_BITS * EVTCHN_2L_NR_WORDS)  /* 4096 */

/* The shared words one operation touches; all pointers must be valid. */
struct evtchn_2l {
    uint64_t *pending;          /* shared_info.evtchn_pending, 64 words */
    uint64_t *mask;             /* shared_info.evtchn_mask, 64 words */
    uint64_t *pending_sel;      /* notify vCPU's vcpu_info.evtchn_pending_sel */
    uint8_t *upcall_pending;    /* notify vCPU's vcpu_info.evtchn_upcall_pending */
};

/*
 * Raise port (Xen's evtchn_2l_set_pending + vcpu_mark_events_pending):
 * set PENDING; if it was clear and the port is unmasked, set the selector
 * bit; if that was clear, set upcall_pending.  Returns true when
 * upcall_pending went from 0 to 1, i.e. the caller must kick the vCPU.
 */
bool evtchn_2l_set_pending(const struct evtchn_2l *e, unsigned int port);

/* Clear PENDING (e.g. when the port is closed or rebound). */
void evtchn_2l_clear_pending(const struct evtchn_2l *e, unsigned int port);

bool evtchn_2l_is_pending(const struct evtchn_2l *e, unsigned int port);
bool evtchn_2l_is_masked(const struct evtchn_2l *e, unsigned int port);

/* Set MASK (guest side, or the hypervisor on behalf of a fresh port). */
void evtchn_2l_mask(const struct evtchn_2l *e, unsigned int port);

/*
 * EVTCHNOP_unmask (Xen's evtchn_2l_unmask): clear MASK; if it was set and
 * PENDING is set and the selector bit was clear, set the selector bit and
 * upcall_pending.  Returns true when upcall_pending went from 0 to 1 (kick).
 */
bool evtchn_2l_unmask(const struct evtchn_2l *e, unsigned int port);

/*
 * Guest-side scan: the next port that is pending, unmasked and whose word
 * has its selector bit set in *sel, starting the search at *cursor (a port
 * number, for fairness across calls, as Linux's 2-level handler does).
 * A selector bit whose word holds nothing deliverable is cleared from *sel.
 * On success returns the port and moves *cursor past it; the caller
 * handles the port and clears its PENDING bit.  Returns -1 when *sel has
 * no deliverable port left.  *sel is a private copy (the guest has already
 * exchanged the shared selector with 0), so it is updated without atomics;
 * pending and mask are read atomically.
 */
int evtchn_2l_next_pending(const uint64_t *pending, const uint64_t *mask,
                           uint64_t *sel, unsigned int *cursor);

#endif /* XL_EVTCHN_2L_H */
