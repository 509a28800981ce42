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
        if (new & pt_disallowed_bits(env, pt_owner, level))
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
