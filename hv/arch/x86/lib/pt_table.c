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
