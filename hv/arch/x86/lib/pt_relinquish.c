/* Destruction of a dying domain's page tables, one level per pass (asm/pt_relinquish.h). */
#include <asm/pt_relinquish.h>

bool pt_relinquish_frame(const struct pt_env *env, uint16_t domid, uint64_t mfn,
                         unsigned int level)
{
    struct page_info *pg;
    uint32_t x;

    if (mfn >= env->nr_frames || level < 1 || level > PT_RELINQUISH_PASSES)
        return false;
    pg = &env->frames[mfn];
    x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
    if (pg->owner != domid || pt_type_level(x) != level || !(x & PGT_count_mask))
        return false;
    if (x & PGT_validated) {
        /*
         * No longer validated, so nothing devalidates it a second time when
         * the tables above drop their type references later; its count stays
         * theirs. Its own entries' references go now.
         */
        __atomic_fetch_and(&pg->type_info, ~(uint32_t)PGT_validated, __ATOMIC_ACQ_REL);
        pt_table_devalidate(env, mfn, level);
    }
    if (__atomic_fetch_and(&pg->type_info, ~(uint32_t)PGT_pinned, __ATOMIC_ACQ_REL) & PGT_pinned) {
        pt_put_page_type(env, mfn);             /* the pin's two references */
        pt_put_page(env, mfn);
    }
    return true;
}
