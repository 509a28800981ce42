/*
 * HYPERVISOR_grant_table_op: map, unmap, copy (table-wide operations in
 * grant_table_setup.c; see hv/grant_table.h).
 *
 * Pinning an entry for a use (its flags or status bits, the active entry's
 * pin counts, transitive entries) is the pure hv/lib/gnttab_pin.c, reached
 * through gnttab_env below and host-tested (tests/unit/test_gnttab_pin.c).
 * Version 2 adds sub-page grants and transitive grants (one level, to
 * another domain), both for copies only. The host PTE itself is the
 * architecture's to write (create/replace_grant_host_mapping). Each part
 * of a mapping (host PTE, device) holds a general
 * reference on the frame (and a writable type reference when writable),
 * taken under the granter's ownership, so the frame can neither become a
 * page table nor leave the granter while mapped; the active entry counts the
 * uses in Xen's four pin counters (hv/gnttab_rules.h).
 * Status codes are Xen's GNTST_*; the hypercall itself fails only for bad
 * pointers (-EFAULT) and unknown commands (-ENOSYS).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/grant_table.h>
#include <hv/gnttab_pin.h>
#include <hv/gnttab_rules.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xl/string.h>
#include <asm/pv_mmu.h>
#include <asm/shadow.h>

static bool ref_valid(struct domain *d, grant_ref_t ref)
{
    return gnttab_ref_valid(&d->grants, ref);
}

/* The machine hv/lib/gnttab_pin.c pins entries on: domains' tables, entries in their frames. */
static struct grant_table *env_table(void *ctx, uint16_t dom, bool any)
{
    struct domain *d = any ? domain_lookup_any(dom) : domain_lookup(dom);
    return d ? &d->grants : NULL;
}

static uint32_t *env_entry(void *ctx, const struct grant_table *gt, uint32_t ref)
{
    return gnttab_entry_hdr(gt, ref);
}

static uint16_t *env_status(void *ctx, const struct grant_table *gt, uint32_t ref)
{
    return gnttab_entry_status(gt, ref);
}

static bool env_frame_ok(void *ctx, uint16_t granter, uint64_t f)
{
    return mfn_valid(f) && mfn_to_page(f)->owner == granter &&
           !(mfn_to_page(f)->flags & PGF_SHARED_INFO);
}

/* A transitive entry's second level is pinned under the next domain's grant lock alone. */
static void env_lock(void *ctx, uint16_t dom)
{
    struct domain *d = domain_lookup_any(dom);

    if (d)
        spin_lock(&d->grants.lock);
}

static void env_unlock(void *ctx, uint16_t dom)
{
    struct domain *d = domain_lookup_any(dom);

    if (d)
        spin_unlock(&d->grants.lock);
}

static const struct gnttab_env gnttab_env = {
    .table = env_table, .entry = env_entry, .status = env_status, .frame_ok = env_frame_ok,
    .lock = env_lock, .unlock = env_unlock,
};

static int acquire(struct domain *granter, grant_ref_t ref, domid_t grantee, uint32_t incr,
                   bool ro, bool map, bool allow_trans, struct grant_use *u)
{
    return gnttab_acquire(&gnttab_env, granter->id, ref, grantee, incr, ro, map, allow_trans, u);
}

static void release(struct domain *granter, grant_ref_t ref, uint32_t incr, bool ro)
{
    gnttab_release(&gnttab_env, granter->id, ref, incr, ro);
}

/* References one mapping (host or device part) holds on the granted frame. */
static int frame_get(struct domain *granter, mfn_t f, bool readonly)
{
    if (pt_get_page(&pv_mmu_env, f, granter->id))
        return GNTST_general_error;
    if (!readonly && pt_get_page_type(&pv_mmu_env, f, PGT_writable_page, granter->id)) {
        pt_put_page(&pv_mmu_env, f);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

static void frame_put(mfn_t f, bool readonly)
{
    if (!readonly)
        pt_put_page_type(&pv_mmu_env, f);
    pt_put_page(&pv_mmu_env, f);
}

#define GNTMAP_KEPT (GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly | GNTMAP_contains_pte)

/*
 * GNTTABOP_map_grant_ref, Xen's order of checks: flags, granter, a free
 * handle, the ref, the entry (pin), the frame's references, then the host
 * PTE. A host mapping and a device mapping each hold their own references
 * and pin counts, so either can be undone alone.
 */
/*
 * The locks of a mapping or unmapping: both grant tables (the caller's
 * map-track, the granter's entries), then both domains' page locks (the
 * caller's page tables, the references on the granter's frame).
 */
static void lock_both(struct domain *d, struct domain *g)
{
    spin_lock_pair(&d->grants.lock, &g->grants.lock);
    spin_check_nested(&d->page_lock, &d->grants.lock);
    spin_lock_pair(&d->page_lock, &g->page_lock);
}

static void unlock_both(struct domain *d, struct domain *g)
{
    spin_unlock_pair(&d->page_lock, &g->page_lock);
    spin_unlock_pair(&d->grants.lock, &g->grants.lock);
}

static void map_locked(struct gnttab_map_grant_ref *op, struct domain *granter);

static void map_one(struct gnttab_map_grant_ref *op)
{
    struct domain *d = current->domain, *granter;

    if (!gnttab_pin_incr(op->flags)) {
        op->status = GNTST_bad_gntref;
        return;
    }
    /*
     * Like Xen, a mapping names the granter by its real id (DOMID_SELF is
     * not one). A dying granter's frames count as given back, held or not:
     * Xen's answer for one already freed (it still maps one another domain
     * holds; we map nothing of a dying domain anew).
     */
    if (!(granter = domain_lookup(op->dom))) {
        op->status = domain_lookup_any(op->dom) ? GNTST_bad_page : GNTST_bad_domain;
        return;
    }
    lock_both(d, granter);
    map_locked(op, granter);
    unlock_both(d, granter);
}

static void map_locked(struct gnttab_map_grant_ref *op, struct domain *granter)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    struct grant_table *gt = &d->grants;
    uint32_t incr = gnttab_pin_incr(op->flags);
    bool ro = op->flags & GNTMAP_readonly, host = op->flags & GNTMAP_host_map;
    bool dev = op->flags & GNTMAP_device_map;
    unsigned int h;
    struct grant_use use;
    mfn_t frame;

    for (h = 0; h < GNTTAB_MAPTRACK && gt->maptrack[h].flags; h++)
        ;
    if (h == GNTTAB_MAPTRACK) {
        op->status = GNTST_no_space;
        return;
    }
    if (!ref_valid(granter, op->ref)) {
        op->status = GNTST_bad_gntref;
        return;
    }
    if ((op->status = (int16_t)acquire(granter, op->ref, d->id, incr, ro, true, false, &use)))
        return;
    frame = use.frame;
    if (dev && frame_get(granter, frame, ro) != GNTST_okay)
        goto unpin;
    if (host && frame_get(granter, frame, ro) != GNTST_okay)
        goto put_dev;
    /* The mapping replaces whatever the slot held; that entry's references go (arch hook). */
    if (host && create_grant_host_mapping(v, op->host_addr, frame, op->flags) != GNTST_okay)
        goto put_host;
    gt->maptrack[h] = (struct maptrack_entry){
        .granter = granter->id, .ref = op->ref, .host_addr = op->host_addr, .frame = frame,
    };
    /* Flags last: a walk holding another granter's page lock sees the whole entry or none. */
    __atomic_store_n(&gt->maptrack[h].flags, op->flags & GNTMAP_KEPT, __ATOMIC_RELEASE);
    op->handle = h;
    op->dev_bus_addr = frame << PAGE_SHIFT;     /* PV: the machine address, as Xen */
    op->status = GNTST_okay;
    return;

put_host:
    frame_put(frame, ro);
put_dev:
    if (dev)
        frame_put(frame, ro);
unpin:
    release(granter, op->ref, incr, ro);
    op->status = GNTST_general_error;
}

/*
 * Undo the host and/or device part of mapping `handle` (Xen's unmap_common):
 * the device part when dev_bus_addr is non-zero (it must then be the
 * mapping's), the host part when host_addr is non-zero. For
 * unmap_and_replace (`replace`), the PTE at new_addr moves into the host
 * slot and new_addr is cleared; like Xen, new_addr is taken before the host
 * slot is checked, so a failed replace has cleared it all the same. Parts
 * not named stay. GNTST_*.
 */
static int unmap_locked(grant_handle_t handle, uint64_t host_addr, uint64_t dev_bus_addr,
                        bool replace, uint64_t new_addr);

static int unmap_common(grant_handle_t handle, uint64_t host_addr, uint64_t dev_bus_addr,
                        bool replace, uint64_t new_addr)
{
    struct domain *d = current->domain;

    if (handle >= GNTTAB_MAPTRACK)
        return GNTST_bad_handle;
    for (;;) {
        /* The granter is read before its lock is held: taken, it must still be the same. */
        domid_t gid = __atomic_load_n(&d->grants.maptrack[handle].granter, __ATOMIC_RELAXED);
        struct domain *g = domain_lookup_any(gid);
        int rc;

        if (!g)
            g = d;
        lock_both(d, g);
        if (d->grants.maptrack[handle].granter == gid || !d->grants.maptrack[handle].flags) {
            rc = unmap_locked(handle, host_addr, dev_bus_addr, replace, new_addr);
            unlock_both(d, g);
            return rc;
        }
        unlock_both(d, g);
    }
}

static int unmap_locked(grant_handle_t handle, uint64_t host_addr, uint64_t dev_bus_addr,
                        bool replace, uint64_t new_addr)
{
    struct vcpu *v = current;
    struct domain *d = v->domain, *granter;
    struct maptrack_entry *mt;
    uint32_t undone = 0;
    bool ro;

    if (!(mt = &d->grants.maptrack[handle])->flags)
        return GNTST_bad_handle;
    ro = mt->flags & GNTMAP_readonly;
    if (dev_bus_addr && (mt->flags & GNTMAP_device_map) && dev_bus_addr != mt->frame << PAGE_SHIFT)
        return GNTST_bad_dev_addr;
    if (host_addr && (mt->flags & GNTMAP_host_map)) {
        /* Xenolith: a grant mapping cannot be moved (its map-track names its slot). */
        if (replace_grant_host_mapping(v, host_addr, mt->host_addr, mt->frame,
                                       replace ? new_addr : 0, mt->flags) != GNTST_okay)
            return GNTST_general_error;
        mt->flags &= ~GNTMAP_host_map;
        undone |= GNTMAP_host_map;
    }
    if (dev_bus_addr && (mt->flags & GNTMAP_device_map)) {
        mt->flags &= ~GNTMAP_device_map;
        undone |= GNTMAP_device_map;
    }
    if (!undone)
        return GNTST_okay;
    granter = domain_lookup_any(mt->granter);
    if (undone & GNTMAP_host_map)
        frame_put(mt->frame, ro);
    if (undone & GNTMAP_device_map)
        frame_put(mt->frame, ro);
    if (granter) {
        release(granter, mt->ref, gnttab_pin_incr(undone | (ro ? GNTMAP_readonly : 0)), ro);
        if (!ro)
            shadow_mark_dirty(granter, mt->frame);
    }
    if (!(mt->flags & (GNTMAP_host_map | GNTMAP_device_map)))
        mt->flags = 0;
    return GNTST_okay;
}

static void unmap_one(struct gnttab_unmap_grant_ref *op)
{
    op->status = (int16_t)unmap_common(op->handle, op->host_addr, op->dev_bus_addr, false, 0);
}

static void unmap_and_replace_one(struct gnttab_unmap_and_replace *op)
{
    op->status = (int16_t)unmap_common(op->handle, op->host_addr, 0, true, op->new_addr);
}

/* One side of a copy: a granted reference (acquired for the copy) or a frame of the caller. */
struct copy_side {
    struct domain *granter;                 /* NULL: a frame of the caller */
    struct grant_use use;
};

static int copy_claim(const struct gnttab_copy_ptr *p, bool gref, bool write, struct copy_side *c)
{
    struct domain *d = current->domain, *g = gnttab_domain(p->domid);

    c->granter = NULL;
    if (gref) {
        int rc;
        spin_lock(&g->grants.lock);
        rc = !ref_valid(g, p->u.ref) ? GNTST_bad_gntref :
             acquire(g, p->u.ref, d->id, write ? GNTPIN_HSTW_INC : GNTPIN_HSTR_INC, !write,
                     false, true, &c->use);
        spin_unlock(&g->grants.lock);
        if (rc == GNTST_okay)
            c->granter = g;
        return rc;
    }
    if (!mfn_valid(p->u.gmfn) || mfn_to_page(p->u.gmfn)->owner != d->id)
        return GNTST_bad_page;
    c->use = (struct grant_use){ .frame = p->u.gmfn, .start = 0, .length = PAGE_SIZE };
    return GNTST_okay;
}

static void copy_unclaim(const struct gnttab_copy_ptr *p, bool write, struct copy_side *c)
{
    if (c->granter) {
        spin_lock(&c->granter->grants.lock);
        release(c->granter, p->u.ref, write ? GNTPIN_HSTW_INC : GNTPIN_HSTR_INC, !write);
        spin_unlock(&c->granter->grants.lock);
    }
}

/* A side's domain: a frame side must say DOMID_SELF; a granted side names its granter. */
static int copy_domain(const struct gnttab_copy_ptr *p, bool gref)
{
    if (!gref && p->domid != DOMID_SELF)
        return GNTST_permission_denied;
    return gnttab_domain(p->domid) ? GNTST_okay : GNTST_bad_domain;
}

static bool copy_within(const struct copy_side *c, uint16_t off, uint16_t len)
{
    return gnttab_copy_within(c->use.start, c->use.length, off, len);
}

/*
 * GNTTABOP_copy, Xen's order: both domains (a frame side must say
 * DOMID_SELF), then the source, then the destination (which must be
 * writable for its owner), then the page bounds (GNTST_bad_copy_arg) and
 * the granted ranges of sub-page grants (GNTST_general_error).
 */
static void copy_one(struct gnttab_copy *op)
{
    bool sg = op->flags & GNTCOPY_source_gref, dg = op->flags & GNTCOPY_dest_gref;
    struct copy_side src, dst;
    struct domain *owner;
    int rc;

    if ((rc = copy_domain(&op->source, sg)) || (rc = copy_domain(&op->dest, dg))) {
        op->status = (int16_t)rc;
        return;
    }
    if ((rc = copy_claim(&op->source, sg, false, &src))) {
        op->status = (int16_t)rc;
        return;
    }
    if ((rc = copy_claim(&op->dest, dg, true, &dst))) {
        copy_unclaim(&op->source, false, &src);
        op->status = (int16_t)rc;
        return;
    }
    /* The copy runs on pinned frames: only the destination's writable reference takes a lock. */
    owner = domain_lookup_any(mfn_to_page(dst.use.frame)->owner);
    if (owner) {
        spin_lock(&owner->page_lock);
        rc = pv_get_writable_frame(owner, dst.use.frame);
        spin_unlock(&owner->page_lock);
    }
    if (!owner || rc)
        rc = GNTST_general_error;               /* never a table or descriptor page */
    else {
        if ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
            (uint32_t)op->dest.offset + op->len > PAGE_SIZE)
            rc = GNTST_bad_copy_arg;
        else if (!copy_within(&src, op->source.offset, op->len) ||
                 !copy_within(&dst, op->dest.offset, op->len))
            rc = GNTST_general_error;
        else {
            memmove((uint8_t *)mfn_to_virt(dst.use.frame) + op->dest.offset,
                    (uint8_t *)mfn_to_virt(src.use.frame) + op->source.offset, op->len);
        }
        spin_lock(&owner->page_lock);
        if (rc == GNTST_okay)
            shadow_mark_dirty(owner, dst.use.frame);
        pv_put_writable_frame(dst.use.frame);
        spin_unlock(&owner->page_lock);
    }
    copy_unclaim(&op->source, false, &src);
    copy_unclaim(&op->dest, true, &dst);
    op->status = (int16_t)rc;
}

/*
 * GNTTABOP_swap_grant_ref: exchange two entries of the caller's own table
 * (with their status words in v2). A ref beyond the table:
 * GNTST_bad_gntref; an entry in use: GNTST_eagain; a ref with itself: okay.
 */
static void swap_locked(struct gnttab_swap_grant_ref *op)
{
    struct grant_table *gt = &current->domain->grants;
    unsigned int size = gt->version == 2 ? sizeof(union grant_entry_v2) : sizeof(struct grant_entry_v1);
    uint8_t tmp[sizeof(union grant_entry_v2)];
    uint16_t st;

    if (!ref_valid(current->domain, op->ref_a) || !ref_valid(current->domain, op->ref_b)) {
        op->status = GNTST_bad_gntref;
        return;
    }
    op->status = GNTST_okay;
    if (op->ref_a == op->ref_b)
        return;
    if (gnttab_active(gt, op->ref_a)->pin || gnttab_active(gt, op->ref_b)->pin) {
        op->status = GNTST_eagain;
        return;
    }
    memcpy(tmp, gnttab_entry_hdr(gt, op->ref_a), size);
    memcpy(gnttab_entry_hdr(gt, op->ref_a), gnttab_entry_hdr(gt, op->ref_b), size);
    memcpy(gnttab_entry_hdr(gt, op->ref_b), tmp, size);
    if (gt->version == 2) {
        st = *gnttab_entry_status(gt, op->ref_a);
        *gnttab_entry_status(gt, op->ref_a) = *gnttab_entry_status(gt, op->ref_b);
        *gnttab_entry_status(gt, op->ref_b) = st;
    }
}

static void swap_one(struct gnttab_swap_grant_ref *op)
{
    spin_lock(&current->domain->grants.lock);
    swap_locked(op);
    spin_unlock(&current->domain->grants.lock);
}

/*
 * Run `count` operations of one kind, each copied in, done and its result
 * copied out; every 64 operations pending work may run first (the rest
 * continues as a fresh hypercall from the next operation).
 */
#define EACH_OP(type, fn)                                                   \
    for (XEN_GUEST_HANDLE(type) ops = guest_handle_cast(arg, type); count; \
         count--, guest_handle_add_offset(ops, 1), i++) {                   \
        type op;                                                            \
        if (i && !(i & 63) && hypercall_preempt_check())                    \
            return hypercall_continue(cmd, ops.addr, count, 0, 0);          \
        if (copy_from_guest(&op, ops, 1))                                   \
            return -XEN_EFAULT;                                             \
        fn(&op);                                                            \
        if (copy_to_guest(ops, &op, 1))                                     \
            return -XEN_EFAULT;                                             \
    }                                                                       \
    return 0

#define GNTTABOP_CMD_MASK 0xfffu                /* above: Xen keeps continuation state */

long do_grant_table_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg, uint64_t count)
{
    uint64_t i = 0;                             /* operations done by this call (EACH_OP) */

    if ((int32_t)count < 0 || (cmd & ~(uint64_t)GNTTABOP_CMD_MASK))
        return -XEN_EINVAL;
    count = (uint32_t)count;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        EACH_OP(gnttab_map_grant_ref_t, map_one);
    case GNTTABOP_unmap_grant_ref:
        EACH_OP(gnttab_unmap_grant_ref_t, unmap_one);
    case GNTTABOP_copy:
        EACH_OP(gnttab_copy_t, copy_one);
    case GNTTABOP_unmap_and_replace:
        EACH_OP(gnttab_unmap_and_replace_t, unmap_and_replace_one);
    case GNTTABOP_swap_grant_ref:
        /* Like Xen: the whole array is range-checked first. */
        if (!guest_handle_okay(guest_handle_cast(arg, gnttab_swap_grant_ref_t), count))
            return -XEN_EFAULT;
        EACH_OP(gnttab_swap_grant_ref_t, swap_one);
    case GNTTABOP_setup_table:
        return count == 1 ? gnttab_setup_table(guest_handle_cast(arg, gnttab_setup_table_t))
                          : -XEN_EINVAL;
    case GNTTABOP_query_size:
        return count == 1 ? gnttab_query_size(guest_handle_cast(arg, gnttab_query_size_t))
                          : -XEN_EINVAL;
    case GNTTABOP_set_version:
        return gnttab_set_version(guest_handle_cast(arg, gnttab_set_version_t));
    case GNTTABOP_get_version:
        return gnttab_get_version(guest_handle_cast(arg, gnttab_get_version_t));
    case GNTTABOP_get_status_frames:
        return count == 1 ? gnttab_get_status_frames(guest_handle_cast(arg, gnttab_get_status_frames_t))
                          : -XEN_EINVAL;
    default:
        return -XEN_ENOSYS;
    }
}

int grant_table_release_mappings(struct domain *d)
{
    struct grant_table *gt = &d->grants;
    struct vcpu *v = d->vcpu[0];

    for (uint64_t h = d->destroy.cursor; gt->maptrack && h < GNTTAB_MAPTRACK; h++) {
        struct maptrack_entry *mt = &gt->maptrack[h];
        uint32_t parts = mt->flags & (GNTMAP_host_map | GNTMAP_device_map);
        bool ro = mt->flags & GNTMAP_readonly;
        struct domain *granter;

        if (!mt->flags)
            continue;
        if (domain_destroy_should_stop(d, 1)) {
            d->destroy.cursor = h;
            return -XEN_ERESTART;
        }
        granter = domain_lookup_any(mt->granter);
        lock_both(d, granter ? granter : d);
        /* The PTE goes too, while d's tables are still whole: no translation outlives the frame. */
        if ((parts & GNTMAP_host_map) && v)
            (void)replace_grant_host_mapping(v, mt->host_addr, mt->host_addr, mt->frame, 0,
                                             mt->flags);
        if (granter) {
            release(granter, mt->ref, gnttab_pin_incr(parts | (ro ? GNTMAP_readonly : 0)), ro);
            if (!ro)
                shadow_mark_dirty(granter, mt->frame);
        }
        if (parts & GNTMAP_host_map)
            frame_put(mt->frame, ro);
        if (parts & GNTMAP_device_map)
            frame_put(mt->frame, ro);
        mt->flags = 0;
        unlock_both(d, granter ? granter : d);
    }
    d->destroy.cursor = 0;
    return 0;
}

/*
 * The walk holds d's page lock only, not the mappers' grant locks (they rank
 * above it): an entry naming d as granter changes only under d's page lock
 * (map, unmap and a mapper's destruction take both page locks), and an
 * entry being filled for another granter is published by its flags last.
 */
void grant_table_audit_refs(struct domain *d, void (*held)(void *ctx, mfn_t mfn, bool writable),
                            void *ctx)
{
    struct domain *m;

    BUG_ON(!spin_is_mine(&d->page_lock));
    for_each_domain(m) {
        if (!m->grants.maptrack)
            continue;
        for (unsigned int h = 0; h < GNTTAB_MAPTRACK; h++) {
            struct maptrack_entry *mt = &m->grants.maptrack[h];
            uint32_t flags = __atomic_load_n(&mt->flags, __ATOMIC_ACQUIRE);
            bool ro = flags & GNTMAP_readonly;
            /* One set of references for each part still mapped (host, device). */
            unsigned int parts = !!(flags & GNTMAP_host_map) + !!(flags & GNTMAP_device_map);
            if (!flags || mt->granter != d->id)
                continue;
            for (unsigned int p = 0; p < parts; p++)
                held(ctx, mt->frame, !ro);
        }
    }
}
