/*
 * Pinning grant entries: the state machine of a grant's uses as pure logic
 * over an environment, like the frame-type machine's struct pt_env
 * (hv/lib/gnttab_pin.c; driven by common/grant_table.c and by the host unit
 * tests, tests/unit/test_gnttab_pin.c).
 *
 * A use of entry `ref` of a granter's table (a mapping's host or device
 * part, or a copy while it runs) is taken with gnttab_acquire and dropped
 * with gnttab_release. The first use checks the entry (permit_access for
 * this grantee, GTF_readonly against a writable use; v2: sub-page and
 * transitive entries for copies only), sets GTF_reading (and GTF_writing)
 * in the entry (v1, one compare-exchange the granter may race) or in its
 * status word (v2, then the entry is read again), and records the frame in
 * the active entry; later uses only count (hv/gnttab_rules.h's pin word),
 * a first writable one setting GTF_writing. The last use clears the bits,
 * after which the granter may end access. A transitive v2 entry pins the
 * entry it names in the next domain's table too (one level), under that
 * domain's lock (env->lock); if the first entry's use changed while its
 * lock was dropped for that, the second pin goes again and the acquire
 * starts over (Xen's caller retries on ERESTART).
 * Answers are Xen's GNTST_* codes; nothing changes on a refusal.
 */
#ifndef HV_GNTTAB_PIN_H
#define HV_GNTTAB_PIN_H
#include <stdbool.h>
#include <stdint.h>
#include <hv/grant_table.h>

/* The machine grant tables live on. */
struct gnttab_env {
    void *ctx;
    /* The table of domain `dom`: of a live domain, or (any) of a dying one too
       (releasing what a use holds); NULL if there is none. */
    struct grant_table *(*table)(void *ctx, uint16_t dom, bool any);
    /* Entry ref's flags/domid word (v1: the 8-byte entry; v2: the 16-byte one). */
    uint32_t *(*entry)(void *ctx, const struct grant_table *gt, uint32_t ref);
    /* Where GTF_reading/GTF_writing of ref live: its flags (v1) or its status word (v2). */
    uint16_t *(*status)(void *ctx, const struct grant_table *gt, uint32_t ref);
    /* May `granter` grant `frame` (a frame it owns, not its shared_info page)? */
    bool (*frame_ok)(void *ctx, uint16_t granter, uint64_t frame);
    /*
     * Optional: take / drop domain `dom`'s grant lock. The caller holds the
     * granter's around gnttab_acquire and gnttab_release; a transitive
     * entry's second level is pinned and unpinned under the next domain's
     * lock alone: the machine drops the granter's first and takes it back
     * after (Xen's order: never two grant locks at once, so the caller may
     * hold nothing else then). NULL: one lock covers every table.
     */
    void (*lock)(void *ctx, uint16_t dom);
    void (*unlock)(void *ctx, uint16_t dom);
};

/* What a use of a grant reaches: a frame and the byte range of it. */
struct grant_use {
    uint64_t frame;
    uint16_t start, length;
};

static inline bool gnttab_ref_valid(const struct grant_table *gt, uint32_t ref)
{
    return ref < gnttab_nr_entries(gt);
}

/*
 * Take a use (`incr`: GNTPIN_*_INC, see hv/gnttab_rules.h) of entry `ref`
 * (valid) of `granter` for `grantee`: `ro` a read-only use, `map` a mapping
 * (full pages only), `allow_trans` a transitive entry may be followed.
 * GNTST_okay and what the use reaches in *u, or a GNTST_* error with
 * nothing changed.
 */
int gnttab_acquire(const struct gnttab_env *env, uint16_t granter, uint32_t ref, uint16_t grantee,
                   uint32_t incr, bool ro, bool map, bool allow_trans, struct grant_use *u);
/* Drop a use taken by gnttab_acquire (granter live or dying). */
void gnttab_release(const struct gnttab_env *env, uint16_t granter, uint32_t ref, uint32_t incr,
                    bool ro);

#endif
