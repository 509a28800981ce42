/*
 * The guest's GDT. Frames given to set_gdt are shown to the CPU in the first
 * 14 pages of our GDT area (selectors below 0xe000); our own descriptors live
 * in the page after them. A descriptor may never reach ring 0: present code
 * and data segments get DPL 3, system descriptors (TSS, LDT, gates) are
 * refused. Xen also accepts call gates (and emulates them); we refuse them.
 * GDT frames hold the descriptor-page type while loaded, so the guest can
 * have no writable mapping of them (the frame-type machine sees to that).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <asm/cpu.h>
#include <asm/descriptors.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>

#define SEG_P     (1ULL << 47)
#define SEG_S     (1ULL << 44)
#define SEG_DPL   (3ULL << 45)
#define SEG_TYPE  (0xfULL << 40)

/*
 * Each CPU has its own GDT area of HV_GDT_AREA_PAGES pages from HV_GDT_VIRT +
 * cpu * HV_GDT_AREA_PAGES pages: the running vCPU's GDT frames, the CPU's
 * reserved page, then the LDT. One L1 maps them all (this_cpu()->gdt_ptes
 * points at the CPU's share of it).
 */
static pte_t *gdt_l1;
#define LDT_FIRST_PAGE 16
#define LDT_PAGES      16
#define LDT_VIRT(ci)   ((ci)->gdt_virt + LDT_FIRST_PAGE * PAGE_SIZE)
_Static_assert(LDT_FIRST_PAGE + LDT_PAGES == HV_GDT_AREA_PAGES, "GDT area layout");
_Static_assert(NR_CPUS * HV_GDT_AREA_PAGES <= 512, "every CPU's GDT area under one L1");
static mfn_t zero_mfn;

void gdt_area_init(unsigned int cpu)
{
    struct cpu_info *ci = cpu_info_of(cpu);
    pte_t *ptes;

    if (!gdt_l1) {
        zero_mfn = alloc_frame(OWNER_HV);
        if (zero_mfn == INVALID_MFN ||
            map_frames(idle_l4(), HV_GDT_VIRT, zero_mfn, 1, PT_PRESENT | PT_NX,
                       PT_PRESENT | PT_RW))
            panic("cannot map the GDT area");
        pte_t *l3 = mfn_to_virt(pte_mfn(idle_l4()[l4_index(HV_GDT_VIRT)]));
        pte_t *l2 = mfn_to_virt(pte_mfn(l3[l3_index(HV_GDT_VIRT)]));
        gdt_l1 = mfn_to_virt(pte_mfn(l2[l2_index(HV_GDT_VIRT)]));
    }
    ptes = gdt_l1 + cpu * HV_GDT_AREA_PAGES;
    ci->gdt_ptes = ptes;
    ci->gdt_virt = HV_GDT_VIRT + (uint64_t)cpu * HV_GDT_AREA_PAGES * PAGE_SIZE;
    for (unsigned int i = 0; i < HV_GDT_AREA_PAGES; i++)
        ptes[i] = make_pte(zero_mfn, PT_PRESENT | PT_NX);
    ptes[HV_GDT_GUEST_PAGES] = make_pte(virt_to_mfn(ci->gdt), PT_PRESENT | PT_RW | PT_NX);
}

/*
 * The guest's LDT (MMUEXT_SET_LDT): its pages are mapped right after the GDT
 * area while the vCPU runs, through an LDT descriptor in our GDT page. Pages
 * are taken as descriptor pages when the LDT is set; a page that is not
 * mapped then, or holds a refused descriptor, shows as empty (any selector in
 * it faults) - Xen instead maps LDT pages lazily on first use.
 */
static void ldt_load(const struct vcpu *v)
{
    struct cpu_info *ci = this_cpu();
    pte_t *ptes = ci->gdt_ptes + LDT_FIRST_PAGE;    /* locals: invlpg's memory clobber reloads no field */
    uint64_t va = LDT_VIRT(ci);
    unsigned int n = v->arch.ldt_nr_frames, top = n > ci->ldt_pages ? n : ci->ldt_pages;

    /* Pages from `top` on show the zero page already (see gdt_load_vcpu). */
    ci->ldt_pages = (uint8_t)n;
    for (unsigned int i = 0; i < top; i++, va += PAGE_SIZE) {
        mfn_t m = i < v->arch.ldt_nr_frames && v->arch.ldt_frames[i] ? v->arch.ldt_frames[i] : zero_mfn;
        ptes[i] = make_pte(m, PT_PRESENT | (m == zero_mfn ? 0 : PT_RW) | PT_NX);
        invlpg(va);
    }
    if (!v->arch.ldt_ents) {
        __asm__ volatile("lldt %w0" :: "r"(0));
        return;
    }
    uint64_t base = LDT_VIRT(ci), limit = v->arch.ldt_ents * 8 - 1;
    ci->gdt[(HV_LDT >> 3) - HV_GDT_FIRST_RESERVED] =
        (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82UL << 40) |
        ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    ci->gdt[(HV_LDT >> 3) - HV_GDT_FIRST_RESERVED + 1] = base >> 32;
    __asm__ volatile("lldt %w0" :: "r"(HV_LDT));
}

void ldt_release(struct vcpu *v)
{
    for (unsigned int i = 0; i < v->arch.ldt_nr_frames; i++)
        if (v->arch.ldt_frames[i]) {
            pt_put_page_type(&pv_mmu_env, v->arch.ldt_frames[i]);
            pt_put_page(&pv_mmu_env, v->arch.ldt_frames[i]);
        }
    memset(v->arch.ldt_frames, 0, sizeof(v->arch.ldt_frames));
    v->arch.ldt_nr_frames = 0;
    v->arch.ldt_ents = 0;
}

long ldt_set(struct vcpu *v, uint64_t base, unsigned int ents)
{
    struct domain *d = v->domain;

    if ((base & (PAGE_SIZE - 1)) || ents > 8192 || !guest_range_ok(base, (uint64_t)ents * 8) ||
        (base >= HYPERVISOR_VIRT_START && base < HYPERVISOR_VIRT_END))
        return -XEN_EINVAL;
    ldt_release(v);
    v->arch.ldt_base = base;
    v->arch.ldt_ents = ents;
    v->arch.ldt_nr_frames = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    for (unsigned int i = 0; i < v->arch.ldt_nr_frames; i++) {
        mfn_t m = pv_guest_frame_at(v, base + i * PAGE_SIZE);
        if (m == INVALID_MFN || pt_get_page(&pv_mmu_env, m, d->id))
            continue;
        if (pt_get_page_type(&pv_mmu_env, m, PGT_seg_desc_page, d->id)) {
            pt_put_page(&pv_mmu_env, m);
            continue;
        }
        v->arch.ldt_frames[i] = m;
    }
    if (v == current)
        ldt_load(v);
    return 0;
}

void gdt_load_vcpu(const struct vcpu *v)
{
    struct cpu_info *ci = this_cpu();
    pte_t *ptes = ci->gdt_ptes;                 /* locals: invlpg's memory clobber reloads no field */
    uint64_t va = ci->gdt_virt;
    unsigned int n = v->arch.gdt_nr_frames, top = n > ci->gdt_pages ? n : ci->gdt_pages;

    /*
     * Only the pages the last vCPU or this one maps: the rest show the zero
     * page since gdt_area_init, so a switch between vCPUs without GDT frames
     * (the usual PV kernel) rewrites and flushes nothing.
     */
    ci->gdt_pages = (uint8_t)n;
    for (unsigned int i = 0; i < top; i++, va += PAGE_SIZE) {
        mfn_t m = i < v->arch.gdt_nr_frames ? v->arch.gdt_frames[i] : zero_mfn;
        /* Writable for the CPU, which sets accessed bits; the guest only ever sees it read-only. */
        ptes[i] = make_pte(m, PT_PRESENT | (m == zero_mfn ? 0 : PT_RW) | PT_NX);
        invlpg(va);
    }
    ldt_load(v);
}

bool check_descriptor(uint64_t *desc)
{
    uint64_t d = *desc;

    if (!(d & SEG_P))
        return true;                            /* a not-present descriptor always faults */
    d |= SEG_DPL;                               /* nothing below ring 3 */
    if (d & SEG_S) {
        *desc = d;                              /* code/data: no base/limit check in 64-bit */
        return true;
    }
    if ((d & SEG_TYPE) == 0) {
        *desc = d;                              /* type 0: second half of a gate, harmless */
        return true;
    }
    return false;                               /* TSS, LDT, gates */
}

long do_set_gdt(XEN_GUEST_HANDLE_PARAM(xen_ulong_t) list, uint64_t entries)
{
    uint64_t frames[HV_GDT_GUEST_PAGES];
    unsigned int nr = (unsigned int)((entries + 511) / 512);

    if (entries > HV_GDT_FIRST_RESERVED)
        return -XEN_EINVAL;
    if (copy_from_guest(frames, list, nr))
        return -XEN_EFAULT;
    return pv_set_gdt(current, frames, (unsigned int)entries);
}

long pv_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned int entries)
{
    struct domain *d = v->domain;
    unsigned int nr = (entries + 511) / 512, got = 0;

    if (entries > HV_GDT_FIRST_RESERVED)
        return -XEN_EINVAL;
    spin_lock(&d->page_lock);
    /* Take every frame as a descriptor page (which checks all its descriptors) first. */
    for (; got < nr; got++) {
        if (pt_get_page(&pv_mmu_env, frames[got], d->id))
            break;
        if (pt_get_page_type(&pv_mmu_env, frames[got], PGT_seg_desc_page, d->id)) {
            pt_put_page(&pv_mmu_env, frames[got]);
            break;
        }
    }
    if (got < nr) {
        while (got--) {
            pt_put_page_type(&pv_mmu_env, frames[got]);
            pt_put_page(&pv_mmu_env, frames[got]);
        }
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    gdt_release(v);
    memcpy(v->arch.gdt_frames, frames, nr * sizeof(frames[0]));
    v->arch.gdt_nr_frames = nr;
    v->arch.gdt_entries = entries;
    spin_unlock(&d->page_lock);
    if (v == current)
        gdt_load_vcpu(v);
    return 0;
}

void gdt_release(struct vcpu *v)
{
    for (unsigned int i = 0; i < v->arch.gdt_nr_frames; i++) {
        pt_put_page_type(&pv_mmu_env, v->arch.gdt_frames[i]);
        pt_put_page(&pv_mmu_env, v->arch.gdt_frames[i]);
    }
    v->arch.gdt_nr_frames = 0;
}

/*
 * Write one descriptor at machine address `maddr`. Like Xen: a descriptor page
 * keeps its type; any other frame must be able to take the writable type (so
 * never a page table).
 */
long do_update_descriptor(uint64_t maddr, uint64_t desc, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct domain *d = current->domain;
    mfn_t mfn = maddr >> PAGE_SHIFT;
    uint32_t type;

    if ((maddr & 7) || !check_descriptor(&desc))
        return -XEN_EINVAL;
    spin_lock(&d->page_lock);
    if (pt_get_page(&pv_mmu_env, mfn, d->id)) {
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    type = (mfn_to_page(mfn)->type_info & PGT_type_mask) == PGT_seg_desc_page ?
           PGT_seg_desc_page : PGT_writable_page;
    if (pt_get_page_type(&pv_mmu_env, mfn, type, d->id)) {
        pt_put_page(&pv_mmu_env, mfn);
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    *(volatile uint64_t *)((uint8_t *)mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1))) = desc;
    pt_put_page_type(&pv_mmu_env, mfn);
    pt_put_page(&pv_mmu_env, mfn);
    spin_unlock(&d->page_lock);
    return 0;
}
