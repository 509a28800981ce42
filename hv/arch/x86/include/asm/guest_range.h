/*
 * Which guest virtual ranges the hypervisor may touch on a guest's behalf:
 * the lower canonical half, and the upper half above the hypervisor's slots
 * (Xen's HYPERVISOR_VIRT_START..END, L4 slots 256-271). Inline because every
 * copy to or from a guest starts here; host-tested (tests/unit/test_guest_range.c).
 */
#ifndef HV_GUEST_RANGE_H
#define HV_GUEST_RANGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>

/* May [gva, gva + n) be accessed for the guest? Canonical, outside our slots, no wrap. */
static inline bool guest_range_ok(uint64_t gva, size_t n)
{
    uint64_t last = gva + n - 1;                        /* inclusive: the top page is fine */

    if (n == 0)
        return true;
    if (last < gva)
        return false;                                   /* wraps around the address space */
    if (last < 0x0000800000000000ULL)
        return true;                                    /* guest lower half */
    return gva >= HYPERVISOR_VIRT_END;                  /* guest upper half, above our slots */
}

/* Is va canonical (bits 63..47 all equal)? */
static inline bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* Xen's __addr_ok: a guest address below the canonical hole or above the hypervisor's slots. */
static inline bool guest_addr_ok(uint64_t va)
{
    return va < 0x0000800000000000ULL || va >= HYPERVISOR_VIRT_END;
}

#endif
