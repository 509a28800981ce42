/*
 * PT: the other mmuext commands that touch frames: SET_LDT's argument
 * checks, and CLEAR_PAGE / COPY_PAGE, which write a frame as a writable
 * page and so must refuse a page table as destination.
 */
#include "pt_util.h"

static void set_ldt(uint64_t *page)
{
    t_rc("PT0058", "SET_LDT at a base that is not page aligned gives -EINVAL",
         pt_ext2(MMUEXT_SET_LDT, (uint64_t)page + 8, 1), -XEN_EINVAL);
    t_rc("PT0059", "SET_LDT with more than 8192 entries gives -EINVAL",
         pt_ext2(MMUEXT_SET_LDT, (uint64_t)page, 8193), -XEN_EINVAL);
    t_rc("PT0060", "SET_LDT in hypervisor space gives -EINVAL",
         pt_ext2(MMUEXT_SET_LDT, HYPERVISOR_VIRT_START, 1), -XEN_EINVAL);
    t_rc("PT0061", "SET_LDT with no entries returns 0",
         pt_ext2(MMUEXT_SET_LDT, 0, 0), 0);
}

static void clear_copy(uint64_t *a, uint64_t *b)
{
    uint64_t l4 = pt_boot_l4_mfn();
    const uint64_t *boot = (const uint64_t *)os_start_info->pt_base;
    long rc;

    a[0] = 0xabcdull;
    rc = pt_ext(MMUEXT_CLEAR_PAGE, pt_mfn(a));
    t_check("PT0062", "CLEAR_PAGE of a data frame zeroes it", rc == 0 && a[0] == 0,
            "(rc=%ld a[0]=%#lx)", rc, (unsigned long)a[0]);
    b[7] = 0x77;
    rc = pt_ext2(MMUEXT_COPY_PAGE, pt_mfn(a), pt_mfn(b));
    t_check("PT0063", "COPY_PAGE between data frames copies", rc == 0 && a[7] == 0x77,
            "(rc=%ld a[7]=%#lx)", rc, (unsigned long)a[7]);
    t_rc("PT0064", "CLEAR_PAGE of our L4 is refused",
         pt_ext(MMUEXT_CLEAR_PAGE, l4), -XEN_EINVAL);
    t_rc("PT0065", "COPY_PAGE onto our L4 is refused",
         pt_ext2(MMUEXT_COPY_PAGE, l4, pt_mfn(a)), -XEN_EINVAL);
    rc = pt_ext2(MMUEXT_COPY_PAGE, pt_mfn(a), l4);
    t_check("PT0066", "COPY_PAGE from our L4 (read only) into a data frame works",
            rc == 0 && a[0] == boot[0] && a[256] == boot[256], "(rc=%ld)", rc);
    t_rc("PT0067", "CLEAR_PAGE of a hypervisor frame is refused",
         pt_ext(MMUEXT_CLEAR_PAGE, pt_xen_mfn()), -XEN_EINVAL);
}

void pt_ops(void)
{
    uint64_t *a = pt_get_page(0), *b = pt_get_page(0);

    if (!a || !b) {
        t_case("PT0058", "SET_LDT at a base that is not page aligned gives -EINVAL",
               T_SKIP, "(no free page)");
        return;
    }
    set_ldt(a);
    clear_copy(a, b);
    pt_put_page(a);
    pt_put_page(b);
}
