/*
 * PT: giving away a pinned page table.  XENMEM_decrease_reservation of a
 * frame that is pinned (and mapped) only drops its allocation: the pin
 * and the mapping keep it ours until both are gone, and only then does
 * the reservation shrink.  The pfn is then backed again with
 * populate_physmap and returned to the pool.
 */
#include <xen/memory.h>
#include "pt_util.h"

static long reservation(void)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

static long give_away(uint64_t mfn)
{
    xen_pfn_t frame = mfn;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };

    r.extent_start.p = &frame;
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

/* Back pfn with a new frame: P2M, M2P (Xen sets it) and our mapping. */
static long refill(uint64_t pfn)
{
    xen_pfn_t frame = pfn;
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    long rc;

    r.extent_start.p = &frame;
    rc = HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
    if (rc != 1)
        return rc < 0 ? rc : -XEN_ENOMEM;
    ((uint64_t *)os_start_info->mfn_list)[pfn] = frame;
    return HYPERVISOR_update_va_mapping(pfn << OS_PAGE_SHIFT,
                                        (frame << OS_PAGE_SHIFT) | PT_RW, UVMF_INVLPG);
}

void pt_reservation(void)
{
    uint64_t *t = pt_get_page(1);
    uint64_t mfn, pfn;
    long before = reservation(), rc, after;

    if (!t || pt_pin(1, pt_mfn(t))) {
        t_case("PT0096", "decrease_reservation of a pinned L1 reports the extent done",
               T_FAIL, "(could not set up a pinned L1)");
        return;
    }
    mfn = pt_mfn(t);
    pfn = (uint64_t)t >> OS_PAGE_SHIFT;
    rc = give_away(mfn);
    t_rc("PT0096", "decrease_reservation of a pinned L1 reports the extent done", rc, 1);
    t_rc("PT0097", "the frame is still pinned and ours: unpin works", pt_unpin(mfn), 0);
    after = reservation();
    t_check("PT0098", "while our read-only mapping holds it, the reservation is unchanged",
            after == before, "(before=%ld after=%ld)", before, after);
    rc = HYPERVISOR_update_va_mapping((uint64_t)t, 0, UVMF_INVLPG);
    after = reservation();
    t_check("PT0099", "unmapped at last, the frame leaves us: one page fewer",
            rc == 0 && after == before - 1, "(rc=%ld before=%ld after=%ld)", rc,
            before, after);
    t_rc("PT0100", "pinning the given-away frame gives -EINVAL", pt_pin(1, mfn), -XEN_EINVAL);
    rc = refill(pfn);
    t_check("PT0101", "populate_physmap backs the pfn again with a writable frame",
            rc == 0 && reservation() == before && pt_try_store(t, 1) == 0,
            "(rc=%ld)", rc);
    if (rc == 0)
        os_free_page(t);
}
