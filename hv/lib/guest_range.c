/*
 * Which guest virtual ranges the hypervisor may touch on a guest's behalf:
 * the lower canonical half, and the upper half above the hypervisor's slots
 * (Xen's HYPERVISOR_VIRT_START..END, L4 slots 256-271). Pure, host-tested.
 */
#include <xen/xen.h>
#include <hv/guest_range.h>

#define LOW_HALF_END 0x0000800000000000ULL

bool guest_range_ok(uint64_t gva, size_t n)
{
    uint64_t last = gva + n - 1;                        /* inclusive: the top page is fine */

    if (n == 0)
        return true;
    if (last < gva)
        return false;                                   /* wraps around the address space */
    if (last < LOW_HALF_END)
        return true;                                    /* guest lower half */
    return gva >= HYPERVISOR_VIRT_END;                  /* guest upper half, above our slots */
}
