/*
 * xc: memory_op on another domain's behalf, event channels for it, and
 * foreign mappings of its frames.
 */
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include "xc.h"

long xc_domain_populate_physmap(uint32_t domid, unsigned long nr, xen_pfn_t *frames)
{
    struct xen_memory_reservation r = { .nr_extents = nr, .domid = (domid_t)domid };

    r.extent_start.p = frames;
    return HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
}

long xc_evtchn_alloc_unbound(uint32_t domid, uint32_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = (domid_t)domid, .remote_dom = (domid_t)remote };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    return rc ? rc : (long)a.port;
}

long xc_map_foreign(void *va, uint32_t domid, uint64_t mfn, int writable, uint64_t *old_pte)
{
    uint64_t pte = (mfn << OS_PAGE_SHIFT) | OS_PTE_PRESENT | OS_PTE_ACCESSED;

    if (writable)
        pte |= OS_PTE_RW | OS_PTE_DIRTY;
    if (!*old_pte)
        *old_pte = *os_l1e_of((uint64_t)va);
    return os_hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, (unsigned long)va, pte,
                         UVMF_INVLPG, domid);
}

long xc_unmap_foreign(void *va, uint64_t old_pte)
{
    return HYPERVISOR_update_va_mapping((unsigned long)va, old_pte, UVMF_INVLPG);
}
