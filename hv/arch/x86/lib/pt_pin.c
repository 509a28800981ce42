/*
 * References held by something other than a table entry: pins (MMUEXT_PIN_*,
 * MMUEXT_UNPIN_TABLE), roots (NEW_BASEPTR, NEW_USER_BASEPTR) and the builder's
 * initial tree; plus the question the allocator asks before a frame changes
 * owner.  Each holds one general and one type reference, as in Xen.
 */
#include <xen/errno.h>
#include <asm/pt_types.h>

/* Take a general and an L4/Ln type reference, or neither. */
static int get_page_and_type(const struct pt_env *env, uint64_t mfn, uint32_t type,
                             uint16_t domid)
{
    int rc;

    if (pt_get_page(env, mfn, domid))
        return -XEN_EINVAL;
    rc = pt_get_page_type(env, mfn, type, domid);
    if (rc)
        pt_put_page(env, mfn);
    return rc;
}

static void put_page_and_type(const struct pt_env *env, uint64_t mfn)
{
    pt_put_page_type(env, mfn);
    pt_put_page(env, mfn);
}

int pt_pin(const struct pt_env *env, uint16_t domid, uint64_t mfn, unsigned int level)
{
    uint32_t old;
    int rc;

    if (level < 1 || level > 4)
        return pt_refuse(env, mfn, "pin of a bad level", -XEN_EINVAL);
    rc = get_page_and_type(env, mfn, pgt_for_level((int)level), domid);
    if (rc)
        return rc;
    old = __atomic_fetch_or(&env->frames[mfn].type_info, (uint32_t)PGT_pinned, __ATOMIC_ACQ_REL);
    if (old & PGT_pinned) {
        put_page_and_type(env, mfn);
        return pt_refuse(env, mfn, "table already pinned", -XEN_EINVAL);
    }
    return 0;
}

int pt_unpin(const struct pt_env *env, uint16_t domid, uint64_t mfn)
{
    uint32_t old;

    if (pt_get_page(env, mfn, domid))
        return -XEN_EINVAL;
    old = __atomic_fetch_and(&env->frames[mfn].type_info, ~(uint32_t)PGT_pinned,
                             __ATOMIC_ACQ_REL);
    if (!(old & PGT_pinned)) {
        pt_put_page(env, mfn);
        return pt_refuse(env, mfn, "unpin of a table that is not pinned", -XEN_EINVAL);
    }
    put_page_and_type(env, mfn);            /* the pin's references */
    pt_put_page(env, mfn);                  /* ours from the lookup */
    return 0;
}

int pt_switch_root(const struct pt_env *env, uint16_t domid, uint64_t old_mfn,
                   uint64_t new_mfn)
{
    int rc;

    if (old_mfn == new_mfn)
        return 0;
    if (new_mfn != PT_ROOT_NONE) {
        rc = get_page_and_type(env, new_mfn, (uint32_t)PGT_l4_page_table, domid);
        if (rc)
            return rc;
    }
    if (old_mfn != PT_ROOT_NONE)
        put_page_and_type(env, old_mfn);
    return 0;
}

int pt_adopt_l4(const struct pt_env *env, uint16_t domid, uint64_t l4_mfn)
{
    if (l4_mfn < env->nr_frames && (env->frames[l4_mfn].type_info & PGT_count_mask))
        return pt_refuse(env, l4_mfn, "builder L4 already has a type", -XEN_EINVAL);
    return pt_pin(env, domid, l4_mfn, 4);
}

bool pt_frame_is_free_to_release(const struct pt_env *env, uint64_t mfn)
{
    const struct page_info *pg;

    if (mfn >= env->nr_frames)
        return false;
    pg = &env->frames[mfn];
    return !(__atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE) & PGC_count_mask) &&
           !(__atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE) & (PGT_count_mask | PGT_pinned));
}
