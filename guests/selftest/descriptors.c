/*
 * DESC: set_gdt (2), update_descriptor (10), physdev set_iopl.
 */
#include <os/mm.h>
#include <xen/physdev.h>
#include "test.h"

/* A flat 64-bit data descriptor (DPL 3) and a 64-bit TSS descriptor half. */
#define DESC_DATA 0x00cff3000000ffffull
#define DESC_TSS  0x0000890000000067ull

void suite_descriptors(void)
{
    unsigned long frames[16] = { 0 };
    struct physdev_set_iopl iopl = { .iopl = 1 };
    uint64_t *page = os_alloc_page();
    uint64_t maddr;

    t_rc("DESC0001", "set_gdt with more than 7168 entries gives -EINVAL",
         HYPERVISOR_set_gdt(frames, 7169), -XEN_EINVAL);
    if (page) {
        maddr = os_virt_to_mfn(page) << OS_PAGE_SHIFT;
        t_rc("DESC0002", "update_descriptor at a misaligned address gives -EINVAL",
             HYPERVISOR_update_descriptor(maddr + 4, DESC_DATA), -XEN_EINVAL);
        t_check("DESC0003", "update_descriptor of a data descriptor into a plain frame",
                HYPERVISOR_update_descriptor(maddr + 8, DESC_DATA) == 0 &&
                page[1] == DESC_DATA, NULL);
        t_rc("DESC0004", "update_descriptor of a TSS descriptor gives -EINVAL",
             HYPERVISOR_update_descriptor(maddr + 16, DESC_TSS), -XEN_EINVAL);
        os_free_page(page);
    }
    t_rc("DESC0005", "physdev set_iopl(1) returns 0",
         HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
}
