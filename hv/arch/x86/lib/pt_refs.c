/*
 * General and type reference counts of one frame: the state machine.
 *
 * type_info = type (bits 28-30) | PGT_pinned | PGT_validated | count (0-25).
 * States of a page-table type:
 *   count 0                      free to change type
 *   count 1, !validated          one CPU is validating (or devalidating) it
 *   count n, validated           in use
 * A CPU that finds the frame mid-(de)validation gets -XEN_ERESTART and comes
 * back later as a continuation instead of spinning here, except that a
 * writable request waits out another CPU's writable claim (env->relax).
 */
#include <xen/errno.h>
#include <asm/pt_types.h>

#define TYPE_MASK  ((uint32_t)PGT_type_mask)
#define COUNT_MASK ((uint32_t)PGT_count_mask)
#define VALIDATED  ((uint32_t)PGT_validated)
#define COUNT_MAX  PGC_count_mask          /* general count overflow guard */

static bool cas32(uint32_t *p, uint32_t *expected, uint32_t desired)
{
    return __atomic_compare_exchange_n(p, expected, desired, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

static bool cas64(uint64_t *p, uint64_t *expected, uint64_t desired)
{
    return __atomic_compare_exchange_n(p, expected, desired, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

int pt_get_page(const struct pt_env *env, uint64_t mfn, uint16_t domid)
{
    struct page_info *pg;
    uint64_t x;

    if (mfn >= env->nr_frames)
        return pt_refuse(env, mfn, "frame out of range", -XEN_EINVAL);
    if (domid >= PT_DOMID_FIRST_RESERVED)
        return pt_refuse(env, mfn, "reserved domain id", -XEN_EINVAL);
    pg = &env->frames[mfn];
    if (__atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE) != domid)
        return pt_refuse(env, mfn, "frame not owned by the domain", -XEN_EINVAL);
    /*
     * Count first, owner second (as Xen): a frame cannot change owner while
     * counted. A released frame at count 0 is its releaser's to free (or
     * free already): the exchange refuses it, so its owner's release and
     * another domain's reference (a foreign mapping) never both win.
     */
    x = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
    do {
        if ((x & PGC_count_mask) >= COUNT_MAX)
            return pt_refuse(env, mfn, "reference count overflow", -XEN_EINVAL);
        if (x == PGC_released || x == (PGC_released | PGC_awaited))
            return pt_refuse(env, mfn, "frame given back and unreferenced", -XEN_EINVAL);
    } while (!cas64(&pg->count_info, &x, x + 1));
    if (__atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE) != domid) {
        pt_put_page(env, mfn);
        return pt_refuse(env, mfn, "frame not owned by the domain", -XEN_EINVAL);
    }
    return 0;
}

void pt_put_page(const struct pt_env *env, uint64_t mfn)
{
    struct page_info *pg = &env->frames[mfn];
    uint64_t x = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);

    do {
        if (!(x & PGC_count_mask))
            return;                         /* our bug; pt_audit will report it */
    } while (!cas64(&pg->count_info, &x, x - 1));
    /* The last reference of a released frame: nobody can take one again; ours to free. */
    if ((x & PGC_count_mask) == 1 && (x & PGC_released) && env->last_ref)
        env->last_ref(env->ctx, mfn);
}

enum pt_release pt_release_frame(const struct pt_env *env, uint64_t mfn, bool awaited)
{
    struct page_info *pg;
    uint64_t x, nx;

    if (mfn >= env->nr_frames)
        return PT_RELEASE_BUSY;
    pg = &env->frames[mfn];
    x = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE);
    do {
        uint64_t count = x & PGC_count_mask;

        if (x & PGC_released) {
            /* Released before: only the destruction may still ask to wait for it. */
            if (!awaited || !count || (x & PGC_awaited))
                return PT_RELEASE_BUSY;
            nx = x | PGC_awaited;
        } else {
            nx = x | PGC_released | (awaited && count ? PGC_awaited : 0);
        }
    } while (!cas64(&pg->count_info, &x, nx));
    return (x & PGC_count_mask) ? PT_RELEASE_LATER : PT_RELEASE_NOW;
}

bool pt_release_unreferenced(const struct pt_env *env, uint64_t mfn)
{
    uint64_t x = 0;

    return mfn < env->nr_frames &&
           cas64(&env->frames[mfn].count_info, &x, PGC_released);
}

void pt_unrelease_frame(const struct pt_env *env, uint64_t mfn)
{
    __atomic_store_n(&env->frames[mfn].count_info, 0, __ATOMIC_RELEASE);
}

/* Run the first-use check of `type` on a frame we hold in the "validating" state. */
static int validate(const struct pt_env *env, uint64_t mfn, uint32_t type, uint16_t domid)
{
    unsigned int level = pt_type_level(type);

    if (level)
        return pt_table_validate(env, mfn, level, domid);
    if (type == (uint32_t)PGT_seg_desc_page)
        return env->validate_segdesc ? env->validate_segdesc(env->ctx, mfn) : -XEN_EINVAL;
    return 0;                               /* writable: nothing to check */
}

static bool type_allowed(const struct page_info *pg, uint32_t type)
{
    if (type == (uint32_t)PGT_writable_page)
        return true;
    if (pg->flags & PGF_SHARED_INFO)
        return false;                       /* shared_info is never a table or GDT */
    return pt_type_level(type) || type == (uint32_t)PGT_seg_desc_page;
}

int pt_get_page_type(const struct pt_env *env, uint64_t mfn, uint32_t type, uint16_t domid)
{
    struct page_info *pg;
    uint32_t x, nx;
    int rc;

    if (mfn >= env->nr_frames)
        return pt_refuse(env, mfn, "frame out of range", -XEN_EINVAL);
    pg = &env->frames[mfn];
    if (pg->owner != domid)
        return pt_refuse(env, mfn, "frame not owned by the domain", -XEN_EINVAL);
    if (!type_allowed(pg, type))
        return pt_refuse(env, mfn, "frame cannot take this type", -XEN_EINVAL);

    x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
    for (;;) {
        uint32_t count = x & COUNT_MASK;

        if (count == COUNT_MASK)
            return pt_refuse(env, mfn, "type count overflow", -XEN_EINVAL);
        if (count == 0) {
            /* Free to (re)type; a table type must be validated again. */
            nx = (x & TYPE_MASK) == type ? x + 1 : (type | 1);
        } else if (!(x & VALIDATED) && (x & TYPE_MASK) == type &&
                   type == (uint32_t)PGT_writable_page && env->relax) {
            /*
             * Another CPU claimed the writable type and is flushing TLBs
             * for the type change: wait, so that a foreign mapper's claim
             * does not fail the owner's own mapping (nor the reverse). The
             * claimer waits for nothing but the flush, which relax does
             * here. (A table's (de)validation may be this CPU's own, in a
             * nested validation: never waited for.)
             */
            env->relax(env->ctx);
            x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
            continue;
        } else if ((x & TYPE_MASK) != type) {
            return pt_refuse(env, mfn, "frame in use with another type", -XEN_EINVAL);
        } else if (!(x & VALIDATED)) {
            return -XEN_ERESTART;           /* someone else is (de)validating it: come back */
        } else {
            nx = x + 1;
        }
        if (cas32(&pg->type_info, &x, nx))
            break;
    }

    if (nx & VALIDATED)
        return 0;

    /* We own the frame in the "validating" state (count 1). */
    if ((x & TYPE_MASK) != type && (x & TYPE_MASK) != PGT_none && env->flush)
        env->flush(env->ctx);               /* no stale translations across a type change */
    rc = validate(env, mfn, type, domid);
    if (rc) {
        __atomic_store_n(&pg->type_info, 0, __ATOMIC_RELEASE);
        return rc;
    }
    __atomic_fetch_or(&pg->type_info, VALIDATED, __ATOMIC_ACQ_REL);
    return 0;
}

void pt_put_page_type(const struct pt_env *env, uint64_t mfn)
{
    struct page_info *pg = &env->frames[mfn];
    uint32_t x = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
    uint32_t nx;

    for (;;) {
        if ((x & COUNT_MASK) == 0)
            return;                         /* our bug; pt_audit will report it */
        if ((x & COUNT_MASK) == 1 && pt_type_level(x) && (x & VALIDATED)) {
            /* Last reference of a table: enter the devalidating state, then release. */
            nx = x & ~VALIDATED;
            if (!cas32(&pg->type_info, &x, nx))
                continue;
            pt_table_devalidate(env, mfn, pt_type_level(x));
            __atomic_fetch_sub(&pg->type_info, 1, __ATOMIC_ACQ_REL);
            return;
        }
        if (cas32(&pg->type_info, &x, x - 1))
            return;
    }
}
