/*
 * PT: an address space built with os/aspace.h: map our frames, switch to
 * it, read and write through it from the guest kernel and from guest
 * user mode, switch back, clone it, destroy it, and find every frame
 * free and untyped afterwards.
 */
#include <os/user.h>
#include "pt_util.h"

#define VA_RW 0x0000012345600000ull     /* L4 slot 2 */
#define VA_RO (VA_RW + OS_PAGE_SIZE)
#define MAGIC 0x600dcafe0000beefull

static char user_stack[4096] __attribute__((aligned(16)));

/*
 * User mode: load the first word at VA_RW, store it + 1 in the second,
 * return the loaded value.
 */
static void __attribute__((noreturn, used)) user_rw(void)
{
    volatile uint64_t *p = (volatile uint64_t *)VA_RW;
    uint64_t v = p[0];

    p[1] = v + 1;
    asm volatile ("syscall" :: "a" ((uint64_t)OS_USER_EXIT), "D" (v)
                  : "rcx", "r11", "memory");
    __builtin_unreachable();
}

/* Through the installed space: kernel, then user, then unmap. */
static void use_it(struct os_aspace *as, uint64_t *data, uint64_t *ro)
{
    volatile uint64_t *rw = (volatile uint64_t *)VA_RW;
    uint64_t v = 0, ex, res;

    ex = pt_try_load(rw, &v);
    t_check("PT0070", "the kernel reads our frame through the new mapping",
            ex == 0 && v == MAGIC, "(exinfo=%#lx v=%#lx)", (unsigned long)ex,
            (unsigned long)v);
    ex = pt_try_store(rw + 2, MAGIC + 2);
    t_check("PT0071", "a kernel store through it lands in the frame",
            ex == 0 && data[2] == MAGIC + 2, "(exinfo=%#lx)", (unsigned long)ex);
    ex = pt_try_store((volatile uint64_t *)VA_RO, 1);
    t_check("PT0072", "a store through the read-only mapping raises #PF(P|W)",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 3 && ro[0] == 0,
            "(exinfo=%#lx)", (unsigned long)ex);
    if (os_user_init()) {
        t_case("PT0073", "user mode reads and writes through the new space", T_FAIL,
               "(no user mode)");
    } else {
        /* os_user_init made the boot L4 the user root: back to ours. */
        os_aspace_switch(as);
        res = os_exec_user((void *)user_rw, user_stack + sizeof(user_stack));
        t_check("PT0073", "user mode reads and writes through the new space",
                res == MAGIC && data[1] == MAGIC + 1, "(res=%#lx data[1]=%#lx)",
                (unsigned long)res, (unsigned long)data[1]);
    }
    os_aspace_unmap(as, VA_RW);
    os_mmu_flush();
    pt_ext(MMUEXT_INVLPG_LOCAL, VA_RW);
    ex = pt_try_load(rw, &v);
    t_check("PT0074", "after unmap a load raises #PF(0)",
            OS_EXINFO_VEC(ex) == 14 && OS_EXINFO_ERR(ex) == 0, "(exinfo=%#lx)",
            (unsigned long)ex);
    os_aspace_map(as, VA_RW, pt_mfn(data), PT_RW);
}

/* A clone maps the same frames through its own tables. */
static void clone(struct os_aspace *as, uint64_t *data)
{
    struct os_aspace copy = { 0 };
    uint64_t v = 0;
    long rc = os_aspace_clone(&copy, as);

    if (!t_check("PT0075", "a clone of the space is built and pinned", rc == 0,
                 "(rc=%ld)", rc)) {
        if (copy.l4)
            os_aspace_destroy(&copy);
        return;
    }
    rc = os_aspace_switch(&copy);
    if (!rc)
        pt_try_load((const uint64_t *)VA_RW, &v);
    t_check("PT0076", "the clone has its own tables and reads the same frame",
            rc == 0 && v == MAGIC && copy.l4_mfn != as->l4_mfn &&
            os_aspace_frames(&copy) == os_aspace_frames(as),
            "(rc=%ld v=%#lx frames %lu/%lu)", rc, (unsigned long)v,
            os_aspace_frames(&copy), os_aspace_frames(as));
    rc = os_aspace_destroy(&copy);
    t_check("PT0077", "destroying the installed clone switches back and returns 0",
            rc == 0 && os_aspace_current() == NULL, "(rc=%ld)", rc);
    (void)data;
}

/* No type or reference left on data: it can become an L1 (zeroed first). */
static int untyped(uint64_t *data)
{
    long rc;

    data[0] = data[1] = data[2] = 0;
    rc = pt_set_ro(data);
    if (!rc)
        rc = pt_pin(1, pt_mfn(data));
    if (!rc)
        rc = pt_unpin(pt_mfn(data));
    return pt_set_rw(data) == 0 && rc == 0;
}

void pt_aspace(void)
{
    uint64_t *data = pt_get_page(0), *ro = pt_get_page(0);
    unsigned long before;
    struct os_aspace as;
    uint64_t v = 0, ex;
    long rc;

    if (!data || !ro) {
        t_case("PT0068", "create an address space", T_SKIP, "(no free page)");
        return;
    }
    data[0] = MAGIC;
    before = os_free_pages();
    if (!t_rc("PT0068", "create an address space", os_aspace_create(&as), 0))
        return;
    rc = os_aspace_map(&as, VA_RW, pt_mfn(data), PT_RW);
    if (!rc)
        rc = os_aspace_map(&as, VA_RO, pt_mfn(ro), PT_RO);
    if (!rc)
        rc = os_mmu_flush();
    t_check("PT0069", "map a writable and a read-only frame: 4 table frames",
            rc == 0 && os_aspace_frames(&as) == 4, "(rc=%ld frames=%lu)", rc,
            os_aspace_frames(&as));
    rc = os_aspace_switch(&as);
    if (!t_rc("PT0078", "switch to it (NEW_BASEPTR + NEW_USER_BASEPTR)", rc, 0)) {
        os_aspace_destroy(&as);
        return;
    }
    use_it(&as, data, ro);
    rc = os_aspace_switch(NULL);
    ex = pt_try_load((const uint64_t *)VA_RW, &v);
    t_check("PT0079", "switched back, the boot tables do not map it",
            rc == 0 && OS_EXINFO_VEC(ex) == 14, "(rc=%ld exinfo=%#lx)", rc,
            (unsigned long)ex);
    clone(&as, data);
    rc = os_aspace_destroy(&as);
    t_check("PT0080", "destroy gives every table frame back, writable",
            rc == 0 && os_free_pages() == before, "(rc=%ld free %lu, was %lu)", rc,
            os_free_pages(), before);
    t_check("PT0081", "the mapped frames keep no type or reference afterwards",
            untyped(data) && untyped(ro), NULL);
    pt_put_page(data);
    pt_put_page(ro);
}
