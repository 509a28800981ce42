/*
 * The frame-type machine bound to the real machine: frame table, direct map,
 * TLB flush, the hypervisor's L4 slots and descriptor checks. Updates of a
 * domain's tables are serialised by its page lock; counts change by
 * compare-exchange (docs/locking.md).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/bootinfo.h>
#include <asm/flushtlb.h>
#include <hv/console.h>
#include <asm/descriptors.h>
#include <hv/domain.h>
#include <hv/iocap.h>
#include <hv/evtchn.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/paging.h>
#include <asm/pv_mmu.h>
#include <hv/reservation.h>

static uint64_t *env_table(void *ctx, uint64_t mfn)
{
    return mfn_to_virt(mfn);
}

/* A frame changes type: no stale translation (global user ones included) may survive, on any CPU. */
static void env_flush(void *ctx)
{
    flush_tlb_mask(cpu_online_mask);
}

/* Waiting for another CPU's writable claim: it may be flushing, and waiting for us to flush. */
static void env_relax(void *ctx)
{
    cpu_relax();
    spin_wait_work();
}

static void env_init_l4(void *ctx, uint64_t *l4)
{
    for (unsigned int s = HV_SLOT_FIRST; s <= HV_SLOT_LAST; s++)
        l4[s] = idle_l4()[s];
}

static int env_validate_segdesc(void *ctx, uint64_t mfn)
{
    uint64_t *descs = mfn_to_virt(mfn);
    for (unsigned int i = 0; i < 512; i++)
        if (!check_descriptor(&descs[i]))
            return -XEN_EINVAL;
    return 0;
}

/* The owner of a table or frame (a link: dying owners included, their tables still count). */
static bool domid_is_privileged(uint16_t domid)
{
    const struct domain *d = domain_lookup_any(domid);

    return d && domain_is_privileged(d);
}

/* An update naming DOMID_XEN: the M2P frames, read-only, for privileged domains. */
static bool env_shared_ro(void *ctx, uint16_t domid, uint64_t mfn)
{
    return (frame_table[mfn].flags & PGF_SHARED_RO_PRIV) && domid_is_privileged(domid);
}

/* An update naming another domain's frames (mmu_update's foreign domain): Dom0's tables. */
static bool env_foreign(void *ctx, uint16_t pt_owner, uint16_t pg_owner)
{
    return domid_is_privileged(pt_owner);
}

/* Is `mfn` inside a RAM range the boot loader reported? */
static bool frame_is_boot_ram(uint64_t mfn)
{
    for (unsigned int i = 0; i < boot_ram_ranges(); i++) {
        uint64_t addr, size;
        boot_ram_range(i, &addr, &size);
        if (mfn >= addr >> PAGE_SHIFT && mfn < (addr + size) >> PAGE_SHIFT)
            return true;
    }
    return false;
}

#define IOAPIC_MFN      0xfec00UL
#define HPET_MFN        0xfed00UL
#define MSI_FIRST_MFN   0xfee00UL          /* the MSI window, with the local APIC */
#define MSI_LAST_MFN    0xfeeffUL          /* (the hardware domain may not map it: iocaps.c) */

/*
 * Which I/O frames (outside the frame table or OWNER_NONE) a domain may map:
 * those of its I/O memory capabilities (hv/iocap.h: the hardware domain's,
 * as Xen 4.17 gives them, every frame of the machine's address space but
 * the MSI window with the local APIC; another domain's, what
 * XEN_DOMCTL_iomem_permission granted it); the I/O APIC and HPET
 * (env_iomem_ro) only read-only. Like Xen, the first MiB is I/O (firmware,
 * BIOS data) even where it is RAM; RAM above it that nobody owns (boot
 * modules, for instance) is not I/O and stays refused.
 */
static bool env_iomem(void *ctx, uint16_t domid, uint64_t mfn)
{
    struct domain *d = domain_lookup_any(domid);

    if (!d || !iomem_access_permitted(d, mfn, mfn))
        return false;
    return mfn < 0x100 || !frame_is_boot_ram(mfn);
}

/*
 * In a hole of the machine's memory map, Xen reports to its hardware domain
 * the frames it may not map (the MSI window) and the I/O APIC's page as
 * reserved (XENMEM_machine_memory_map).
 */
const struct e820_dom0_range pv_dom0_reserved_io[PV_DOM0_RESERVED_IO] = {
    { IOAPIC_MFN << PAGE_SHIFT, (IOAPIC_MFN + 1) << PAGE_SHIFT },
    { MSI_FIRST_MFN << PAGE_SHIFT, (MSI_LAST_MFN + 1) << PAGE_SHIFT },
};

/* As Xen's mmio_ro_ranges: the I/O APIC and the HPET stay read-only for Dom0. */
static bool env_iomem_ro(void *ctx, uint64_t mfn)
{
    return mfn == IOAPIC_MFN || mfn == HPET_MFN;
}

/* PWT/PCD/PAT in L1 entries: Xen allows them to domains with I/O memory or ports (l1_disallow_mask). */
static bool env_cache_attrs(void *ctx, uint16_t domid)
{
    struct domain *d = domain_lookup_any(domid);

    return d && cache_flush_permitted(d);
}

/* A frame its domain let go (given back, destroyed) leaves it with its last reference. */
static void env_last_ref(void *ctx, uint64_t mfn)
{
    domain_release_frame(mfn);
}

static void env_explain(void *ctx, uint64_t mfn, const char *why)
{
    log_debug("pv-mmu: d%u mfn %#lx refused: %s", current ? current->domain->id : 0, mfn, why);
}

struct pt_env pv_mmu_env;                      /* filled once by pv_mmu_init */
/* The audit's recount, one word per frame; taken at boot so audits allocate nothing. One audit at a time. */
static uint64_t *audit_scratch;
static DEFINE_SPINLOCK(audit_lock, LOCK_AUDIT);

void pv_mmu_init(void)
{
    pv_mmu_env = (struct pt_env){
        .frames = frame_table,
        .nr_frames = max_mfn,
        .table = env_table,
        .direct = mfn_to_virt(0),
        .flush = env_flush,
        .relax = env_relax,
        .init_l4_hv_slots = env_init_l4,
        .validate_segdesc = env_validate_segdesc,
        .shared_ro_permitted = env_shared_ro,
        .foreign_permitted = env_foreign,
        .iomem_permitted = env_iomem,
        .iomem_readonly = env_iomem_ro,
        .cache_attrs_permitted = env_cache_attrs,
        .last_ref = env_last_ref,
        .explain = env_explain,
    };
    audit_scratch = xzalloc_bytes(max_mfn * sizeof(uint64_t));
}

int pv_set_root(struct vcpu *v, bool user, uint64_t mfn)
{
    mfn_t *slot = user ? &v->arch.guest_table_user : &v->arch.guest_table;
    int rc = pt_switch_root(&pv_mmu_env, v->domain->id, *slot ? *slot : PT_ROOT_NONE,
                            mfn ? mfn : PT_ROOT_NONE);
    if (rc)
        return rc;
    *slot = mfn;
    return 0;
}

/* Caller holds d->page_lock (the owner's). */
int pv_get_writable_frame(struct domain *d, uint64_t mfn)
{
    int rc = pt_get_page(&pv_mmu_env, mfn, d->id);
    if (rc)
        return rc;
    rc = pt_get_page_type(&pv_mmu_env, mfn, PGT_writable_page, d->id);
    if (rc)
        pt_put_page(&pv_mmu_env, mfn);
    return rc;
}

void pv_put_writable_frame(uint64_t mfn)
{
    pt_put_page_type(&pv_mmu_env, mfn);
    pt_put_page(&pv_mmu_env, mfn);
}

static void audit_report(void *ctx, uint64_t mfn, const char *what)
{
    log_err("audit: mfn %#lx: %s", mfn, what);
}

/* A reference held outside the tables (grant_table.h, evtchn.h): general, and writable if so. */
static void audit_held(void *a, mfn_t mfn, bool writable)
{
    pt_audit_held(a, mfn, writable ? (uint32_t)PGT_writable_page : 0);
}

/* The references a vCPU's registered areas hold: its GDT frames, a moved vcpu_info. */
static void audit_vcpu_refs(struct pt_audit *a, const struct vcpu *v)
{
    for (unsigned int i = 0; i < v->arch.gdt_nr_frames; i++)
        pt_audit_held(a, v->arch.gdt_frames[i], (uint32_t)PGT_seg_desc_page);
    if (v->vcpu_info_mfn)
        audit_held(a, v->vcpu_info_mfn, true);
}

/*
 * The domain whose tables may hold foreign entries naming d's frames (only
 * a privileged table owner may map another domain's frames, env_foreign,
 * and only Dom0 is created privileged), or NULL when that is d itself.
 * Grant mappings need no such lock: they change under the granter's page
 * lock too (grant_table.c).
 */
static struct domain *foreign_mapper_of(const struct domain *d)
{
    struct domain *m = domain_lookup_any(0);

    return m && m != d && domain_is_privileged(m) ? m : NULL;
}

/*
 * Take d's page lock and the foreign mapper's (m, may be NULL), as a pair
 * when this CPU holds neither. A crash inside a page-locked section audits
 * with one of them held already: the other only if it is free (waiting for
 * it could deadlock); *partial says the mapper's was not had.
 */
static void audit_lock_domains(struct domain *d, struct domain *m, bool held[2], bool *partial)
{
    held[0] = spin_is_mine(&d->page_lock);
    held[1] = m && spin_is_mine(&m->page_lock);
    *partial = false;
    if (!m) {
        if (!held[0])
            spin_lock(&d->page_lock);
    } else if (!held[0] && !held[1]) {
        spin_lock_pair(&d->page_lock, &m->page_lock);
    } else if (!held[0]) {
        spin_lock(&d->page_lock);               /* its crash path holds only the mapper's */
    } else if (!held[1] && !spin_trylock(&m->page_lock)) {
        held[1] = true;                         /* not ours to unlock */
        *partial = true;
    }
}

static void audit_unlock_domains(struct domain *d, struct domain *m, const bool held[2])
{
    if (m && !held[1])
        spin_unlock(&m->page_lock);
    if (!held[0])
        spin_unlock(&d->page_lock);
}

int pv_mmu_audit(struct domain *d)
{
    uint64_t *scratch = audit_scratch;
    struct domain *mapper = foreign_mapper_of(d);
    bool held[2], partial;
    struct vcpu *v;
    unsigned long roots_bytes = 2 * d->max_vcpus * sizeof(uint64_t);
    uint64_t *roots;
    unsigned int nr_roots = 0;
    struct pt_audit a;

    if (domain_is_dying(d)) {
        /* Its tables are being taken apart: nothing to recount against (and no reference to lend). */
        log_info("audit: domain %u: dying, not audited", d->id);
        return 0;
    }
    roots = xzalloc_bytes(roots_bytes);         /* each vCPU's kernel and user root */
    if (!scratch || !roots) {
        xfree_bytes(roots, roots_bytes);
        return -XEN_ENOMEM;
    }
    /*
     * The counts of d's frames change under d's page lock, and under the
     * foreign mapper's for its entries naming them (foreign mmu_update
     * takes only its own): with both held, every holder is still.
     */
    audit_lock_domains(d, mapper, held, &partial);
    /*
     * The audit recounts what page tables and every vCPU's roots hold, and
     * the references held outside them, each counted where it is held:
     * registered areas (GDT frames, a moved vcpu_info, the PIRQ EOI page,
     * FIFO event pages) and other domains' grant mappings of d's frames.
     * None is dropped, so a frame d gave back that only such a reference
     * holds stays where it is.
     */
    for_each_vcpu(d, v) {
        roots[nr_roots++] = v->arch.guest_table ? v->arch.guest_table : PT_ROOT_NONE;
        roots[nr_roots++] = v->arch.guest_table_user ? v->arch.guest_table_user : PT_ROOT_NONE;
    }
    spin_lock_nested(&audit_lock, &d->page_lock);
    pt_audit_begin(&a, &pv_mmu_env, d->id, roots, nr_roots, scratch, audit_report, NULL);
    for_each_vcpu(d, v)
        audit_vcpu_refs(&a, v);
    if (d->arch.pirq_eoi_mfn)
        audit_held(&a, d->arch.pirq_eoi_mfn, true);
    grant_table_audit_refs(d, audit_held, &a);
    evtchn_fifo_audit_refs(d, audit_held, &a);
    int n = pt_audit_end(&a);
    spin_unlock(&audit_lock);
    audit_unlock_domains(d, mapper, held);
    xfree_bytes(roots, roots_bytes);
    log_info("audit: domain %u: %d mismatch%s%s", d->id, n, n == 1 ? "" : "es",
             partial ? " (Dom0's foreign mappings may have been changing)" : "");
    return n;
}
