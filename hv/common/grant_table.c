/*
 * HYPERVISOR_grant_table_op, version 1 (see hv/grant_table.h).
 *
 * The grant entry lives in guest-writable memory: every read of it is a
 * snapshot, and the pin is one compare-exchange on its flags/domid word, so
 * the granter can never change an entry that is in use without the pin
 * failing. Each part of a mapping (host PTE, device) holds a general
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
#include <hv/gnttab_rules.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/io.h>
#include <hv/lib.h>
#include <hv/paging.h>
#include <hv/pv.h>
#include <hv/pv_mmu.h>
#include <hv/shadow.h>

static int grow(struct domain *d, unsigned int nr)
{
    struct grant_table *gt = &d->grants;

    while (gt->nr_frames < nr) {
        mfn_t f = alloc_frame(d->id);
        struct active_grant *a = xzalloc_bytes(GNTTAB_ENTRIES_PER_FRAME * sizeof(*a));
        if (f == INVALID_MFN || !a) {
            if (f != INVALID_MFN)
                free_frame(f);
            xfree_bytes(a, GNTTAB_ENTRIES_PER_FRAME * sizeof(*a));
            return -XEN_ENOMEM;
        }
        mfn_to_page(f)->flags |= PGF_SHARED_INFO;    /* ours, shared: never a table, never given away */
        gt->frames[gt->nr_frames] = f;
        gt->active[gt->nr_frames] = a;
        gt->nr_frames++;
    }
    return 0;
}

int grant_table_init(struct domain *d)
{
    d->grants.maptrack = xzalloc_bytes(GNTTAB_MAPTRACK * sizeof(struct maptrack_entry));
    if (!d->grants.maptrack)
        return -XEN_ENOMEM;
    return grow(d, 1);
}

static struct domain *grant_domain(domid_t id)
{
    if (id == DOMID_SELF)
        return current->domain;
    return id < MAX_DOMAINS ? domains[id] : NULL;
}

static uint32_t *entry_word(struct domain *d, grant_ref_t ref)
{
    struct grant_entry_v1 *e = mfn_to_virt(d->grants.frames[ref / GNTTAB_ENTRIES_PER_FRAME]);
    return (uint32_t *)&e[ref % GNTTAB_ENTRIES_PER_FRAME];   /* flags (low 16) and domid */
}

static struct active_grant *active_of(struct domain *d, grant_ref_t ref)
{
    return &d->grants.active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

static bool ref_valid(struct domain *d, grant_ref_t ref)
{
    return ref < d->grants.nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

/*
 * Set GTF_reading (and GTF_writing) in entry word `w` for a new use, after
 * checking the entry allows it (gnttab_entry_check). The granter may race
 * us on the word: like Xen, give up after five failed exchanges.
 */
static int set_status(uint32_t *w, uint32_t pin, domid_t grantee, bool ro, bool map)
{
    uint32_t old = __atomic_load_n(w, __ATOMIC_ACQUIRE), nw;

    for (unsigned int tries = 0;; tries++) {
        int rc = gnttab_entry_check((uint16_t)old, (uint16_t)(old >> 16), grantee, pin != 0,
                                    ro, map, false);
        if (rc != GNTST_okay)
            return rc;
        nw = old | GTF_reading | (ro ? 0 : GTF_writing);
        if (__atomic_compare_exchange_n(w, &old, nw, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return GNTST_okay;
        if (tries == 4)
            return GNTST_general_error;
    }
}

static void clear_status(uint32_t *w, uint16_t bits)
{
    if (bits)
        __atomic_and_fetch(w, ~(uint32_t)bits, __ATOMIC_ACQ_REL);
}

/*
 * Take a use (`incr`, see hv/gnttab_rules.h) of entry `ref` of `granter` for
 * `grantee`: the first use checks the entry and pins the frame it names,
 * which must be the granter's own (else GNTST_bad_page); later ones check
 * only the grantee, the counters and, for a first writer, GTF_readonly.
 * GNTST_okay and the frame, or a GNTST_* error with nothing changed.
 */
static int pin_get(struct domain *granter, grant_ref_t ref, domid_t grantee, uint32_t incr,
                   bool ro, bool map, mfn_t *frame)
{
    uint32_t *w = entry_word(granter, ref);
    struct active_grant *act = active_of(granter, ref);
    int rc;

    if (act->pin && (act->domid != grantee || gnttab_pin_would_overflow(act->pin, incr)))
        return GNTST_general_error;
    if (gnttab_pin_needs_status(act->pin, ro)) {
        if ((rc = set_status(w, act->pin, grantee, ro, map)) != GNTST_okay)
            return rc;
        if (!act->pin) {
            mfn_t f = ((struct grant_entry_v1 *)w)->frame;
            if (!mfn_valid(f) || mfn_to_page(f)->owner != granter->id ||
                (mfn_to_page(f)->flags & PGF_SHARED_INFO)) {
                clear_status(w, gnttab_status_to_clear(0, ro));
                return GNTST_bad_page;
            }
            act->frame = f;
            act->domid = grantee;
        }
    }
    act->pin += incr;
    *frame = act->frame;
    return GNTST_okay;
}

/* Drop a use taken by pin_get; the status bits follow what is left. */
static void pin_put(struct domain *granter, grant_ref_t ref, uint32_t incr, bool ro)
{
    struct active_grant *act = active_of(granter, ref);

    act->pin -= incr;
    clear_status(entry_word(granter, ref), gnttab_status_to_clear(act->pin, ro));
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

/* The L1 slot a mapping uses: by virtual address, or by the PTE's machine address. */
static pte_t *host_slot(struct vcpu *v, uint64_t addr, bool pte_addr, mfn_t *l1, unsigned int *idx)
{
    if (pte_addr) {
        *l1 = addr >> PAGE_SHIFT;
        *idx = (addr & (PAGE_SIZE - 1)) >> 3;
        if ((addr & 7) || !mfn_valid(*l1) || mfn_to_page(*l1)->owner != v->domain->id)
            return NULL;
    } else {
        if (addr >= HYPERVISOR_VIRT_START && addr < HYPERVISOR_VIRT_END)
            return NULL;
        *l1 = pv_guest_l1_of(v, addr, idx);
        if (*l1 == INVALID_MFN)
            return NULL;
    }
    if ((mfn_to_page(*l1)->type_info & PGT_type_mask) != PGT_l1_page_table ||
        !(mfn_to_page(*l1)->type_info & PGT_count_mask))
        return NULL;
    return (pte_t *)mfn_to_virt(*l1) + *idx;
}

static void host_flush(struct domain *d, mfn_t l1, unsigned int idx, uint64_t addr, bool pte_addr)
{
    shadow_guest_entry_changed(d, l1, idx);
    if (pte_addr)
        flush_tlb_global();
    else
        invlpg(addr);
}

#define GNTMAP_KEPT (GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly | GNTMAP_contains_pte)

/*
 * GNTTABOP_map_grant_ref, Xen's order of checks: flags, granter, a free
 * handle, the ref, the entry (pin), the frame's references, then the host
 * PTE. A host mapping and a device mapping each hold their own references
 * and pin counts, so either can be undone alone.
 */
static void map_one(struct gnttab_map_grant_ref *op)
{
    struct vcpu *v = current;
    struct domain *d = v->domain, *granter;
    struct grant_table *gt = &d->grants;
    uint32_t incr = gnttab_pin_incr(op->flags);
    bool ro = op->flags & GNTMAP_readonly, host = op->flags & GNTMAP_host_map;
    bool dev = op->flags & GNTMAP_device_map, pte_addr = op->flags & GNTMAP_contains_pte;
    unsigned int h, idx;
    mfn_t frame, l1;
    pte_t *slot, old;

    if (!incr) {
        op->status = GNTST_bad_gntref;
        return;
    }
    /* Like Xen, a mapping names the granter by its real id (DOMID_SELF is not one). */
    if (op->dom >= MAX_DOMAINS || !(granter = domains[op->dom])) {
        op->status = GNTST_bad_domain;
        return;
    }
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
    if ((op->status = (int16_t)pin_get(granter, op->ref, d->id, incr, ro, true, &frame)))
        return;
    if (dev && frame_get(granter, frame, ro) != GNTST_okay)
        goto unpin;
    if (host && frame_get(granter, frame, ro) != GNTST_okay)
        goto put_dev;
    if (host) {
        slot = host_slot(v, op->host_addr, pte_addr, &l1, &idx);
        if (!slot || ((old = *slot) & PT_GNTTAB))
            goto put_host;
        /* The mapping replaces whatever the slot held; that entry's references go. */
        *slot = make_pte(frame, _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY |
                         (ro ? 0 : _PAGE_RW) | _PAGE_NX) | PT_GNTTAB;
        pt_entry_put_refs(&pv_mmu_env, 1, l1, old);
        host_flush(d, l1, idx, op->host_addr, pte_addr);
    }
    gt->maptrack[h] = (struct maptrack_entry){
        .flags = op->flags & GNTMAP_KEPT, .granter = granter->id, .ref = op->ref,
        .host_addr = op->host_addr, .frame = frame,
    };
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
    pin_put(granter, op->ref, incr, ro);
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
static int unmap_common(grant_handle_t handle, uint64_t host_addr, uint64_t dev_bus_addr,
                        bool replace, uint64_t new_addr)
{
    struct vcpu *v = current;
    struct domain *d = v->domain, *granter;
    struct maptrack_entry *mt;
    uint32_t undone = 0;
    bool ro;

    if (handle >= GNTTAB_MAPTRACK || !(mt = &d->grants.maptrack[handle])->flags)
        return GNTST_bad_handle;
    ro = mt->flags & GNTMAP_readonly;
    if (dev_bus_addr && (mt->flags & GNTMAP_device_map) && dev_bus_addr != mt->frame << PAGE_SHIFT)
        return GNTST_bad_dev_addr;
    if (host_addr && (mt->flags & GNTMAP_host_map)) {
        bool pte_addr = mt->flags & GNTMAP_contains_pte;
        pte_t stolen = 0, *slot, *nslot;
        unsigned int idx, nidx;
        mfn_t l1, nl1 = 0;

        if (replace && new_addr) {
            /* Replacing works on virtual addresses only. */
            if (pte_addr)
                return GNTST_general_error;
            nslot = host_slot(v, new_addr, false, &nl1, &nidx);
            /* Xenolith: a grant mapping cannot be moved (its map-track names its slot). */
            if (!nslot || (*nslot & PT_GNTTAB))
                return GNTST_general_error;
            stolen = *nslot;
            *nslot = 0;
            host_flush(d, nl1, nidx, new_addr, false);
        }
        slot = host_addr == mt->host_addr ? host_slot(v, host_addr, pte_addr, &l1, &idx) : NULL;
        if (!slot || !(*slot & PT_GNTTAB) || pte_mfn(*slot) != mt->frame) {
            if (replace && new_addr)
                pt_entry_put_refs(&pv_mmu_env, 1, nl1, stolen);
            return GNTST_general_error;
        }
        *slot = stolen;                         /* its references move with it */
        host_flush(d, l1, idx, host_addr, pte_addr);
        mt->flags &= ~GNTMAP_host_map;
        undone |= GNTMAP_host_map;
    }
    if (dev_bus_addr && (mt->flags & GNTMAP_device_map)) {
        mt->flags &= ~GNTMAP_device_map;
        undone |= GNTMAP_device_map;
    }
    if (!undone)
        return GNTST_okay;
    granter = domains[mt->granter];
    if (undone & GNTMAP_host_map)
        frame_put(mt->frame, ro);
    if (undone & GNTMAP_device_map)
        frame_put(mt->frame, ro);
    if (granter) {
        pin_put(granter, mt->ref, gnttab_pin_incr(undone | (ro ? GNTMAP_readonly : 0)), ro);
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

/* One side of a copy: a granted reference (pinned for the copy) or a frame of the caller. */
static int copy_side(const struct gnttab_copy_ptr *p, bool gref, bool write, struct domain **granter,
                     mfn_t *frame)
{
    struct domain *d = current->domain;

    *granter = NULL;
    if (gref) {
        struct domain *g = grant_domain(p->domid);
        if (!g)
            return GNTST_bad_domain;
        if (!ref_valid(g, p->u.ref))
            return GNTST_bad_gntref;
        int rc = pin_get(g, p->u.ref, d->id, write ? GNTPIN_HSTW_INC : GNTPIN_HSTR_INC, !write,
                         false, frame);
        if (rc == GNTST_okay)
            *granter = g;
        return rc;
    }
    if (p->domid != DOMID_SELF)
        return GNTST_permission_denied;         /* Xen: a frame side must say DOMID_SELF */
    if (!mfn_valid(p->u.gmfn) || mfn_to_page(p->u.gmfn)->owner != d->id)
        return GNTST_bad_page;
    *frame = p->u.gmfn;
    return GNTST_okay;
}

static void copy_one(struct gnttab_copy *op)
{
    struct domain *src_g, *dst_g;
    mfn_t src, dst;
    int rc;

    if ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
        (uint32_t)op->dest.offset + op->len > PAGE_SIZE) {
        op->status = GNTST_bad_copy_arg;
        return;
    }
    if ((rc = copy_side(&op->source, op->flags & GNTCOPY_source_gref, false, &src_g, &src))) {
        op->status = (int16_t)rc;
        return;
    }
    if ((rc = copy_side(&op->dest, op->flags & GNTCOPY_dest_gref, true, &dst_g, &dst))) {
        if (src_g)
            pin_put(src_g, op->source.u.ref, GNTPIN_HSTR_INC, true);
        op->status = (int16_t)rc;
        return;
    }
    /* The destination must be writable for its owner: never a table or descriptor page. */
    rc = pv_get_writable_frame(domains[mfn_to_page(dst)->owner], dst) ? GNTST_general_error : GNTST_okay;
    if (rc == GNTST_okay) {
        memmove((uint8_t *)mfn_to_virt(dst) + op->dest.offset,
                (uint8_t *)mfn_to_virt(src) + op->source.offset, op->len);
        shadow_mark_dirty(domains[mfn_to_page(dst)->owner], dst);
        pv_put_writable_frame(dst);
    }
    if (src_g)
        pin_put(src_g, op->source.u.ref, GNTPIN_HSTR_INC, true);
    if (dst_g)
        pin_put(dst_g, op->dest.u.ref, GNTPIN_HSTW_INC, false);
    op->status = (int16_t)rc;
}

/* The domain a table operation names, if the caller may act on it; else a status. */
static struct domain *table_target(domid_t dom, int16_t *status)
{
    struct domain *d = grant_domain(dom);

    if (!d)
        *status = GNTST_bad_domain;
    else if (d != current->domain && !current->domain->privileged)
        *status = GNTST_permission_denied;
    else
        return d;
    return NULL;
}

static long setup_table(uint64_t arg)
{
    struct gnttab_setup_table op;
    struct domain *d;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    /* Like Xen: the list is range-checked first; a fault writing it later is a status. */
    if (!guest_range_ok(op.frame_list.addr, (uint64_t)op.nr_frames * sizeof(xen_pfn_t)))
        return -XEN_EFAULT;
    d = table_target(op.dom, &op.status);
    if (d && (op.nr_frames > GNTTAB_MAX_FRAMES || grow(d, op.nr_frames)))
        op.status = GNTST_general_error;
    else if (d) {
        op.status = GNTST_okay;
        for (unsigned int i = 0; i < op.nr_frames; i++) {
            xen_pfn_t f = d->grants.frames[i];
            if (copy_to_guest(op.frame_list.addr + i * sizeof(f), &f, sizeof(f))) {
                op.status = GNTST_bad_virt_addr;
                break;
            }
        }
    }
    return copy_to_guest(arg, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

static long query_size(uint64_t arg)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if ((d = table_target(op.dom, &op.status))) {
        op.nr_frames = d->grants.nr_frames;
        op.max_nr_frames = GNTTAB_MAX_FRAMES;
        op.status = GNTST_okay;
    }
    return copy_to_guest(arg, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

/*
 * Run `count` operations of one kind, each copied in, done and its result
 * copied out; every 64 operations pending work may run first (the rest
 * continues as a fresh hypercall from the next operation).
 */
#define EACH_OP(type, fn)                                                   \
    for (uint64_t i = 0; i < count; i++) {                                  \
        type op;                                                            \
        uint64_t at = arg + i * sizeof(op);                                 \
        if (i && !(i & 63) && hypercall_preempt_check())                    \
            return hypercall_continue(cmd, at, count - i, 0, 0);            \
        if (copy_from_guest(&op, at, sizeof(op)))                           \
            return -XEN_EFAULT;                                             \
        fn(&op);                                                            \
        if (copy_to_guest(at, &op, sizeof(op)))                             \
            return -XEN_EFAULT;                                             \
    }                                                                       \
    return 0

#define GNTTABOP_CMD_MASK 0xfffu                /* above: Xen keeps continuation state */

long do_grant_table_op(uint64_t cmd, uint64_t arg, uint64_t count, uint64_t a4, uint64_t a5)
{
    if ((int32_t)count < 0 || (cmd & ~(uint64_t)GNTTABOP_CMD_MASK))
        return -XEN_EINVAL;
    count = (uint32_t)count;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        EACH_OP(struct gnttab_map_grant_ref, map_one);
    case GNTTABOP_unmap_grant_ref:
        EACH_OP(struct gnttab_unmap_grant_ref, unmap_one);
    case GNTTABOP_copy:
        EACH_OP(struct gnttab_copy, copy_one);
    case GNTTABOP_unmap_and_replace:
        EACH_OP(struct gnttab_unmap_and_replace, unmap_and_replace_one);
    case GNTTABOP_setup_table:
        return count == 1 ? setup_table(arg) : -XEN_EINVAL;
    case GNTTABOP_query_size:
        return count == 1 ? query_size(arg) : -XEN_EINVAL;
    case GNTTABOP_set_version: {
        struct gnttab_set_version v;
        if (copy_from_guest(&v, arg, sizeof(v)))
            return -XEN_EFAULT;
        if (v.version == 2)
            return -XEN_ENOSYS;                 /* version 2 is not implemented (yet) */
        if (v.version != 1) {
            v.version = 1;                      /* like Xen: say which version stays */
            copy_to_guest(arg, &v, sizeof(v));
            return -XEN_EINVAL;
        }
        return 0;
    }
    case GNTTABOP_get_version: {
        struct gnttab_get_version v;
        if (copy_from_guest(&v, arg, sizeof(v)))
            return -XEN_EFAULT;
        if (!grant_domain(v.dom))
            return -XEN_ESRCH;
        v.version = 1;
        return copy_to_guest(arg, &v, sizeof(v)) ? -XEN_EFAULT : 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

void grant_table_audit_refs(struct domain *d, bool hold)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
        struct domain *m = domains[i];
        if (!m || !m->grants.maptrack)
            continue;
        for (unsigned int h = 0; h < GNTTAB_MAPTRACK; h++) {
            struct maptrack_entry *mt = &m->grants.maptrack[h];
            bool ro = mt->flags & GNTMAP_readonly;
            /* One set of references for each part still mapped (host, device). */
            unsigned int parts = !!(mt->flags & GNTMAP_host_map) + !!(mt->flags & GNTMAP_device_map);
            if (!mt->flags || mt->granter != d->id)
                continue;
            for (unsigned int i = 0; i < parts; i++) {
                if (hold)
                    BUG_ON(frame_get(d, mt->frame, ro) != GNTST_okay);
                else
                    frame_put(mt->frame, ro);
            }
        }
    }
}
