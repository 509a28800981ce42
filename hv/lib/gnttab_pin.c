/*
 * Pinning grant entries for their uses (see hv/gnttab_pin.h), Xen 4.17's
 * protocol: moved from common/grant_table.c, which reaches the machine
 * through struct gnttab_env.
 *
 * The grant entry lives in guest-writable memory: every read of it is a
 * snapshot. With version 1 the pin is one compare-exchange on its
 * flags/domid word, so the granter can never change an entry that is in use
 * without the pin failing; with version 2 the status bits live in a status
 * frame and the entry is read again after they are set.
 */
#include <hv/gnttab_pin.h>
#include <hv/gnttab_rules.h>
#include <xen/grant_table.h>

#define GNTTAB_PAGE_SIZE 4096

static void clear_status(uint16_t *st, uint16_t bits)
{
    if (bits)
        __atomic_and_fetch(st, (uint16_t)~bits, __ATOMIC_ACQ_REL);
}

/*
 * Set GTF_reading (and GTF_writing) for a new use of an entry, after
 * checking the entry allows it (gnttab_entry_check). Version 1: one
 * exchange on the flags/domid word, which the granter may race; like Xen,
 * give up after five failed tries. Version 2: set the bits in the status
 * word, then read the entry again, undoing them if it changed meanwhile.
 */
static int set_status(const struct gnttab_env *env, struct grant_table *gt, uint32_t ref,
                      uint32_t pin, uint16_t grantee, bool ro, bool map)
{
    uint32_t *w = env->entry(env->ctx, gt, ref), old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
    uint16_t bits = GTF_reading | (ro ? 0 : GTF_writing);
    bool v2 = gt->version == 2;
    int rc;

    for (unsigned int tries = 0; !v2; tries++) {
        rc = gnttab_entry_check((uint16_t)old, (uint16_t)(old >> 16), grantee, pin != 0, ro, map,
                                false);
        if (rc != GNTST_okay)
            return rc;
        if (__atomic_compare_exchange_n(w, &old, old | bits, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return GNTST_okay;
        if (tries == 4)
            return GNTST_general_error;
    }
    rc = gnttab_entry_check((uint16_t)old, (uint16_t)(old >> 16), grantee, pin != 0, ro, map, true);
    if (rc != GNTST_okay)
        return rc;
    __atomic_or_fetch(env->status(env->ctx, gt, ref), bits, __ATOMIC_SEQ_CST);
    old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    rc = gnttab_entry_check((uint16_t)old, (uint16_t)(old >> 16), grantee, pin != 0, ro, map, true);
    if (rc != GNTST_okay)
        clear_status(env->status(env->ctx, gt, ref), pin ? GTF_writing : GTF_reading | GTF_writing);
    return rc;
}

static void release(const struct gnttab_env *env, uint16_t granter, uint32_t ref, uint32_t incr,
                    bool ro);

/* Leave `held`'s grant lock for `next`'s (and back): never two at once. */
static void switch_lock(const struct gnttab_env *env, uint16_t held, uint16_t next)
{
    if (env->unlock)
        env->unlock(env->ctx, held);
    if (env->lock)
        env->lock(env->ctx, next);
}

/* Drop a second-level pin from under the first granter's lock. */
static void release_second(const struct gnttab_env *env, uint16_t granter, uint16_t tdom,
                           uint32_t tref, bool ro)
{
    switch_lock(env, granter, tdom);
    release(env, tdom, tref, ro ? GNTPIN_HSTR_INC : GNTPIN_HSTW_INC, ro);
    switch_lock(env, tdom, granter);
}

/* The frame entry ref names (v1: 32 bits; v2: full_page / sub_page, 64 bits), if the granter's. */
static int entry_frame(const struct gnttab_env *env, uint16_t granter, struct grant_table *gt,
                       uint32_t ref, struct grant_use *u, bool *sub)
{
    uint32_t *w = env->entry(env->ctx, gt, ref);
    uint64_t f;

    *sub = false;
    u->start = 0;
    u->length = GNTTAB_PAGE_SIZE;
    if (gt->version == 1) {
        f = ((struct grant_entry_v1 *)w)->frame;
    } else {
        union grant_entry_v2 *e = (union grant_entry_v2 *)w;
        f = __atomic_load_n(&e->full_page.frame, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&e->hdr.flags, __ATOMIC_ACQUIRE) & GTF_sub_page) {
            *sub = true;
            u->start = __atomic_load_n(&e->sub_page.page_off, __ATOMIC_ACQUIRE);
            u->length = __atomic_load_n(&e->sub_page.length, __ATOMIC_ACQUIRE);
        }
    }
    if (!env->frame_ok(env->ctx, granter, f))
        return GNTST_bad_page;
    u->frame = f;
    return GNTST_okay;
}

/*
 * A transitive v2 entry (copies only): the frame is pinned in the domain
 * the entry names, through its entry trans_ref, with this granter as the
 * grantee (one level only, never back to itself).
 */
static int acquire_transitive(const struct gnttab_env *env, uint16_t granter,
                              struct grant_table *gt, uint32_t ref, bool ro, bool allow,
                              struct grant_use *u, uint16_t *tdom, uint32_t *tref);

#define TRANSITIVE_TRIES 5          /* first entry changed while its lock was dropped */

/* Does transitive entry ref still name (tdom, tref)? */
static bool same_transitive(const struct gnttab_env *env, struct grant_table *gt, uint32_t ref,
                            uint16_t tdom, uint32_t tref)
{
    union grant_entry_v2 *e = (union grant_entry_v2 *)env->entry(env->ctx, gt, ref);

    return (__atomic_load_n(&e->hdr.flags, __ATOMIC_ACQUIRE) & GTF_type_mask) == GTF_transitive &&
           __atomic_load_n(&e->transitive.trans_domid, __ATOMIC_ACQUIRE) == tdom &&
           __atomic_load_n(&e->transitive.gref, __ATOMIC_ACQUIRE) == tref;
}

/*
 * Take a use (`incr`, see hv/gnttab_rules.h) of entry `ref` of `granter`
 * for `grantee` (Xen's map_grant_ref / acquire_grant_for_copy pinning):
 * the first use checks the entry and pins what it names; later ones check
 * the grantee, the counters and, for a first writer, GTF_readonly. `map`:
 * for a mapping (full pages only); `allow_trans`: a transitive entry may be
 * followed. GNTST_okay and what the use reaches, or a GNTST_* error with
 * nothing changed.
 */
int gnttab_acquire(const struct gnttab_env *env, uint16_t granter, uint32_t ref, uint16_t grantee,
                   uint32_t incr, bool ro, bool map, bool allow_trans, struct grant_use *u)
{
    unsigned int tries = 0;
    struct grant_table *gt;
    struct active_grant *act;
    uint16_t *st;
    int rc;

again:
    gt = env->table(env->ctx, granter, true);
    act = gnttab_active(gt, ref);
    st = env->status(env->ctx, gt, ref);
    if (act->pin && (act->domid != grantee || gnttab_pin_would_overflow(act->pin, incr) ||
                     (map && act->sub_page)))
        return GNTST_general_error;
    if (gt->version == 2 && !map &&
        ((uint16_t)*env->entry(env->ctx, gt, ref) & GTF_type_mask) == GTF_transitive) {
        uint32_t pin = act->pin;
        uint16_t tdom;
        uint32_t tref;
        if (gnttab_pin_needs_status(pin, ro) &&
            (rc = set_status(env, gt, ref, pin, grantee, ro, false)) != GNTST_okay)
            return rc;
        rc = acquire_transitive(env, granter, gt, ref, ro, allow_trans, u, &tdom, &tref);
        /*
         * Our lock may have been dropped meanwhile: the table may have
         * changed version (its active and status arrays with it) and
         * another CPU may have pinned or unpinned the entry. Unless all is
         * as it was, the second pin goes and we start again (Xen's check).
         */
        if (gt->version != 2 || !gnttab_ref_valid(gt, ref)) {
            if (rc == GNTST_okay)
                release_second(env, granter, tdom, tref, ro);
            return GNTST_general_error;         /* no status of ours left to clear */
        }
        act = gnttab_active(gt, ref);
        st = env->status(env->ctx, gt, ref);
        if (rc == GNTST_okay && (act->pin != pin || !same_transitive(env, gt, ref, tdom, tref))) {
            release_second(env, granter, tdom, tref, ro);
            clear_status(st, gnttab_status_to_clear(act->pin, ro));
            if (++tries < TRANSITIVE_TRIES)
                goto again;
            return GNTST_general_error;
        }
        /* A use that came and went meanwhile cleared our bits: set them again (checked). */
        if (rc == GNTST_okay && gnttab_pin_needs_status(pin, ro) &&
            (rc = set_status(env, gt, ref, pin, grantee, ro, false)) != GNTST_okay) {
            release_second(env, granter, tdom, tref, ro);
            return rc;
        }
        if (rc == GNTST_okay && act->pin &&
            (act->frame != u->frame || act->trans_domid != tdom || act->trans_ref != tref)) {
            release_second(env, granter, tdom, tref, ro);
            rc = GNTST_general_error;
        }
        if (rc != GNTST_okay) {
            clear_status(st, gnttab_status_to_clear(act->pin, ro));
            return rc;
        }
        if (!act->pin)
            *act = (struct active_grant){ .domid = grantee, .sub_page = true, .start = u->start,
                                          .length = u->length, .trans_domid = tdom,
                                          .trans_ref = tref, .frame = u->frame };
    } else if (gnttab_pin_needs_status(act->pin, ro)) {
        bool sub;
        if ((rc = set_status(env, gt, ref, act->pin, grantee, ro, map)) != GNTST_okay)
            return rc;
        rc = entry_frame(env, granter, gt, ref, u, &sub);
        if (rc == GNTST_okay && act->pin &&
            (act->frame != u->frame || act->trans_domid != granter ||
             (act->sub_page && (!sub || act->start != u->start || act->length != u->length))))
            rc = GNTST_general_error;
        if (rc != GNTST_okay) {
            clear_status(st, gnttab_status_to_clear(act->pin, ro));
            return rc;
        }
        if (!act->pin)
            *act = (struct active_grant){ .domid = grantee, .sub_page = sub, .start = u->start,
                                          .length = u->length, .trans_domid = granter,
                                          .trans_ref = ref, .frame = u->frame };
    } else if (act->trans_domid != granter) {
        return GNTST_bad_domain;                /* pinned through a transitive entry it no longer is */
    }
    act->pin += incr;
    *u = (struct grant_use){ .frame = act->frame, .start = act->start, .length = act->length };
    return GNTST_okay;
}

static int acquire_transitive(const struct gnttab_env *env, uint16_t granter,
                              struct grant_table *gt, uint32_t ref, bool ro, bool allow,
                              struct grant_use *u, uint16_t *tdom, uint32_t *tref)
{
    union grant_entry_v2 *e = (union grant_entry_v2 *)env->entry(env->ctx, gt, ref);
    struct grant_table *tgt;
    int rc;

    *tdom = granter;                            /* nothing pinned there yet */
    *tref = ref;
    if (!allow)
        return GNTST_general_error;
    /* Read once: the granter may change its entry under us. */
    *tdom = __atomic_load_n(&e->transitive.trans_domid, __ATOMIC_ACQUIRE);
    *tref = __atomic_load_n(&e->transitive.gref, __ATOMIC_ACQUIRE);
    if (*tdom == granter || !env->table(env->ctx, *tdom, false))
        return GNTST_general_error;
    /* The next domain's table under its own lock, ours dropped (it ranks the same). */
    switch_lock(env, granter, *tdom);
    if (!(tgt = env->table(env->ctx, *tdom, false)))
        rc = GNTST_general_error;
    else if (!gnttab_ref_valid(tgt, *tref))
        rc = GNTST_bad_gntref;
    else
        rc = gnttab_acquire(env, *tdom, *tref, granter, ro ? GNTPIN_HSTR_INC : GNTPIN_HSTW_INC,
                            ro, false, false, u);
    switch_lock(env, *tdom, granter);
    if (rc != GNTST_okay)
        *tdom = granter;                        /* nothing pinned there */
    return rc;
}

/* Drop a use taken by acquire; the status bits follow what is left; a transitive pin goes too. */
static void release(const struct gnttab_env *env, uint16_t granter, uint32_t ref, uint32_t incr,
                    bool ro)
{
    struct grant_table *gt = env->table(env->ctx, granter, true);
    struct active_grant *act;
    uint16_t tdom;
    uint32_t tref;

    if (!gt)
        return;                                 /* the transitive target is gone */
    act = gnttab_active(gt, ref);
    tdom = act->trans_domid;
    tref = act->trans_ref;
    act->pin -= incr;
    /* A table switched to another version meanwhile has fewer entries: only reserved ones stay. */
    if (gnttab_ref_valid(gt, ref))
        clear_status(env->status(env->ctx, gt, ref), gnttab_status_to_clear(act->pin, ro));
    if (tdom != granter)
        release_second(env, granter, tdom, tref, ro);
}

void gnttab_release(const struct gnttab_env *env, uint16_t granter, uint32_t ref, uint32_t incr,
                    bool ro)
{
    release(env, granter, ref, incr, ro);
}

