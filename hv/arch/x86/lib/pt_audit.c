/*
 * Audit one domain's counts against the references that really exist.
 *
 * The tables that exist are the domain's frames holding a validated table
 * type; with the pins (PGT_pinned), the roots the caller names and the L1
 * tables of other owners that map its frames (foreign entries, see "Two
 * owners" in asm/pt_types.h), they are every holder of a reference (no
 * cycles: each level only names the one below, and the linear
 * self-reference holds nothing), together with the references the caller
 * names as held outside the tables (pt_audit_held).  Expected counts are
 * accumulated per frame in the caller's scratch words, packed as
 *   bits 0-31 general count, 32-57 type count, 58-60 type (type >> 28),
 *   bit 61 "already reported as referenced with two types".
 */
#include <asm/pt_types.h>

#define X_GENERAL(w)  ((w) & 0xffffffffUL)
#define X_TCOUNT(w)   (((w) >> 32) & PGT_count_mask)
#define X_TYPE(w)     ((uint32_t)(((w) >> 58) & 7) << 28)
#define X_CONFLICT    (1UL << 61)

static void complain(struct pt_audit *a, uint64_t mfn, const char *what)
{
    a->nr++;
    if (a->report)
        a->report(a->rctx, mfn, what);
}

/* Count one reference to `mfn`: general only (type 0) or general + `type`. */
static void expect(struct pt_audit *a, uint64_t mfn, uint32_t type)
{
    uint64_t w = a->x[mfn] + 1;

    if (type) {
        if (X_TCOUNT(w) && X_TYPE(w) != type && !(w & X_CONFLICT)) {
            complain(a, mfn, "frame referenced with two types");
            w |= X_CONFLICT;
        }
        w = (w & ~(7UL << 58)) | ((uint64_t)(type >> 28) << 58);
        w += 1UL << 32;
    }
    a->x[mfn] = w;
}

static bool owned(const struct pt_audit *a, uint64_t mfn)
{
    return mfn < a->env->nr_frames && a->env->frames[mfn].owner == a->domid;
}

/* May the domain's L1 tables hold an entry naming `mfn`, a frame of another domain? */
static bool foreign_ok(const struct pt_audit *a, uint64_t mfn)
{
    const struct pt_env *env = a->env;
    uint16_t owner;

    if (mfn >= env->nr_frames)
        return false;
    owner = env->frames[mfn].owner;
    return pt_owner_is_domain(owner) && owner != a->domid && env->foreign_permitted &&
           env->foreign_permitted(env->ctx, a->domid, owner);
}

static void audit_entry(struct pt_audit *a, uint64_t table, unsigned int level, uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e);

    if (level == 1 && (e & PT_GNTTAB))
        return;                         /* a grant mapping: counted by the grant table */
    if (level == 1 && pt_frame_is_io(a->env, mfn)) {
        const struct pt_env *env = a->env;
        if (!env->iomem_permitted || !env->iomem_permitted(env->ctx, a->domid, mfn))
            complain(a, table, "l1e maps I/O frame without permission");
        /* The cache attributes may be ours (pt_io_cache_flip). */
        else if (e & pt_disallowed_bits(a->env, a->domid, level) & ~PT_CACHE_ATTRS)
            complain(a, table, "entry has forbidden flags");
        return;
    }
    if (e & pt_disallowed_bits(a->env, a->domid, level))
        complain(a, table, "entry has forbidden flags");
    if (level == 1) {
        if (pt_frame_is_shared_hv(a->env, mfn)) {
            const struct pt_env *env = a->env;
            if ((e & PT_RW) || !env->shared_ro_permitted ||
                !env->shared_ro_permitted(env->ctx, a->domid, mfn))
                complain(a, table, "l1e maps a hypervisor frame");
            return;
        }
        if (owned(a, mfn))
            expect(a, mfn, (e & PT_RW) ? (uint32_t)PGT_writable_page : 0);
        else if (!foreign_ok(a, mfn))
            complain(a, mfn, "entry maps a frame of another owner");
        return;                         /* a foreign frame: counted in its owner's audit */
    }
    if (mfn == table) {
        if (e & PT_RW)
            complain(a, table, "writable linear page-table entry");
        return;
    }
    if (!owned(a, mfn))
        complain(a, mfn, "entry maps a frame of another owner");
    else
        expect(a, mfn, pgt_for_level((int)level - 1));
}

static void audit_table(struct pt_audit *a, uint64_t mfn, unsigned int level)
{
    const uint64_t *t = a->env->table(a->env->ctx, mfn);

    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        if ((level != 4 || !pt_l4_slot_is_hv(i)) && (t[i] & PT_PRESENT))
            audit_entry(a, mfn, level, t[i]);
}

/* An L1 of another owner: the references its entries hold on the domain's frames. */
static void audit_foreign_l1(struct pt_audit *a, uint64_t mfn)
{
    const uint64_t *t = a->env->table(a->env->ctx, mfn);

    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        uint64_t e = t[i], f = pt_entry_mfn(e);

        if ((e & PT_PRESENT) && !(e & PT_GNTTAB) && owned(a, f))
            expect(a, f, (e & PT_RW) ? (uint32_t)PGT_writable_page : 0);
    }
}

static void compare(struct pt_audit *a, uint64_t mfn)
{
    const struct page_info *pg = &a->env->frames[mfn];
    uint64_t w = a->x[mfn];
    uint32_t count = pg->type_info & PGT_count_mask;

    if ((pg->count_info & PGC_count_mask) != X_GENERAL(w))
        complain(a, mfn, "general count differs from the references");
    if (count != X_TCOUNT(w))
        complain(a, mfn, "type count differs from the references");
    else if (count && (pg->type_info & PGT_type_mask) != X_TYPE(w))
        complain(a, mfn, "type differs from how the frame is referenced");
    if (count && !(pg->type_info & PGT_validated))
        complain(a, mfn, "frame in use but not validated");
    if ((pg->type_info & PGT_validated) && pt_type_level(pg->type_info) && !count)
        complain(a, mfn, "unused table still marked validated");
}

void pt_audit_begin(struct pt_audit *a, const struct pt_env *env, uint16_t domid,
                    const uint64_t *roots, unsigned int nr_roots, uint64_t *scratch,
                    void (*report)(void *rctx, uint64_t mfn, const char *what), void *rctx)
{
    uint64_t mfn;

    *a = (struct pt_audit){ env, domid, scratch, report, rctx, 0 };
    for (mfn = 0; mfn < env->nr_frames; mfn++)
        scratch[mfn] = 0;
    for (unsigned int r = 0; r < nr_roots; r++) {
        if (roots[r] == PT_ROOT_NONE)
            continue;
        if (!owned(a, roots[r]))
            complain(a, roots[r], "root is not a frame of the domain");
        else
            expect(a, roots[r], (uint32_t)PGT_l4_page_table);
    }
    for (mfn = 0; mfn < env->nr_frames; mfn++) {
        const struct page_info *pg = &env->frames[mfn];
        unsigned int level = pt_type_level(pg->type_info);
        bool live = level && (pg->type_info & PGT_count_mask) && (pg->type_info & PGT_validated);

        if (pg->owner != domid) {
            if (live && level == 1)
                audit_foreign_l1(a, mfn);
            continue;
        }
        if (pg->type_info & PGT_pinned) {
            if (!live)
                complain(a, mfn, "pinned frame is not a validated table");
            expect(a, mfn, pg->type_info & (uint32_t)PGT_type_mask);
        }
        if (live)
            audit_table(a, mfn, level);
    }
}

void pt_audit_held(struct pt_audit *a, uint64_t mfn, uint32_t type)
{
    if (!owned(a, mfn))
        complain(a, mfn, "reference held outside the tables on a frame of another owner");
    else
        expect(a, mfn, type);
}

int pt_audit_end(struct pt_audit *a)
{
    for (uint64_t mfn = 0; mfn < a->env->nr_frames; mfn++)
        if (a->env->frames[mfn].owner == a->domid)
            compare(a, mfn);
    return a->nr;
}

int pt_audit(const struct pt_env *env, uint16_t domid, const uint64_t *roots,
             unsigned int nr_roots, uint64_t *scratch,
             void (*report)(void *rctx, uint64_t mfn, const char *what), void *rctx)
{
    struct pt_audit a;

    pt_audit_begin(&a, env, domid, roots, nr_roots, scratch, report, rctx);
    return pt_audit_end(&a);
}
