/*
 * Address spaces from guest frames under the PV MMU rules (os/aspace.h):
 * a batch queue for mmu_update, and create / map / unmap / switch /
 * clone / destroy on top of it.
 *
 * Every table frame comes from the page pool, whose pages are mapped at
 * VA == pseudo-physical address, so a table is read at
 * (M2P[mfn] << 12) and its entries' machine addresses are its MFN plus
 * the offset.  Tables are only ever read through those read-only views;
 * every write goes through the queue.
 */
#include <os/aspace.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <xen/errno.h>

#define L4_OWN_FIRST 1      /* first L4 slot an address space owns */
#define L4_OWN_LAST  255    /* last guest slot below the hypervisor's */

static struct mmu_update queue[OS_MMU_BATCH];
static unsigned int queued;
static const struct os_aspace *installed;

/*
 * New tables whose hook (parent entry) is still queued: the walk must
 * flush before it reads through them, and a failed flush must give back
 * those that never got hooked.
 */
#define MAX_PENDING 8
static void *pending[MAX_PENDING];
static unsigned int nr_pending;

unsigned int os_mmu_last_done;

/* Machine address of a byte of the pool / boot region (VA == PA there). */
static uint64_t pool_maddr(const void *p)
{
    return (os_virt_to_mfn(p) << OS_PAGE_SHIFT) |
           ((uint64_t)p & (OS_PAGE_SIZE - 1));
}

/* The table a present entry points at, through its pool view. */
static uint64_t *table_of(uint64_t entry)
{
    uint64_t mfn = (entry & OS_PTE_ADDR) >> OS_PAGE_SHIFT;

    return (uint64_t *)(os_mfn_to_pfn(mfn) << OS_PAGE_SHIFT);
}

/*
 * Give back a page whose role as a table failed half way: it must be
 * writable again before the pool may hand it out.  If Xen refuses, the
 * page is typed, i.e. hooked into a tree that destroy will walk, or
 * leaked rather than reused half typed.
 */
static void drop_page(void *page)
{
    const uint64_t *l1e = os_l1e_of((uint64_t)page);

    if (l1e && HYPERVISOR_update_va_mapping((uint64_t)page, *l1e | OS_PTE_RW,
                                            UVMF_INVLPG) == 0)
        os_free_page(page);
}

/* Send the queued updates in one mmu_update (see os/aspace.h). */
long os_mmu_flush(void)
{
    unsigned int done = 0, i;
    long rc = 0;

    if (queued)
        rc = HYPERVISOR_mmu_update(queue, queued, &done, DOMID_SELF);
    os_mmu_last_done = done;
    queued = 0;
    if (rc)
        for (i = 0; i < nr_pending; i++)
            drop_page(pending[i]);
    nr_pending = 0;
    return rc;
}

/* Queue one entry write, flushing a full queue first. */
long os_mmu_queue(uint64_t maddr, uint64_t val)
{
    if (queued == OS_MMU_BATCH) {
        long rc = os_mmu_flush();

        if (rc)
            return rc;
    }
    queue[queued].ptr = (maddr & ~7ull) | MMU_NORMAL_PT_UPDATE;
    queue[queued].val = val;
    queued++;
    return 0;
}

/* Queue the pool mapping of page as read-only or writable. */
long os_mmu_queue_pool_rw(const void *page, int writable)
{
    const uint64_t *l1e = os_l1e_of((uint64_t)page);
    uint64_t val;

    if (!l1e || !(*l1e & OS_PTE_PRESENT))
        return -XEN_EINVAL;
    val = writable ? (*l1e | OS_PTE_RW) : (*l1e & ~OS_PTE_RW);
    return os_mmu_queue(pool_maddr(l1e), val);
}

/*
 * Take a zeroed pool page and queue its read-only remap and its hook at
 * the entry with machine address parent, so that Xen validates it (still
 * empty) as the next level down.  *out is the new table's pool view.
 */
static long new_table(uint64_t parent, uint64_t **out)
{
    void *t;
    long rc;

    if (nr_pending == MAX_PENDING && (rc = os_mmu_flush()))
        return rc;
    if (!(t = os_alloc_page()))
        return -XEN_ENOMEM;
    rc = os_mmu_queue_pool_rw(t, 0);
    if (!rc)
        rc = os_mmu_queue(parent, (os_virt_to_mfn(t) << OS_PAGE_SHIFT) |
                                  OS_ASPACE_TABLE_FLAGS);
    if (rc) {
        drop_page(t);
        return rc;
    }
    pending[nr_pending++] = t;
    *out = t;
    return 0;
}

/* A new address space (see os/aspace.h). */
long os_aspace_create(struct os_aspace *as)
{
    const uint64_t *boot_l4 = (const uint64_t *)os_start_info->pt_base;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
    uint64_t *l4 = os_alloc_page();
    long rc;

    if (!l4)
        return -XEN_ENOMEM;
    pin.arg1.mfn = os_virt_to_mfn(l4);
    rc = os_mmu_queue_pool_rw(l4, 0);
    if (!rc)
        rc = os_mmu_flush();
    if (!rc)
        rc = HYPERVISOR_mmuext_op(&pin, 1, NULL, DOMID_SELF);
    if (rc) {
        drop_page(l4);
        return rc;
    }
    as->l4 = l4;
    as->l4_mfn = pin.arg1.mfn;
    /* Slot 0: our image and the pool, shared with the boot tables. */
    return os_mmu_queue(pool_maddr(&l4[0]), boot_l4[0]);
}

/*
 * The L1 table that covers va, creating missing levels if create: those
 * are only queued, and since a new table is empty, the levels below it
 * are created without reading anything.  Hooks queued by an earlier
 * call are flushed first, so the walk reads what Xen holds.
 */
static long find_l1(struct os_aspace *as, uint64_t va, int create,
                    uint64_t **l1)
{
    uint64_t *t = as->l4;
    long rc;
    int shift;

    if ((va & (OS_PAGE_SIZE - 1)) || va < OS_ASPACE_VA_START ||
        va >= OS_ASPACE_VA_END)
        return -XEN_EINVAL;
    if (nr_pending && (rc = os_mmu_flush()))
        return rc;
    for (shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &t[(va >> shift) & 511];

        if (*e & OS_PTE_PRESENT) {
            t = table_of(*e);
            continue;
        }
        if (!create)
            return -XEN_ENOENT;
        if ((rc = new_table(pool_maddr(e), &t)))
            return rc;
    }
    *l1 = t;
    return 0;
}

/* Map va to mfn (see os/aspace.h). */
long os_aspace_map(struct os_aspace *as, uint64_t va, uint64_t mfn,
                   uint64_t flags)
{
    uint64_t *l1;
    long rc = find_l1(as, va, 1, &l1);

    if (rc)
        return rc;
    return os_mmu_queue(pool_maddr(&l1[(va >> 12) & 511]),
                        (mfn << OS_PAGE_SHIFT) | (flags & ~OS_PTE_ADDR) |
                        OS_PTE_PRESENT);
}

/* Machine address of va's L1 entry (see os/aspace.h). */
long os_aspace_l1e_maddr(struct os_aspace *as, uint64_t va, uint64_t *maddr)
{
    uint64_t *l1;
    long rc = find_l1(as, va, 0, &l1);

    if (!rc)
        *maddr = pool_maddr(&l1[(va >> 12) & 511]);
    return rc;
}

/* Unmap va (see os/aspace.h). */
long os_aspace_unmap(struct os_aspace *as, uint64_t va)
{
    uint64_t *l1;
    long rc = find_l1(as, va, 0, &l1);

    if (rc)
        return rc;
    return os_mmu_queue(pool_maddr(&l1[(va >> 12) & 511]), 0);
}

/* Install as (or the boot tables) as kernel and user root. */
long os_aspace_switch(const struct os_aspace *as)
{
    uint64_t mfn = as ? as->l4_mfn
                      : os_virt_to_mfn((void *)os_start_info->pt_base);
    struct mmuext_op ops[2] = {
        { .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = mfn },
        { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = mfn },
    };
    unsigned int done = 0;
    long rc = os_mmu_flush();

    if (rc)
        return rc;
    rc = HYPERVISOR_mmuext_op(ops, 2, &done, DOMID_SELF);
    if (done >= 1)
        installed = as;
    return rc;
}

/* The installed address space (NULL: boot tables). */
const struct os_aspace *os_aspace_current(void)
{
    return installed;
}

/* Copy the present entries of src (a level-level table) into dst. */
static long copy_table(const uint64_t *src, uint64_t *dst, int level)
{
    unsigned int i = level == 4 ? L4_OWN_FIRST : 0;
    unsigned int last = level == 4 ? L4_OWN_LAST : 511;
    long rc;

    for (; i <= last; i++) {
        if (!(src[i] & OS_PTE_PRESENT))
            continue;
        if (level == 1) {
            rc = os_mmu_queue(pool_maddr(&dst[i]), src[i]);
        } else {
            uint64_t *t;

            rc = new_table(pool_maddr(&dst[i]), &t);
            if (!rc)
                rc = copy_table(table_of(src[i]), t, level - 1);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Build dst as a copy of src (see os/aspace.h). */
long os_aspace_clone(struct os_aspace *dst, const struct os_aspace *src)
{
    long rc = os_aspace_create(dst);

    if (rc)
        return rc;
    rc = copy_table(src->l4, dst->l4, 4);
    if (!rc)
        rc = os_mmu_flush();
    return rc;
}

/*
 * Post-order walk of the tables as owns below t (a level-level table),
 * then t itself: fn sees every child before its parent, so it may
 * overwrite a table once it has been passed to it.
 */
static long for_each_table(uint64_t *t, int level, long (*fn)(uint64_t *))
{
    unsigned int i = level == 4 ? L4_OWN_FIRST : 0;
    unsigned int last = level == 4 ? L4_OWN_LAST : 511;
    long rc;

    if (level > 1)
        for (; i <= last; i++)
            if ((t[i] & OS_PTE_PRESENT) &&
                (rc = for_each_table(table_of(t[i]), level - 1, fn)))
                return rc;
    return fn(t);
}

static long make_writable(uint64_t *t)
{
    return os_mmu_queue_pool_rw(t, 1);
}

static long give_back(uint64_t *t)
{
    os_free_page(t);
    return 0;
}

static unsigned long counted;

static long count_one(uint64_t *t)
{
    (void)t;
    counted++;
    return 0;
}

/* Tear as down (see os/aspace.h). */
long os_aspace_destroy(struct os_aspace *as)
{
    struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = as->l4_mfn };
    long rc;

    if (!as->l4)
        return -XEN_EINVAL;
    /* Errors of queued leaves were their own; the teardown goes on. */
    os_mmu_flush();
    if (installed == as) {
        long rc2 = os_aspace_switch(NULL);

        if (rc2)
            return rc2;
    }
    if ((rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF)))
        return rc;
    /* Unpinned, every level has dropped its type: all may be writable. */
    rc = for_each_table(as->l4, 4, make_writable);
    if (!rc)
        rc = os_mmu_flush();
    if (rc)
        return rc;
    /* The pool views were read-only in the TLB until now. */
    op.cmd = MMUEXT_TLB_FLUSH_LOCAL;
    if ((rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF)))
        return rc;
    for_each_table(as->l4, 4, give_back);
    as->l4 = NULL;
    as->l4_mfn = 0;
    return 0;
}

/* Table frames of as, L4 included. */
unsigned long os_aspace_frames(const struct os_aspace *as)
{
    if (nr_pending)
        os_mmu_flush();
    counted = 0;
    for_each_table(as->l4, 4, count_one);
    return counted;
}
