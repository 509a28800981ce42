/*
 * PT: argument handling of mmu_update and mmuext_op.  Requests are read
 * one at a time, so a batch that runs into an unmapped page or a bad
 * request stops there: the ones before it stay applied and `done`
 * counts them.
 */
#include "pt_util.h"

/*
 * Two adjacent pool pages, the second one unmapped; NULL if none.  The
 * pool is a LIFO list, so look among a few pages for a neighbouring pair.
 */
static uint8_t *edge_pages(void)
{
    uint8_t *p[16], *a = NULL;
    unsigned int n, i, j;

    for (n = 0; n < OS_ARRAY_SIZE(p) && (p[n] = os_alloc_page()); n++)
        ;
    for (i = 0; i < n && !a; i++)
        for (j = 0; j < n && !a; j++)
            if (p[j] == p[i] + OS_PAGE_SIZE)
                a = p[i];
    for (i = 0; i < n; i++)
        if (!a || (p[i] != a && p[i] != a + OS_PAGE_SIZE))
            os_free_page(p[i]);
    if (a && HYPERVISOR_update_va_mapping((uint64_t)a + OS_PAGE_SIZE, 0, UVMF_INVLPG)) {
        os_free_page(a + OS_PAGE_SIZE);
        os_free_page(a);
        return NULL;
    }
    return a;
}

static void edge_done(uint8_t *a)
{
    uint8_t *b = a + OS_PAGE_SIZE;

    pt_set_rw(b);
    os_free_page(b);
    os_free_page(a);
}

/* mmu_update: command bits, partial batches, bad `done`. */
static void mmu_update_args(uint64_t *page, uint8_t *edge)
{
    uint64_t e = pt_l1e_maddr((uint64_t)page), mfn = pt_mfn(page);
    uint64_t rw = (mfn << OS_PAGE_SHIFT) | PT_RW, ro = (mfn << OS_PAGE_SHIFT) | PT_RO;
    struct mmu_update reqs[3] = {
        { e, ro }, { e | 4, rw }, { e, rw },
    };
    struct mmu_update *tail;
    unsigned int done = 99;
    long rc;

    t_rc("PT0031", "mmu_update with count 0 returns 0",
         HYPERVISOR_mmu_update(reqs, 0, NULL, DOMID_SELF), 0);
    rc = HYPERVISOR_mmu_update(reqs, 3, &done, DOMID_SELF);
    pt_flush_tlb();
    t_check("PT0032", "a request with ptr bit 2 set stops the batch: -ENOSYS, done=1",
            rc == -XEN_ENOSYS && done == 1 && (*os_l1e_of((uint64_t)page) & OS_PTE_RW) == 0,
            "(rc=%ld done=%u)", rc, done);
    reqs[0].val = rw;
    pt_mmu1(e, rw, NULL);
    pt_flush_tlb();

    /* A list that is only 4-byte aligned is read all the same. */
    tail = (struct mmu_update *)((uint8_t *)page + 2052);
    *tail = (struct mmu_update){ e, rw };
    t_rc("PT0033", "a request list at a 4-byte aligned address is accepted",
         HYPERVISOR_mmu_update(tail, 1, NULL, DOMID_SELF), 0);

    if (!edge) {
        t_case("PT0034", "a list running into an unmapped page gives -EFAULT, done=1",
               T_SKIP, "(no two adjacent free pages)");
    } else {
        tail = (struct mmu_update *)(edge + OS_PAGE_SIZE - sizeof(*tail));
        *tail = (struct mmu_update){ e, ro };
        done = 99;
        rc = HYPERVISOR_mmu_update(tail, 2, &done, DOMID_SELF);
        pt_flush_tlb();
        t_check("PT0034", "a list running into an unmapped page gives -EFAULT, done=1",
                rc == -XEN_EFAULT && done == 1 &&
                (*os_l1e_of((uint64_t)page) & OS_PTE_RW) == 0,
                "(rc=%ld done=%u)", rc, done);
        pt_mmu1(e, rw, NULL);
        pt_flush_tlb();
    }
    /* Xen ignores a failed copy of `done` back to the guest. */
    rc = pt_mmu1(e, ro, (unsigned int *)T_UNMAPPED_VA);
    pt_flush_tlb();
    t_check("PT0035", "an unmapped `done` is ignored: 0, the request applied",
            rc == 0 && (*os_l1e_of((uint64_t)page) & OS_PTE_RW) == 0,
            "(rc=%ld l1e=%#lx)", rc, (unsigned long)*os_l1e_of((uint64_t)page));
    rc = pt_mmu1(e | MMU_PT_UPDATE_NO_TRANSLATE, rw, NULL);
    pt_flush_tlb();
    t_check("PT0036", "MMU_PT_UPDATE_NO_TRANSLATE (3) is a normal update for PV",
            rc == 0 && (*os_l1e_of((uint64_t)page) & OS_PTE_RW) != 0,
            "(rc=%ld l1e=%#lx)", rc, (unsigned long)*os_l1e_of((uint64_t)page));
    pt_mmu1(e, rw, NULL);
    pt_flush_tlb();
    t_rc("PT0037", "a request list in hypervisor space gives -EFAULT",
         HYPERVISOR_mmu_update((void *)HYPERVISOR_VIRT_START, 1, NULL, DOMID_SELF),
         -XEN_EFAULT);
    /* Xen checks where the list starts before anything else, even for no request. */
    t_rc("PT0118", "0 requests at a non-canonical address give -EFAULT",
         HYPERVISOR_mmu_update((void *)T_NONCANON_VA, 0, NULL, DOMID_SELF), -XEN_EFAULT);
}

/* mmuext_op: partial batches and bad pointers. */
static void mmuext_args(uint64_t *page, uint8_t *edge)
{
    struct mmuext_op ops[3] = {
        { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
        { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = pt_mfn(page) },
        { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
    };
    struct mmuext_op *tail;
    unsigned int done = 99;
    long rc;

    rc = HYPERVISOR_mmuext_op(ops, 3, &done, DOMID_SELF);
    t_check("PT0038", "an mmuext batch stops at a refused pin: -EINVAL, done=1",
            rc == -XEN_EINVAL && done == 1, "(rc=%ld done=%u)", rc, done);
    t_rc("PT0039", "mmuext_op from an unmapped list gives -EFAULT",
         HYPERVISOR_mmuext_op((void *)T_UNMAPPED_VA, 1, NULL, DOMID_SELF), -XEN_EFAULT);
    t_rc("PT0040", "mmuext_op with count 0 returns 0",
         HYPERVISOR_mmuext_op(ops, 0, NULL, DOMID_SELF), 0);
    rc = HYPERVISOR_mmuext_op(ops, 1, (unsigned int *)T_UNMAPPED_VA, DOMID_SELF);
    t_rc("PT0041", "mmuext_op ignores an unmapped `done`: 0", rc, 0);
    if (!edge) {
        t_case("PT0042", "an mmuext list running into an unmapped page gives -EFAULT, done=1",
               T_SKIP, "(no two adjacent free pages)");
        return;
    }
    tail = (struct mmuext_op *)(edge + OS_PAGE_SIZE - sizeof(*tail));
    *tail = ops[0];
    done = 99;
    rc = HYPERVISOR_mmuext_op(tail, 2, &done, DOMID_SELF);
    t_check("PT0042", "an mmuext list running into an unmapped page gives -EFAULT, done=1",
            rc == -XEN_EFAULT && done == 1, "(rc=%ld done=%u)", rc, done);
}

void pt_args(void)
{
    uint64_t *page = pt_get_page(0);
    uint8_t *edge = edge_pages();

    if (!page) {
        t_case("PT0031", "mmu_update with count 0 returns 0", T_SKIP, "(no free page)");
        return;
    }
    mmu_update_args(page, edge);
    mmuext_args(page, edge);
    if (edge)
        edge_done(edge);
    pt_put_page(page);
}
