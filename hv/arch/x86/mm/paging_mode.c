/* Direct paging: the CPU walks the guest's own (validated) tables; nothing is derived from them. */
#include <hv/paging_mode.h>

static uint64_t direct_cr3_for(struct domain *d, uint64_t guest_root)
{
    return guest_root;
}

static bool direct_page_fault(struct vcpu *v, uint64_t va, uint32_t hw_error, uint32_t *pfec)
{
    *pfec = hw_error;                           /* every fault is the guest's, as the CPU saw it */
    return false;
}

static void direct_entry_changed(struct domain *d, uint64_t table, unsigned int idx)
{
}

static void direct_flush(struct domain *d)
{
}

const struct paging_mode paging_mode_direct = {
    .name = "direct",
    .ptwr_batch_ok = true,
    .cr3_for = direct_cr3_for,
    .page_fault = direct_page_fault,
    .entry_changed = direct_entry_changed,
    .flush = direct_flush,
};
