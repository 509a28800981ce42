/*
 * PT: pinning and page-table roots.  A pin holds a validated type until
 * the unpin; a pin of a pinned frame or an unpin of an unpinned one is
 * refused; NEW_BASEPTR takes any frame that validates as an L4 (pinned
 * or not) and nothing else.
 */
#include "pt_util.h"

static void pin_cycle(uint64_t *f)
{
    uint64_t mfn = pt_mfn(f);
    int level;
    long rc;

    t_rc("PT0043", "pinning an empty read-only frame as an L1 works", pt_pin(1, mfn), 0);
    t_rc("PT0044", "pinning it again gives -EINVAL", pt_pin(1, mfn), -XEN_EINVAL);
    t_rc("PT0045", "pinning it as an L2 while pinned as an L1 gives -EINVAL",
         pt_pin(2, mfn), -XEN_EINVAL);
    t_rc("PT0046", "a writable mapping of a pinned L1 gives -EBUSY",
         pt_set_rw(f), -XEN_EBUSY);
    t_rc("PT0047", "unpinning it works", pt_unpin(mfn), 0);
    t_rc("PT0048", "unpinning it again gives -EINVAL", pt_unpin(mfn), -XEN_EINVAL);
    for (level = 2, rc = 0; level <= 4 && !rc; level++)
        if (!(rc = pt_pin(level, mfn)))
            rc = pt_unpin(mfn);
    t_check("PT0049", "the same frame pins and unpins as L2, then L3, then L4",
            rc == 0, "(level %d: rc=%ld)", level - 1, rc);
    rc = pt_set_rw(f);
    t_check("PT0050", "after the last unpin it maps writable again",
            rc == 0 && pt_try_store(f, 0) == 0, "(rc=%ld)", rc);
    t_rc("PT0051", "pinning a writable-mapped frame as an L4 gives -EINVAL",
         pt_pin(4, mfn), -XEN_EINVAL);
    pt_set_ro(f);
}

/* NEW_BASEPTR to frames that are not (or not yet) a pinned L4. */
static void roots(uint64_t *data, uint64_t *l4)
{
    const uint64_t *boot = (const uint64_t *)os_start_info->pt_base;
    uint64_t mfn = pt_mfn(l4), back = pt_boot_l4_mfn(), v = 0;
    long rc, rc2;

    t_rc("PT0052", "NEW_BASEPTR to a writable data frame gives -EINVAL",
         pt_ext(MMUEXT_NEW_BASEPTR, pt_mfn(data)), -XEN_EINVAL);
    t_rc("PT0053", "NEW_BASEPTR to an MFN beyond memory gives -EINVAL",
         pt_ext(MMUEXT_NEW_BASEPTR, PT_MFN_HUGE), -XEN_EINVAL);
    if (pt_pin(1, mfn) == 0) {
        t_rc("PT0054", "NEW_BASEPTR to a pinned L1 gives -EINVAL",
             pt_ext(MMUEXT_NEW_BASEPTR, mfn), -XEN_EINVAL);
        pt_unpin(mfn);
    } else {
        t_case("PT0054", "NEW_BASEPTR to a pinned L1 gives -EINVAL", T_FAIL,
               "(could not pin an empty L1)");
    }
    /* An unpinned L4 that shares slot 0, so our code stays mapped. */
    pt_set_rw(l4);
    l4[0] = boot[0];
    pt_set_ro(l4);
    rc = pt_ext(MMUEXT_NEW_BASEPTR, mfn);
    if (rc == 0)
        pt_try_load((const uint64_t *)data, &v);
    rc2 = pt_ext(MMUEXT_NEW_BASEPTR, back);
    t_check("PT0055", "NEW_BASEPTR to an unpinned L4 validates it and runs on it",
            rc == 0 && rc2 == 0 && v == 0x1234, "(rc=%ld back=%ld v=%#lx)", rc, rc2,
            (unsigned long)v);
    rc = pt_set_rw(l4);
    t_check("PT0056", "after switching away that L4 keeps no type: it maps writable",
            rc == 0, "(rc=%ld)", rc);
    l4[0] = 0;
    pt_set_ro(l4);
    t_rc("PT0057", "NEW_USER_BASEPTR to a writable data frame gives -EINVAL",
         pt_ext(MMUEXT_NEW_USER_BASEPTR, pt_mfn(data)), -XEN_EINVAL);
}

void pt_pins(void)
{
    uint64_t *f = pt_get_page(1), *l4 = pt_get_page(1), *data = pt_get_page(0);

    if (!f || !l4 || !data) {
        t_case("PT0043", "pinning an empty read-only frame as an L1 works", T_SKIP,
               "(no free page)");
        return;
    }
    data[0] = 0x1234;
    pin_cycle(f);
    roots(data, l4);
    pt_put_page(f);
    pt_put_page(l4);
    pt_put_page(data);
}
