/*
 * mmu_update's MMU_NORMAL_PT_UPDATE and MMU_PT_UPDATE_PRESERVE_AD on one entry.
 *
 * Order as in Xen: check the new entry and take its references, write it,
 * then drop the old entry's references, so a mapping never exists without
 * its references.  The hardware may set ACCESSED/DIRTY in a live entry at any
 * time, hence the compare-exchange write; any other concurrent change means
 * the caller did not serialise updates of this table, and the write fails.
 */
#include <xen/errno.h>
#include <asm/pt_types.h>

/* Bits that may change without new references (Xen's fast-path whitelist). */
#define FASTPATH_BITS (PT_NX | PT_AVAIL_HIGH | PT_AVAIL | PT_GLOBAL | PT_DIRTY | PT_ACCESSED | \
                       PT_USER)

/* Replace *slot (believed to be *old) by `new`; *old gets what was really there. */
static bool write_entry(uint64_t *slot, uint64_t *old, uint64_t new, bool preserve_ad)
{
    for (;;) {
        uint64_t seen = *old;
        uint64_t val = preserve_ad ? new | (seen & (PT_ACCESSED | PT_DIRTY)) : new;

        if (__atomic_compare_exchange_n(slot, &seen, val, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return true;
        if ((seen ^ *old) & ~(PT_ACCESSED | PT_DIRTY))
            return false;
        *old = seen;
    }
}

static int update_table_entry(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner,
                              uint64_t mfn, unsigned int level, unsigned int index, uint64_t new,
                              bool preserve_ad)
{
    uint64_t *slot = &env->table(env->ctx, mfn)[index];
    uint64_t old;
    int rc;

    if (level == 4 && pt_l4_slot_is_hv(index))
        return pt_refuse(env, mfn, "update of a hypervisor L4 slot", -XEN_EINVAL);
    old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (level == 1 && (old & PT_PRESENT) && (old & PT_GNTTAB))
        return pt_refuse(env, mfn, "entry is a grant mapping (GNTTABOP_unmap_grant_ref owns it)",
                         -XEN_EINVAL);

    if (new & PT_PRESENT) {
        if (pt_entry_flags_bad(env, pt_owner, level, new))
            return pt_refuse(env, mfn, level == 1 ? "l1e has forbidden flags" :
                             (new & PT_PSE) ? "superpage (PSE) entry" : "pde has forbidden flags",
                             -XEN_EINVAL);
        new = pt_adjust_entry(level, new);
        if ((old & PT_PRESENT) && !((old ^ new) & ~FASTPATH_BITS))
            return write_entry(slot, &old, new, preserve_ad) ? 0 : -XEN_EBUSY;
        rc = pt_entry_get_refs(env, pt_owner, pg_owner, level, mfn, new);
        if (rc < 0)
            return rc;
        new ^= (uint64_t)rc;
        if (!write_entry(slot, &old, new, preserve_ad)) {
            pt_entry_put_refs(env, level, mfn, new);
            return pt_refuse(env, mfn, "entry changed under the update", -XEN_EBUSY);
        }
    } else if (!write_entry(slot, &old, new, preserve_ad)) {
        return pt_refuse(env, mfn, "entry changed under the update", -XEN_EBUSY);
    }
    pt_entry_put_refs(env, level, mfn, old);
    return 0;
}

int pt_update_entry(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner,
                    uint64_t table_mfn, unsigned int index, uint64_t new_entry, bool preserve_ad)
{
    uint32_t x, type;
    unsigned int level;
    int rc;

    if (index >= PT_ENTRIES)
        return pt_refuse(env, table_mfn, "entry index out of range", -XEN_EINVAL);
    if (pt_get_page(env, table_mfn, pt_owner))
        return -XEN_EINVAL;

    /* A validated table in use: hold a type reference of its level across the update. */
    x = __atomic_load_n(&env->frames[table_mfn].type_info, __ATOMIC_ACQUIRE);
    type = x & (uint32_t)PGT_type_mask;
    level = pt_type_level(x);
    rc = -XEN_EINVAL;
    if (level && (x & PGT_count_mask) && (x & PGT_validated))
        rc = pt_get_page_type(env, table_mfn, type, pt_owner);
    if (rc == 0 && level > 1 && pg_owner != pt_owner) {
        pt_put_page_type(env, table_mfn);   /* Xen: only L1 entries may name another owner */
        rc = pt_refuse(env, table_mfn, "upper-level table updated naming a foreign owner",
                       -XEN_EINVAL);
    } else if (rc == 0) {
        rc = update_table_entry(env, pt_owner, pg_owner, table_mfn, level, index, new_entry,
                                preserve_ad);
        pt_put_page_type(env, table_mfn);
    } else if (rc != -XEN_ERESTART) {
        /* Not a table now (e.g. one Linux is still filling): an ordinary store. */
        rc = pt_get_page_type(env, table_mfn, (uint32_t)PGT_writable_page, pt_owner);
        if (rc == 0) {
            __atomic_store_n(&env->table(env->ctx, table_mfn)[index], new_entry,
                             __ATOMIC_RELEASE);
            pt_put_page_type(env, table_mfn);
        } else if (rc != -XEN_ERESTART) {
            rc = pt_refuse(env, table_mfn, "frame is neither a table in use nor writable",
                           -XEN_EINVAL);
        }
    }
    pt_put_page(env, table_mfn);
    return rc;
}

/*
 * Grant host mappings. Their entries (PT_GNTTAB) hold no references of
 * their own: the grant table's map-track does. They are written through
 * the same compare-exchange as any update, into an L1 table in use of
 * `pt_owner`, whose general and L1 type references are held meanwhile.
 */
static uint64_t *hold_l1(const struct pt_env *env, uint16_t pt_owner, uint64_t table_mfn,
                         unsigned int index)
{
    uint32_t x;

    if (index >= PT_ENTRIES || pt_get_page(env, table_mfn, pt_owner))
        return NULL;
    x = __atomic_load_n(&env->frames[table_mfn].type_info, __ATOMIC_ACQUIRE);
    if (pt_type_level(x) != 1 || !(x & PGT_count_mask) || !(x & PGT_validated) ||
        pt_get_page_type(env, table_mfn, (uint32_t)PGT_l1_page_table, pt_owner)) {
        pt_put_page(env, table_mfn);
        return NULL;
    }
    return &env->table(env->ctx, table_mfn)[index];
}

static void release_l1(const struct pt_env *env, uint64_t table_mfn)
{
    pt_put_page_type(env, table_mfn);
    pt_put_page(env, table_mfn);
}

static bool is_grant_entry(uint64_t e)
{
    return (e & PT_PRESENT) && (e & PT_GNTTAB);
}

int pt_grant_map(const struct pt_env *env, uint16_t pt_owner, uint64_t table_mfn,
                 unsigned int index, uint64_t gnt_entry)
{
    uint64_t *slot, old;
    int rc = 0;

    if (!is_grant_entry(gnt_entry))
        return pt_refuse(env, table_mfn, "not a grant entry", -XEN_EINVAL);
    if (!(slot = hold_l1(env, pt_owner, table_mfn, index)))
        return pt_refuse(env, table_mfn, "grant mapping outside an L1 table in use", -XEN_EINVAL);
    old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (is_grant_entry(old))
        rc = pt_refuse(env, table_mfn, "the slot holds a grant mapping already", -XEN_EINVAL);
    else if (!write_entry(slot, &old, gnt_entry, false))
        rc = pt_refuse(env, table_mfn, "entry changed under the grant mapping", -XEN_EBUSY);
    else
        pt_entry_put_refs(env, 1, table_mfn, old);     /* the entry it replaced */
    release_l1(env, table_mfn);
    return rc;
}

int pt_grant_unmap(const struct pt_env *env, uint16_t pt_owner, uint64_t table_mfn,
                   unsigned int index, uint64_t frame, uint64_t new_entry)
{
    uint64_t *slot, old;
    int rc = 0;

    if (is_grant_entry(new_entry))
        return pt_refuse(env, table_mfn, "a grant entry cannot replace one", -XEN_EINVAL);
    if (!(slot = hold_l1(env, pt_owner, table_mfn, index)))
        return pt_refuse(env, table_mfn, "grant unmap outside an L1 table in use", -XEN_EINVAL);
    old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!is_grant_entry(old) || pt_entry_mfn(old) != frame)
        rc = pt_refuse(env, table_mfn, "the slot holds no grant mapping of the frame",
                       -XEN_EINVAL);
    else if (!write_entry(slot, &old, new_entry, false))
        rc = pt_refuse(env, table_mfn, "entry changed under the grant unmap", -XEN_EBUSY);
    release_l1(env, table_mfn);
    return rc;
}

int pt_take_entry(const struct pt_env *env, uint16_t pt_owner, uint64_t table_mfn,
                  unsigned int index, uint64_t *old)
{
    uint64_t *slot;
    int rc = 0;

    if (!(slot = hold_l1(env, pt_owner, table_mfn, index)))
        return pt_refuse(env, table_mfn, "entry taken outside an L1 table in use", -XEN_EINVAL);
    *old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (is_grant_entry(*old))
        rc = pt_refuse(env, table_mfn, "a grant mapping cannot be taken", -XEN_EINVAL);
    else if (!write_entry(slot, old, 0, false))
        rc = pt_refuse(env, table_mfn, "entry changed while taken", -XEN_EBUSY);
    release_l1(env, table_mfn);
    return rc;
}
