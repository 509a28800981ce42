/* Direct paging: the CPU walks the guest's own (validated) tables; nothing is derived from them. */
#include <stddef.h>
#include <asm/paging_mode.h>

static void direct_entry_changed(struct domain *d, uint64_t table, unsigned int idx)
{
}

static void direct_flush(struct domain *d)
{
}

const struct paging_mode paging_mode_direct = {
    .name = "direct",
    .ptwr_batch_ok = true,
    .cr3_for = NULL,                            /* the guest's own root */
    .page_fault = NULL,                         /* every fault is the guest's */
    .entry_changed = direct_entry_changed,
    .flush = direct_flush,
};
