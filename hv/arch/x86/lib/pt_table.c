/*
 * Validating and devalidating a whole table (Xen's promote/demote).
 *
 * Validation runs while the frame is in the "validating" state (type count 1,
 * not validated), so nobody else can take or drop its type meanwhile; it
 * takes the references of each present entry in order and, on the first
 * refusal, drops those it took, so a failed validation leaks nothing.
 * Every entry must name a frame of the table's owner (Xen validates with one
 * owner; foreign L1 entries enter only a table already in use, by update).
 * Recursion depth is bounded by the four levels.  Not preemptible yet (see
 * docs/pv-mmu.md): a tree costs one pass over each distinct table once.
 */
#include <asm/pt_types.h>

static bool guest_slot(unsigned int level, unsigned int i)
{
    return level != 4 || !pt_l4_slot_is_hv(i);
}

/* L1 bits that send an entry to the general path: forbidden, or allowed only with a permission. */
#define L1_NOT_COMMON ((~PT_BASE_ALLOWED | PT_GNTTAB) & ~PT_GLOBAL)

/*
 * The references of a present L1 entry in the common case, taken with one
 * compare-exchange each and no call: a frame of the table's owner, no flag
 * beyond the ordinary ones (no cache attributes), not released, its count
 * far from overflow and, if writable, untyped or writable and validated.
 * The rules of get_l1_refs, pt_get_page and pt_get_page_type, for the cases
 * where they take exactly these references (a bootstrap L1 maps a thousand
 * such frames). False: nothing is held, pt_entry_get_refs decides.
 */
static bool l1_get_refs_common(const struct pt_env *env, uint16_t domid, uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e), x;
    struct page_info *pg;
    uint32_t y, ny;

    if ((e & L1_NOT_COMMON) || mfn >= env->nr_frames || domid >= PT_DOMID_FIRST_RESERVED)
        return false;
    pg = &env->frames[mfn];
    if (__atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE) != domid)
        return false;
    /* Count first, owner second, as pt_get_page; PGC_* flags set: the general path. */
    x = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
    if (x >= PGC_count_mask - 1 ||
        !__atomic_compare_exchange_n(&pg->count_info, &x, x + 1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        return false;
    if (__atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE) != domid)
        goto put;
    if (!(e & PT_RW))
        return true;
    y = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
    if ((y & (uint32_t)PGT_type_mask) == (uint32_t)PGT_writable_page &&
        (y & (uint32_t)PGT_validated) && (y & (uint32_t)PGT_count_mask) < PGT_count_mask - 1)
        ny = y + 1;
    else if (!(y & (uint32_t)(PGT_type_mask | PGT_count_mask)))
        ny = (uint32_t)(PGT_writable_page | PGT_validated | 1);   /* untyped: nothing to check */
    else
        goto put;
    if (__atomic_compare_exchange_n(&pg->type_info, &y, ny, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return true;
put:
    pt_put_page(env, mfn);
    return false;
}

int pt_table_validate(const struct pt_env *env, uint64_t mfn, unsigned int level,
                      uint16_t domid)
{
    uint64_t *t = env->table(env->ctx, mfn);
    unsigned int i;
    int rc = 0;

    for (i = 0; i < PT_ENTRIES; i++) {
        uint64_t e;

        if (!guest_slot(level, i))
            continue;                       /* the hypervisor's; overwritten below */
        e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);
        if (!(e & PT_PRESENT))
            continue;
        if (level == 1 && l1_get_refs_common(env, domid, e)) {
            __atomic_store_n(&t[i], pt_adjust_entry(1, e), __ATOMIC_RELAXED);
            continue;
        }
        rc = pt_entry_get_refs(env, domid, domid, level, mfn, e);
        if (rc < 0)
            break;
        __atomic_store_n(&t[i], pt_adjust_entry(level, e ^ (uint64_t)rc), __ATOMIC_RELAXED);
        rc = 0;
    }
    if (rc) {
        while (i-- > 0)
            if (guest_slot(level, i))
                pt_entry_put_refs(env, level, mfn, __atomic_load_n(&t[i], __ATOMIC_RELAXED));
        return rc;
    }
    if (level == 4 && env->init_l4_hv_slots)
        env->init_l4_hv_slots(env->ctx, t);
    return 0;
}

void pt_table_devalidate(const struct pt_env *env, uint64_t mfn, unsigned int level)
{
    uint64_t *t = env->table(env->ctx, mfn);

    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        if (guest_slot(level, i))
            pt_entry_put_refs(env, level, mfn, __atomic_load_n(&t[i], __ATOMIC_RELAXED));
}
