/*
 * The PV MMU's frame type and reference-count machine (Xen's page-type model).
 *
 * Every machine frame has an owner, a general reference count (count_info)
 * and a type with its own count (type_info).  A present page-table entry of a
 * validated table holds references on the frame it names:
 *
 *   L1 entry, read-only    1 general
 *   L1 entry, writable     1 general + 1 PGT_writable_page type
 *   L2/L3/L4 entry         1 general + 1 L1/L2/L3 type (the level below)
 *   pin (MMUEXT_PIN_Ln)    1 general + 1 Ln type, PGT_pinned set
 *   root (NEW_BASEPTR)     1 general + 1 L4 type
 *
 * A frame holds one type at a time; the type may change only while its type
 * count is 0.  Taking a page-table type 0 -> 1 validates all 512 entries
 * (taking their references, rolling back on failure); dropping it 1 -> 0
 * releases them again.  So no frame is ever both writable-mapped and a table.
 *
 * Pure: no allocation, no locks, no globals.  The caller describes the
 * machine in struct pt_env and serialises updates of one table (Xen's page
 * lock; a per-domain MMU lock is enough).  Counts change with atomic
 * compare-exchange loops, so concurrent users of different tables are safe.
 * docs/pv-mmu.md has the rules, the error codes and how this is tested.
 */
#ifndef HV_PT_TYPES_H
#define HV_PT_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/mm.h>

/* type_info bit 26: the table's entries have been checked (ours, as in Xen). */
#define PGT_validated       (1UL << 26)

/* Page-table entry bits: asm/pt_bits.h (shared with the boot assembly). */
#include <asm/pt_bits.h>

#define PT_ENTRIES      512
#define PT_ROOT_NONE    0                  /* "no root" (frame 0 is never a guest root) */
#define PT_DOMID_FIRST_RESERVED 0x7ff0     /* DOMID_SELF and up: never a frame owner */

/*
 * Two owners (Xen's get_page_from_l1e(l1e, l1e_owner, pg_owner)): an update
 * names the owner of the table it writes (pt_owner) and the owner the frame
 * a new L1 entry names must have (pg_owner). Usually they are the same
 * domain; mmu_update's foreign domain id makes them differ:
 *   - another domain id: its frames, mapped by a privileged table owner
 *     (env->foreign_permitted); counts are taken on (and dropped from) the
 *     frame, i.e. charged to its real owner, exactly as for its own tables;
 *   - PT_PG_OWNER_XEN (DOMID_XEN): frames the hypervisor shares read-only
 *     (env->shared_ro_permitted);
 *   - PT_PG_OWNER_IO (DOMID_IO): I/O frames, judged by the table owner's
 *     I/O permission.
 * L2-L4 entries always name frames of the table's owner. Validation of a
 * whole table (pin, root, an upper entry) uses its owner for both, so a
 * foreign entry only ever enters an L1 that is already in use.
 */
#define PT_PG_OWNER_XEN OWNER_HV
#define PT_PG_OWNER_IO  OWNER_NONE

/* Is `owner` a domain id (not the hypervisor, I/O or a free frame)? */
static inline bool pt_owner_is_domain(uint16_t owner)
{
    return owner < PT_DOMID_FIRST_RESERVED;
}

static inline uint64_t pt_entry_mfn(uint64_t e) { return (e & PT_ADDR_MASK) >> 12; }

/* Is slot `index` of an L4 one of the hypervisor's (256-271), not the guest's? */
static inline bool pt_l4_slot_is_hv(unsigned int index)
{
    return index >= HV_SLOT_FIRST && index <= HV_SLOT_LAST;
}

/* The machine the type system runs on. Callbacks marked optional may be NULL. */
struct pt_env {
    struct page_info *frames;           /* frame table, index = mfn */
    uint64_t nr_frames;
    uint64_t *(*table)(void *ctx, uint64_t mfn);    /* 512-entry view of a frame */
    void *ctx;
    /* All frames viewed at once (frame mfn at direct + 512 * mfn), the same views
       `table` gives: what pt_walk reads (hot paths: no indirect call). Needed by pt_walk. */
    uint64_t *direct;
    /* Optional: flush all TLBs; called when a frame changes from one type to another
       (stale writable translations must not survive into a page table). */
    void (*flush)(void *ctx);
    /* Optional: one pause of a CPU whose writable-type request waits for another CPU's
       writable claim of the frame to finish its TLB flush, which may wait for this
       CPU's flush. NULL: no waiting, such a request is -XEN_ERESTART. */
    void (*relax)(void *ctx);
    /* Optional: write the hypervisor's slots 256..271 into an L4 that was just validated. */
    void (*init_l4_hv_slots)(void *ctx, uint64_t *l4);
    /* Optional: may `domid` map `mfn`, which is outside the frame table or owned by
       OWNER_NONE (MMIO, firmware)? Such mappings take no references. NULL: never. */
    bool (*iomem_permitted)(void *ctx, uint16_t domid, uint64_t mfn);
    /* Optional: may a table of `domid`, in an update naming PT_PG_OWNER_XEN, map
       hypervisor frame `mfn` read-only (Xen shares the M2P with privileged
       domains)? Such mappings take no references. NULL: never. */
    bool (*shared_ro_permitted)(void *ctx, uint16_t domid, uint64_t mfn);
    /* Optional: may a table of `pt_owner` map frames of domain `pg_owner`
       (Xen: the control domain maps any domain's frames)? NULL: never. */
    bool (*foreign_permitted)(void *ctx, uint16_t pt_owner, uint16_t pg_owner);
    /* Optional: is I/O frame `mfn` one that is only ever mapped read-only (Xen's
       mmio_ro_ranges)? A writable request for it is stored without RW. NULL: none. */
    bool (*iomem_readonly)(void *ctx, uint64_t mfn);
    /* Optional: may `domid` set PWT/PCD/PAT in L1 entries (Xen: cache-flush
       permission, i.e. some I/O privilege)? NULL: never. */
    bool (*cache_attrs_permitted)(void *ctx, uint16_t domid);
    /* Optional: check a frame's 512 descriptors before it becomes PGT_seg_desc_page.
       0 or a negative errno. NULL: segment-descriptor type is refused. */
    int (*validate_segdesc)(void *ctx, uint64_t mfn);
    /* Optional: the last general reference of a released frame (pt_release_frame)
       was just dropped: nobody can reference it again, the callee frees it. Called
       from whichever CPU dropped it, holding whatever locks that path holds. */
    void (*last_ref)(void *ctx, uint64_t mfn);
    /* Optional: told why a request was refused (mfn concerned, fixed text), for the trace.
       A rule tried first may explain and then be overridden by a later one (the linear
       self-reference), so keep the last text and print it only if the operation failed. */
    void (*explain)(void *ctx, uint64_t mfn, const char *why);
};

/*
 * Take a general reference on `mfn` for `domid`, which must own it.
 * 0, or -XEN_EINVAL (out of range, not domid's, count overflow).
 */
int pt_get_page(const struct pt_env *env, uint64_t mfn, uint16_t domid);

/* Drop a general reference taken with pt_get_page (or by an entry, pin or root). */
void pt_put_page(const struct pt_env *env, uint64_t mfn);

/*
 * Its owner lets frame `mfn` go (Xen: the PGC_allocated reference dropped):
 * PGC_released is set in the compare-exchange that reads the count, so that
 * the release and a reference taken by another CPU (a foreign mapping, a
 * grant map: under other locks than the owner's page lock) cannot both win.
 *  - PT_RELEASE_NOW: it was unreferenced; no reference can be taken any
 *    more, the caller frees it (or gives it back, pt_unrelease_frame);
 *  - PT_RELEASE_LATER: it is referenced; the drop of its last reference
 *    calls env->last_ref, which frees it. With `awaited` (the owner's
 *    destruction) PGC_awaited is set as well, also on a frame released
 *    before, so that its destruction counts it;
 *  - PT_RELEASE_BUSY: released before (and, for `awaited`, unreferenced or
 *    awaited already): someone else frees it; nothing changed.
 * A general count of 0 means no type reference and no pin (each holds one).
 */
enum pt_release { PT_RELEASE_NOW, PT_RELEASE_LATER, PT_RELEASE_BUSY };
enum pt_release pt_release_frame(const struct pt_env *env, uint64_t mfn, bool awaited);

/* The same, only if it is unreferenced and not released (else nothing changes): PT_RELEASE_NOW. */
bool pt_release_unreferenced(const struct pt_env *env, uint64_t mfn);

/* Undo a PT_RELEASE_NOW: the frame is its owner's again, unreferenced. */
void pt_unrelease_frame(const struct pt_env *env, uint64_t mfn);

/*
 * Take a type reference of `type` (PGT_l1..l4_page_table, PGT_writable_page,
 * PGT_seg_desc_page) on a frame `domid` owns; the caller holds a general
 * reference.  0 -> 1 of a table type validates the table.  0, -XEN_EINVAL
 * (wrong type in use, overflow, not validatable), the validation's error
 * (-XEN_EBUSY, -XEN_EPERM, -XEN_EACCES for a bad entry), or -XEN_ERESTART
 * when another CPU is (de)validating the frame right now.
 */
int pt_get_page_type(const struct pt_env *env, uint64_t mfn, uint32_t type, uint16_t domid);

/* Drop a type reference; the last reference of a table type devalidates it. */
void pt_put_page_type(const struct pt_env *env, uint64_t mfn);

/*
 * MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_PRESERVE_AD of entry `index` of frame
 * `table_mfn` owned by `pt_owner`; a new L1 entry names a frame of
 * `pg_owner` (see "Two owners" above; pass pt_owner twice for the usual
 * case).  A validated L1-L4 table gets a validated update (new references
 * taken, entry written with Xen's adjustments, old references dropped); any
 * other frame that can take the writable type gets a plain write.  0,
 * -XEN_EINVAL (bad frame or index, bad flags, hypervisor L4 slot, wrong type,
 * a foreign owner named for an L2-L4 table), -XEN_EBUSY / -XEN_EPERM /
 * -XEN_EACCES (L1 target refused, a foreign frame without privilege: -EBUSY).
 */
int pt_update_entry(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner,
                    uint64_t table_mfn, unsigned int index, uint64_t new_entry, bool preserve_ad);

/*
 * Grant host mappings (the x86 hooks create/replace_grant_host_mapping):
 * entries with PT_GNTTAB, whose references the grant table's map-track
 * holds, in entry `index` of `table_mfn`, an L1 table in use of
 * `pt_owner`, written by compare-exchange like every update.
 *  - pt_grant_map: store `gnt_entry` (present, PT_GNTTAB) unless the slot
 *    holds a grant mapping already; the replaced entry's references go.
 *  - pt_grant_unmap: the slot must hold a grant mapping of `frame`; it
 *    becomes `new_entry` (0, or an entry from pt_take_entry, whose
 *    references move with it).
 *  - pt_take_entry: clear a slot that holds no grant mapping; its old
 *    value, references included, is the caller's (*old).
 * 0, -XEN_EINVAL (not an L1 in use of pt_owner, bad index, the entry is
 * not what the operation needs), -XEN_EBUSY (changed under the exchange:
 * updates of the table were not serialised).
 */
int pt_grant_map(const struct pt_env *env, uint16_t pt_owner, uint64_t table_mfn,
                 unsigned int index, uint64_t gnt_entry);
int pt_grant_unmap(const struct pt_env *env, uint16_t pt_owner, uint64_t table_mfn,
                   unsigned int index, uint64_t frame, uint64_t new_entry);
int pt_take_entry(const struct pt_env *env, uint16_t pt_owner, uint64_t table_mfn,
                  unsigned int index, uint64_t *old);

/*
 * MMUEXT_PIN_L<level>_TABLE: validate as a level-`level` table and hold a pin.
 * 0, -XEN_EINVAL (bad level or frame, already pinned, wrong type), or the
 * validation's error.
 */
int pt_pin(const struct pt_env *env, uint16_t domid, uint64_t mfn, unsigned int level);

/* MMUEXT_UNPIN_TABLE. 0, or -XEN_EINVAL (not domid's frame, not pinned). */
int pt_unpin(const struct pt_env *env, uint16_t domid, uint64_t mfn);

/*
 * NEW_BASEPTR / NEW_USER_BASEPTR: take a root reference (general + L4 type,
 * validating) on `new_mfn`, then drop the one held on `old_mfn`.  Either may
 * be PT_ROOT_NONE.  0, or the error of taking the new one (nothing changed).
 */
int pt_switch_root(const struct pt_env *env, uint16_t domid, uint64_t old_mfn,
                   uint64_t new_mfn);

/*
 * Builder support: after a domain builder wrote a tree of tables under
 * `l4_mfn` (type_info of all its frames left 0), pin the L4 as the guest
 * would, taking every reference of the tree.  The root reference for the
 * vCPU is separate: pt_switch_root(env, d, PT_ROOT_NONE, l4_mfn).
 * 0, -XEN_EINVAL (L4 already typed), or the validation's error.
 */
int pt_adopt_l4(const struct pt_env *env, uint16_t domid, uint64_t l4_mfn);

/*
 * One walk of `va` from the L4 `root`: for each level n (4..1) reached,
 * table[n] is the frame of the level-n table, index[n] the slot for `va`
 * and entry[n] the entry read there; `level` is the lowest level whose
 * entry was read (5: none, the root is outside the frame table). The walk
 * follows present, non-PSE entries naming frames of the frame table (the
 * validator never lets a PV domain have a superpage, so such an entry is
 * no table to descend into). True when it read the L1 entry (present or
 * not). It writes nothing and takes no reference: the caller holds what
 * keeps the tables alive (a vCPU's root) and serialises with updates as for
 * any read. update_va_mapping, the writable-page-table fault, grant
 * mappings by address and the shadow fill all walk with it. Inline: the
 * callers are hot paths and use a few of the fields.
 */
struct pt_walk {
    uint64_t table[5];
    unsigned int index[5];
    uint64_t entry[5];
    unsigned int level;
};

static inline bool pt_walk(const struct pt_env *env, uint64_t root, uint64_t va,
                           struct pt_walk *w)
{
    const uint64_t nr_frames = env->nr_frames;
    const uint64_t *direct = env->direct;
    uint64_t table = root;

    w->level = 5;                           /* nothing read yet */
#pragma GCC unroll 4
    for (unsigned int level = 4; level >= 1; level--) {
        unsigned int i = (unsigned int)(va >> (3 + 9 * level)) & (PT_ENTRIES - 1);
        const uint64_t *t;
        uint64_t e;

        if (table >= nr_frames)
            return false;                   /* the entry above names no frame we know */
        t = direct + table * PT_ENTRIES;
        e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);      /* a snapshot, as any read */
        w->table[level] = table;
        w->index[level] = i;
        w->entry[level] = e;
        w->level = level;
        if (level > 1 && (!(e & PT_PRESENT) || (e & PT_PSE)))
            return false;
        table = pt_entry_mfn(e);
    }
    return true;
}

/* No references, no type, no pin (a snapshot: pt_release_frame is the atomic claim). */
bool pt_frame_is_free_to_release(const struct pt_env *env, uint64_t mfn);

/*
 * Audit `domid`: recount every reference the tables that exist hold (validated
 * tables, pins, the `nr_roots` roots; PT_ROOT_NONE entries are skipped; the
 * foreign L1 entries of other owners' tables that name its frames) and
 * compare with the frame table.  Each mismatch or forbidden entry is reported
 * through `report`.  `scratch` must hold nr_frames words (clobbered).
 * Returns the number of reports.  References taken outside this machine
 * (grant maps, registered vcpu_info) are not known to it and show as
 * mismatches: pt_audit_held, below, counts them.
 */
int pt_audit(const struct pt_env *env, uint16_t domid, const uint64_t *roots,
             unsigned int nr_roots, uint64_t *scratch,
             void (*report)(void *rctx, uint64_t mfn, const char *what), void *rctx);

/*
 * The same audit in three steps, for a caller that knows the references
 * held outside the tables (grant mappings, registered vCPU areas, event
 * pages): pt_audit_begin recounts what the tables hold, pt_audit_held adds
 * one outside reference on a frame of the domain (general, plus one of
 * `type` unless 0; a frame of another owner is reported), pt_audit_end
 * compares and returns the number of reports. Nothing is taken or dropped,
 * so a frame its owner gave back that only such a reference holds stays.
 */
struct pt_audit {
    const struct pt_env *env;
    uint16_t domid;
    uint64_t *x;                        /* the expected counts, one word per frame */
    void (*report)(void *rctx, uint64_t mfn, const char *what);
    void *rctx;
    int nr;                             /* reports so far */
};
void pt_audit_begin(struct pt_audit *a, const struct pt_env *env, uint16_t domid,
                    const uint64_t *roots, unsigned int nr_roots, uint64_t *scratch,
                    void (*report)(void *rctx, uint64_t mfn, const char *what), void *rctx);
void pt_audit_held(struct pt_audit *a, uint64_t mfn, uint32_t type);
int pt_audit_end(struct pt_audit *a);

/* ---- shared by hv/arch/x86/lib/pt_*.c only --------------------------------------- */

/* The level (1-4) of a page-table type, or 0 for any other type. */
static inline unsigned int pt_type_level(uint32_t type_info)
{
    uint32_t t = type_info & (uint32_t)PGT_type_mask;
    return t >= PGT_l1_page_table && t <= PGT_l4_page_table ? t >> 28 : 0;
}

/* Report a refusal through env->explain and return `rc`. */
static inline int pt_refuse(const struct pt_env *env, uint64_t mfn, const char *why, int rc)
{
    if (env->explain)
        env->explain(env->ctx, mfn, why);
    return rc;
}

/* Entry bits a domain may not set at `level` (1-4). */
uint64_t pt_disallowed_bits(const struct pt_env *env, uint16_t domid, unsigned int level);

/* Flags every level allows. */
#define PT_BASE_ALLOWED (PT_ADDR_MASK | PT_PRESENT | PT_RW | PT_USER | PT_ACCESSED | PT_DIRTY | \
                         PT_AVAIL | PT_AVAIL_HIGH | PT_NX)

/*
 * Does entry `e` carry a bit `domid` may not set at `level`? The same
 * answer as pt_disallowed_bits, but the cache-attribute permission is asked
 * only for an L1 entry that sets those bits (the per-entry hot path).
 */
static inline bool pt_entry_flags_bad(const struct pt_env *env, uint16_t domid,
                                      unsigned int level, uint64_t e)
{
    uint64_t bad = ~PT_BASE_ALLOWED;

    if (level != 1)
        return e & bad;
    bad = (bad | PT_GNTTAB) & ~PT_GLOBAL;
    if (!(e & bad))
        return false;
    if (e & bad & ~PT_CACHE_ATTRS)
        return true;
    return !(env->cache_attrs_permitted && env->cache_attrs_permitted(env->ctx, domid));
}
/* Xen's adjustments to a present entry as stored (USER, GUEST_KERNEL, GLOBAL). */
static inline uint64_t pt_adjust_entry(unsigned int level, uint64_t e)
{
    if (!(e & PT_PRESENT))
        return e;
    switch (level) {
    case 1:
        /* The guest kernel runs in ring 3: its pages need USER; remember they were its. */
        if (!(e & PT_USER))
            e |= PT_GUEST_KERNEL | PT_USER;
        /* User pages survive the kernel<->user root switch as global. */
        if (!(e & PT_GUEST_KERNEL))
            e |= PT_GLOBAL | PT_USER;
        return e;
    case 4:
        return e | PT_USER | PT_ACCESSED;
    default:
        return e | PT_USER;
    }
}

/* The cache-attribute bits Xen toggles in an L1 entry mapping an I/O frame. */
uint64_t pt_io_cache_flip(uint64_t e);
/* Take the references a present level-`level` entry of table `table_mfn` (of
   `pt_owner`, the frame of `pg_owner`) needs: 0, or a positive set of bits to
   toggle in the entry as stored (an I/O frame's cache attributes,
   pt_io_cache_flip, or RW of a read-only I/O frame), or -XEN_E*. */
int pt_entry_get_refs(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner,
                      unsigned int level, uint64_t table_mfn, uint64_t e);
/* Drop the references a (present) entry holds; non-present entries hold none. */
void pt_entry_put_refs(const struct pt_env *env, unsigned int level, uint64_t table_mfn,
                       uint64_t e);
/* Is `mfn` an I/O frame (outside the table or OWNER_NONE) for L1 purposes? */
bool pt_frame_is_io(const struct pt_env *env, uint64_t mfn);
/* Is `mfn` one of the hypervisor's own frames (OWNER_HV)? */
bool pt_frame_is_shared_hv(const struct pt_env *env, uint64_t mfn);
/* Validate all entries of a frame as a level-`level` table; nothing leaks on failure. */
int pt_table_validate(const struct pt_env *env, uint64_t mfn, unsigned int level,
                      uint16_t domid);
/* Release every reference a validated level-`level` table holds. */
void pt_table_devalidate(const struct pt_env *env, uint64_t mfn, unsigned int level);

#endif
