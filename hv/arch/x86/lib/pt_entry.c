/*
 * What one page-table entry may say, and the references it holds.
 *
 * Facts from Xen (xen/arch/x86/mm.c, pv/mm.h), written anew:
 * - every level: PRESENT, RW, USER, ACCESSED, DIRTY, AVAIL (9-11), AVAIL_HIGH
 *   (52-62) and NX are the guest's; PWT, PCD, PSE/PAT and GLOBAL are not;
 * - L1 additionally allows GLOBAL, forbids bit 62 (grant mappings), and allows
 *   PWT/PCD/PAT only to domains with cache-flush (I/O) permission;
 * - so PSE (superpages) is refused in L2 and L3;
 * - an entry one level up from Ln must name a frame that can take the L(n-1)
 *   type; the only "linear" entry we accept is a read-only self-reference of
 *   a table (no reference taken: a table cannot hold itself alive).
 */
#include <xen/errno.h>
#include <asm/pt_types.h>

uint64_t pt_disallowed_bits(const struct pt_env *env, uint16_t domid, unsigned int level)
{
    uint64_t bad = ~PT_BASE_ALLOWED;

    if (level != 1)
        return bad;
    bad = (bad | PT_GNTTAB) & ~PT_GLOBAL;
    if (env->cache_attrs_permitted && env->cache_attrs_permitted(env->ctx, domid))
        bad &= ~PT_CACHE_ATTRS;
    return bad;
}

#define PT_INVALID_IO_MFN 0xffffffffffUL    /* all address bits set: Xen's "no frame" */

bool pt_frame_is_shared_hv(const struct pt_env *env, uint64_t mfn)
{
    return mfn < env->nr_frames &&
           __atomic_load_n(&env->frames[mfn].owner, __ATOMIC_ACQUIRE) == OWNER_HV;
}

bool pt_frame_is_io(const struct pt_env *env, uint64_t mfn)
{
    return mfn >= env->nr_frames ||
           __atomic_load_n(&env->frames[mfn].owner, __ATOMIC_ACQUIRE) == OWNER_NONE;
}

/*
 * Xen never lets an I/O frame be mapped cacheable by accident: with its PAT
 * layout, an entry asking write-back (no PWT/PCD/PAT) is written
 * uncacheable (PWT|PCD added); one asking write-through (PWT) or
 * write-protect (PWT|PAT) is written UC too (PCD added, PAT cleared).
 * UC-, UC and write-combining entries stay as asked. Returns the bits to
 * toggle in the entry.
 */
uint64_t pt_io_cache_flip(uint64_t e)
{
    switch (e & PT_CACHE_ATTRS) {
    case 0:
        return PT_PWT | PT_PCD;
    case PT_PWT:
        return PT_PCD;
    case PT_PWT | PT_PSE:
        return PT_PCD | PT_PSE;
    default:
        return 0;
    }
}

/* Refuse an I/O frame: -EPERM, or -EINVAL for Xen's "no frame" pattern. */
static int refuse_io(const struct pt_env *env, uint64_t mfn, const char *why)
{
    return pt_refuse(env, mfn, why, mfn == PT_INVALID_IO_MFN ? -XEN_EINVAL : -XEN_EPERM);
}

static bool iomem_ok(const struct pt_env *env, uint16_t domid, uint64_t mfn)
{
    return env->iomem_permitted && env->iomem_permitted(env->ctx, domid, mfn);
}

/*
 * An I/O frame takes no references. The table's owner needs I/O permission
 * for it; a foreign domain named as the frame's owner needs it too, and the
 * hypervisor (DOMID_XEN) never has it (Xen asks both, the frame owner first).
 */
static int get_l1_io(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner, uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e), flip;

    if (pg_owner == PT_PG_OWNER_XEN ||
        (pg_owner != pt_owner && pt_owner_is_domain(pg_owner) && !iomem_ok(env, pg_owner, mfn)))
        return refuse_io(env, mfn, "l1e maps an I/O frame its named owner may not map");
    if (!iomem_ok(env, pt_owner, mfn))
        return refuse_io(env, mfn, "l1e maps I/O or absent frame without permission");
    flip = pt_io_cache_flip(e);
    if ((e & PT_RW) && env->iomem_readonly && env->iomem_readonly(env->ctx, mfn))
        flip |= PT_RW;
    return (int)flip;
}

static int get_l1_refs(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner, uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e);
    const struct page_info *pg;
    uint16_t owner;

    if (mfn >= env->nr_frames)
        return get_l1_io(env, pt_owner, pg_owner, e);
    pg = &env->frames[mfn];
    owner = __atomic_load_n(&pg->owner, __ATOMIC_ACQUIRE);     /* read once */
    if (owner != pt_owner || owner != pg_owner) {
        if (owner == OWNER_NONE)
            return get_l1_io(env, pt_owner, pg_owner, e);
        if (owner == OWNER_HV) {
            /* Hypervisor frames shared read-only (the M2P with privileged domains): not counted. */
            if (pg_owner == PT_PG_OWNER_XEN && !(e & PT_RW) && env->shared_ro_permitted &&
                env->shared_ro_permitted(env->ctx, pt_owner, mfn))
                return 0;
            return pt_refuse(env, mfn, "l1e maps a hypervisor frame", -XEN_EBUSY);
        }
        if (owner != pg_owner)
            return pt_refuse(env, mfn, "l1e maps a frame of another owner", -XEN_EBUSY);
        if (!(env->foreign_permitted && env->foreign_permitted(env->ctx, pt_owner, pg_owner)))
            return pt_refuse(env, mfn, "l1e maps a foreign frame without privilege", -XEN_EBUSY);
    }
    if (pt_get_page(env, mfn, pg_owner))
        return pt_refuse(env, mfn, "l1e frame changed owner", -XEN_EBUSY);
    if ((pg->flags & PGF_SHARED_INFO) && (e & PT_CACHE_ATTRS)) {
        pt_put_page(env, mfn);
        return pt_refuse(env, mfn, "l1e changes cache attributes of shared_info", -XEN_EACCES);
    }
    if ((e & PT_RW) && pt_get_page_type(env, mfn, (uint32_t)PGT_writable_page, pg_owner)) {
        pt_put_page(env, mfn);
        return pt_refuse(env, mfn, "l1e maps a page table or descriptor page writable",
                         -XEN_EBUSY);
    }
    return 0;
}

int pt_entry_get_refs(const struct pt_env *env, uint16_t pt_owner, uint16_t pg_owner,
                      unsigned int level, uint64_t table_mfn, uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e);
    int rc;

    if (pt_entry_flags_bad(env, pt_owner, level, e))
        return pt_refuse(env, table_mfn, level == 1 ? "l1e has forbidden flags" :
                         (e & PT_PSE) ? "superpage (PSE) entry" : "pde has forbidden flags",
                         -XEN_EINVAL);
    if (level == 1)
        return get_l1_refs(env, pt_owner, pg_owner, e);
    if (pg_owner != pt_owner)
        return pt_refuse(env, table_mfn, "upper entry names a foreign owner", -XEN_EINVAL);

    if (pt_get_page(env, mfn, pt_owner))
        rc = -XEN_EINVAL;
    else {
        rc = pt_get_page_type(env, mfn, pgt_for_level((int)level - 1), pt_owner);
        if (rc)
            pt_put_page(env, mfn);
    }
    /* Xen's rule: a table may name itself read-only ("linear page table"). */
    if (rc == -XEN_EINVAL && mfn == table_mfn) {
        if (!(e & PT_RW))
            return 0;
        return pt_refuse(env, mfn, "writable linear page-table entry", rc);
    }
    if (rc == -XEN_EINVAL)
        return pt_refuse(env, mfn, "pde target cannot be a table of the level below", rc);
    return rc;
}

void pt_entry_put_refs(const struct pt_env *env, unsigned int level, uint64_t table_mfn,
                       uint64_t e)
{
    uint64_t mfn = pt_entry_mfn(e);

    if (!(e & PT_PRESENT))
        return;
    if (level == 1) {
        /* Grant mappings: their references belong to the grant table's map-track. */
        if ((e & PT_GNTTAB) || pt_frame_is_io(env, mfn) || pt_frame_is_shared_hv(env, mfn))
            return;
        if (e & PT_RW)
            pt_put_page_type(env, mfn);
        pt_put_page(env, mfn);
        return;
    }
    if (mfn == table_mfn)
        return;                             /* linear self-reference holds nothing */
    pt_put_page_type(env, mfn);
    pt_put_page(env, mfn);
}
