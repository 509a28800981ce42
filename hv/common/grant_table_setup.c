/*
 * Grant tables: the table-wide operations (hv/grant_table.h). setup_table
 * grows a domain's table; set_version switches between the version-1 and
 * version-2 entry formats, as Xen 4.17 does:
 *
 *  - only while no entry beyond the 8 reserved ones is in use (-EBUSY);
 *  - v1 -> v2 adds the status frames (one grant_status_t per entry, shared
 *    with the domain like the table frames), v2 -> v1 drops them, which is
 *    refused with -EBUSY while the domain still maps one of them;
 *  - v2 -> v1 is refused with -ERANGE when a reserved entry cannot be
 *    written as v1 (a transitive grant, or a frame number above 32 bits);
 *  - every entry is cleared, except the 8 reserved ones, which are
 *    converted (toolstack grants: console, xenstore).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <asm/flushtlb.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/grant_table.h>
#include <hv/gnttab_rules.h>
#include <hv/guest_access.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/pt_types.h>
#include <asm/pv_mmu.h>

/* A frame the hypervisor shares with d: d's, never a table, never given away. */
static mfn_t alloc_shared(struct domain *d)
{
    mfn_t f = alloc_frame(d->id);

    if (f != INVALID_MFN)
        mfn_to_page(f)->flags |= PGF_SHARED_INFO;
    return f;
}

/* Status frames for a v2 table of nr_frames table frames. */
static int populate_status(struct domain *d, unsigned int nr_frames)
{
    struct grant_table *gt = &d->grants;
    unsigned int want = gnttab_status_frames(nr_frames);

    while (gt->nr_status_frames < want) {
        mfn_t f = alloc_shared(d);
        if (f == INVALID_MFN)
            return -XEN_ENOMEM;
        gt->status[gt->nr_status_frames++] = f;
    }
    return 0;
}

/* Drop the status frames; -EBUSY (none dropped) while one is still mapped. */
static int unpopulate_status(struct domain *d)
{
    struct grant_table *gt = &d->grants;

    for (unsigned int i = 0; i < gt->nr_status_frames; i++)
        if (!pt_frame_is_free_to_release(&pv_mmu_env, gt->status[i]))
            return -XEN_EBUSY;
    flush_tlb_mask(d->dirty_cpumask);           /* its status frames leave: every CPU it ran on */
    for (unsigned int i = 0; i < gt->nr_status_frames; i++)
        free_frame(gt->status[i]);
    gt->nr_status_frames = 0;
    return 0;
}

static int grow(struct domain *d, unsigned int nr)
{
    struct grant_table *gt = &d->grants;

    /* Status words first: no v2 entry may ever lack one. */
    if (gt->version == 2 && gt->nr_frames < nr && populate_status(d, nr))
        return -XEN_ENOMEM;
    while (gt->nr_frames < nr) {
        mfn_t f = alloc_shared(d);
        struct active_grant *a = xzalloc_bytes(GNTTAB_ENTRIES_PER_FRAME * sizeof(*a));
        if (f == INVALID_MFN || !a) {
            if (f != INVALID_MFN)
                free_frame(f);
            xfree_bytes(a, GNTTAB_ENTRIES_PER_FRAME * sizeof(*a));
            return -XEN_ENOMEM;
        }
        gt->frames[gt->nr_frames] = f;
        gt->active[gt->nr_frames] = a;
        gt->nr_frames++;
    }
    return 0;
}

int grant_table_init(struct domain *d)
{
    spin_lock_init(&d->grants.lock, LOCK_GRANT, "grants.lock");
    d->grants.version = 1;
    d->grants.max_frames = GNTTAB_MAX_FRAMES;
    d->grants.max_version = 2;
    d->grants.maptrack = xzalloc_bytes(GNTTAB_MAPTRACK * sizeof(struct maptrack_entry));
    if (!d->grants.maptrack)
        return -XEN_ENOMEM;
    if (grow(d, 1)) {
        /* grow() left nothing behind for its one frame: only the maptrack to give back. */
        xfree_bytes(d->grants.maptrack, GNTTAB_MAPTRACK * sizeof(struct maptrack_entry));
        d->grants.maptrack = NULL;
        return -XEN_ENOMEM;
    }
    return 0;
}

/* A shared frame of a dead domain goes back, unless something still references it (our bug). */
static void free_shared(struct domain *d, mfn_t f)
{
    if (!pt_frame_is_free_to_release(&pv_mmu_env, f)) {
        log_err("d%u: grant frame %#lx still referenced at destruction: kept", d->id, f);
        return;
    }
    free_frame(f);
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = &d->grants;

    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        free_shared(d, gt->frames[i]);
        xfree_bytes(gt->active[i], GNTTAB_ENTRIES_PER_FRAME * sizeof(struct active_grant));
    }
    for (unsigned int i = 0; i < gt->nr_status_frames; i++)
        free_shared(d, gt->status[i]);
    xfree_bytes(gt->maptrack, GNTTAB_MAPTRACK * sizeof(struct maptrack_entry));
    gt->nr_frames = gt->nr_status_frames = 0;
    gt->maptrack = NULL;
}

struct domain *gnttab_domain(domid_t id)
{
    if (id == DOMID_SELF)
        return current->domain;
    return domain_lookup(id);
}

/* The domain a table operation names, if the caller may act on it; else a status. */
static struct domain *table_target(domid_t dom, int16_t *status)
{
    struct domain *d = gnttab_domain(dom);

    if (!d)
        *status = GNTST_bad_domain;
    else if (d != current->domain && !domain_is_privileged(current->domain))
        *status = GNTST_permission_denied;
    else
        return d;
    return NULL;
}

/*
 * Write n frame numbers to the guest list at `list`: GNTST_okay, or
 * GNTST_bad_virt_addr if a write faulted (setup_table stops there, Xen's
 * get_status_frames goes on: `stop`).
 */
static int16_t put_frame_list(XEN_GUEST_HANDLE(uint64_t) list, const uint64_t *frames, unsigned int n,
                              bool stop)
{
    int16_t status = GNTST_okay;

    for (unsigned int i = 0; i < n; i++) {
        if (copy_to_guest_offset(list, i, &frames[i], 1)) {
            status = GNTST_bad_virt_addr;
            if (stop)
                break;
        }
    }
    return status;
}

long gnttab_setup_table(XEN_GUEST_HANDLE_PARAM(gnttab_setup_table_t) arg)
{
    struct gnttab_setup_table op;
    struct domain *d;

    if (copy_from_guest(&op, arg, 1))
        return -XEN_EFAULT;
    /* Like Xen: the list is range-checked first; a fault writing it later is a status. */
    if (!guest_handle_okay(op.frame_list, op.nr_frames))
        return -XEN_EFAULT;
    d = table_target(op.dom, &op.status);
    if (d && op.nr_frames > d->grants.max_frames)
        op.status = GNTST_general_error;
    else if (d) {
        uint64_t frames[GNTTAB_MAX_FRAMES];     /* written out after the lock is dropped */
        int rc;

        spin_lock(&d->grants.lock);
        rc = grow(d, op.nr_frames);
        memcpy(frames, d->grants.frames, op.nr_frames * sizeof(frames[0]));
        spin_unlock(&d->grants.lock);
        op.status = rc ? GNTST_general_error
                       : put_frame_list(guest_handle_cast(op.frame_list, uint64_t), frames,
                                        op.nr_frames, true);
    }
    return copy_to_guest(arg, &op, 1) ? -XEN_EFAULT : 0;
}

long gnttab_query_size(XEN_GUEST_HANDLE_PARAM(gnttab_query_size_t) arg)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (copy_from_guest(&op, arg, 1))
        return -XEN_EFAULT;
    if ((d = table_target(op.dom, &op.status))) {
        op.nr_frames = d->grants.nr_frames;
        op.max_nr_frames = d->grants.max_frames;
        op.status = GNTST_okay;
    }
    return copy_to_guest(arg, &op, 1) ? -XEN_EFAULT : 0;
}

/* A v2 entry's 64-bit frame (full_page / sub_page). */
static uint64_t *v2_frame(struct grant_table *gt, grant_ref_t ref)
{
    return &((union grant_entry_v2 *)gnttab_entry_hdr(gt, ref))->full_page.frame;
}

/* Reserved entry ref as v1 (status bits folded into the flags). */
static struct grant_entry_v1 reserved_as_v1(struct grant_table *gt, grant_ref_t ref)
{
    uint32_t hdr = *gnttab_entry_hdr(gt, ref);
    uint16_t flags = (uint16_t)hdr;

    if (gt->version == 1)
        return *(struct grant_entry_v1 *)gnttab_entry_hdr(gt, ref);
    if ((flags & GTF_type_mask) != GTF_permit_access)
        return (struct grant_entry_v1){ 0 };
    return (struct grant_entry_v1){
        .flags = flags | *gnttab_entry_status(gt, ref), .domid = (domid_t)(hdr >> 16),
        .frame = (uint32_t)*v2_frame(gt, ref),
    };
}

static void reserved_restore(struct grant_table *gt, grant_ref_t ref, struct grant_entry_v1 e)
{
    const uint16_t st = GTF_reading | GTF_writing;

    if (gt->version == 1) {
        *(struct grant_entry_v1 *)gnttab_entry_hdr(gt, ref) = e;
        return;
    }
    *gnttab_entry_status(gt, ref) = e.flags & st;
    *gnttab_entry_hdr(gt, ref) = (uint32_t)(e.flags & ~st) | (uint32_t)e.domid << 16;
    *v2_frame(gt, ref) = e.frame;
}

/* The switch itself; 0 or -EBUSY/-ENOMEM/-ERANGE with the table as it was. */
static long switch_version(struct domain *d, unsigned int version)
{
    struct grant_table *gt = &d->grants;
    struct grant_entry_v1 keep[GNTTAB_NR_RESERVED_ENTRIES];
    unsigned int n = gnttab_nr_entries(gt);
    long rc;

    for (grant_ref_t ref = GNTTAB_NR_RESERVED_ENTRIES; ref < n; ref++)
        if (gnttab_active(gt, ref)->pin)
            return -XEN_EBUSY;
    if (gt->version == 1) {
        if ((rc = populate_status(d, gt->nr_frames))) {
            unpopulate_status(d);               /* fresh, so unmapped: v1 keeps none */
            return rc;
        }
    } else {
        for (grant_ref_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++) {
            uint16_t type = (uint16_t)*gnttab_entry_hdr(gt, ref) & GTF_type_mask;
            if (type == GTF_transitive || (type == GTF_permit_access && (*v2_frame(gt, ref) >> 32)))
                return -XEN_ERANGE;
        }
    }
    for (grant_ref_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++)
        keep[ref] = reserved_as_v1(gt, ref);
    if (version == 1 && (rc = unpopulate_status(d)))
        return rc;
    for (unsigned int i = 0; i < gt->nr_frames; i++)
        memset(mfn_to_virt(gt->frames[i]), 0, PAGE_SIZE);
    gt->version = version;
    for (grant_ref_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++)
        reserved_restore(gt, ref, keep[ref]);
    return 0;
}

long gnttab_set_version(XEN_GUEST_HANDLE_PARAM(gnttab_set_version_t) arg)
{
    struct gnttab_set_version op;
    struct domain *d = current->domain;
    long rc = 0;

    if (copy_from_guest(&op, arg, 1))
        return -XEN_EFAULT;
    spin_lock(&d->grants.lock);
    if (op.version != 1 && op.version != 2)
        rc = -XEN_EINVAL;
    else if (op.version == 2 && d->grants.max_version == 1)
        rc = -XEN_ENOSYS;                       /* as before set_version existed */
    else if (op.version != d->grants.version)
        rc = switch_version(d, op.version);
    op.version = d->grants.version;             /* like Xen: say which version is in force */
    spin_unlock(&d->grants.lock);
    return copy_to_guest(arg, &op, 1) ? -XEN_EFAULT : rc;
}

long gnttab_get_version(XEN_GUEST_HANDLE_PARAM(gnttab_get_version_t) arg)
{
    struct gnttab_get_version op;
    struct domain *d;

    if (copy_from_guest(&op, arg, 1))
        return -XEN_EFAULT;
    if (!(d = gnttab_domain(op.dom)))
        return -XEN_ESRCH;
    op.version = d->grants.version;
    return copy_to_guest(arg, &op, 1) ? -XEN_EFAULT : 0;
}

long gnttab_get_status_frames(XEN_GUEST_HANDLE_PARAM(gnttab_get_status_frames_t) arg)
{
    struct gnttab_get_status_frames op;
    struct domain *d;

    if (copy_from_guest(&op, arg, 1))
        return -XEN_EFAULT;
    if (!guest_handle_okay(op.frame_list, op.nr_frames))
        return -XEN_EFAULT;
    d = table_target(op.dom, &op.status);
    if (d) {
        uint64_t frames[GNTTAB_MAX_STATUS_FRAMES];      /* written out after the lock is dropped */
        bool fits;

        spin_lock(&d->grants.lock);
        fits = op.nr_frames <= d->grants.nr_status_frames;
        if (fits)
            memcpy(frames, d->grants.status, op.nr_frames * sizeof(frames[0]));
        spin_unlock(&d->grants.lock);
        op.status = fits ? put_frame_list(op.frame_list, frames, op.nr_frames, false)
                         : GNTST_general_error;
    }
    /* Like Xen, only the status goes back. */
    return copy_field_to_guest(arg, &op, status) ? -XEN_EFAULT : 0;
}
