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

#endif
