/*
 * The guest's GDT. Frames given to set_gdt are shown to the CPU in the first
 * 14 pages of our GDT area (selectors below 0xe000); our own descriptors live
 * in the page after them. A descriptor may never reach ring 0: present code
 * and data segments get DPL 3, system descriptors (TSS, LDT, gates) are
 * refused. Xen also accepts call gates (and emulates them); we refuse them.
 * A GDT frame must not be writable by its guest: checked when it is loaded,
 * and update_va_mapping/mmu_update refuse writable mappings of it after.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/cpu.h>
#include <hv/descriptors.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/io.h>
#include <hv/lib.h>
#include <hv/paging.h>
#include <hv/pv.h>

#define SEG_P     (1ULL << 47)
#define SEG_S     (1ULL << 44)
#define SEG_DPL   (3ULL << 45)
#define SEG_TYPE  (0xfULL << 40)

static pte_t *gdt_l1;            /* the L1 mapping HV_GDT_VIRT */
static mfn_t zero_mfn;

void gdt_area_init(void)
{
    zero_mfn = alloc_frame(OWNER_HV);
    if (zero_mfn == INVALID_MFN ||
        map_frames(idle_l4(), HV_GDT_VIRT, zero_mfn, 1, _PAGE_PRESENT | _PAGE_NX,
                   _PAGE_PRESENT | _PAGE_RW))
        panic("cannot map the GDT area");
    pte_t *l3 = mfn_to_virt(pte_mfn(idle_l4()[l4_index(HV_GDT_VIRT)]));
    pte_t *l2 = mfn_to_virt(pte_mfn(l3[l3_index(HV_GDT_VIRT)]));
    gdt_l1 = mfn_to_virt(pte_mfn(l2[l2_index(HV_GDT_VIRT)]));
    for (unsigned int i = 0; i < HV_GDT_GUEST_PAGES; i++)
        gdt_l1[i] = make_pte(zero_mfn, _PAGE_PRESENT | _PAGE_NX);
    gdt_l1[HV_GDT_GUEST_PAGES] = make_pte(virt_to_mfn(cpu0_gdt), _PAGE_PRESENT | _PAGE_RW | _PAGE_NX);
}

void gdt_load_vcpu(const struct vcpu *v)
{
    for (unsigned int i = 0; i < HV_GDT_GUEST_PAGES; i++) {
        mfn_t m = i < v->gdt_nr_frames ? v->gdt_frames[i] : zero_mfn;
        /* Writable for the CPU, which sets accessed bits; the guest only ever sees it read-only. */
        gdt_l1[i] = make_pte(m, _PAGE_PRESENT | (m == zero_mfn ? 0 : _PAGE_RW) | _PAGE_NX);
        invlpg(HV_GDT_VIRT + i * PAGE_SIZE);
    }
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

/* May this frame hold descriptors? Owned, not a page table, not writable for the guest. */
static bool descriptor_frame_ok(struct vcpu *v, mfn_t mfn)
{
    const struct page_info *pg;

    if (!mfn_valid(mfn))
        return false;
    pg = mfn_to_page(mfn);
    if (pg->owner != v->domain->id || (pg->flags & PGF_SHARED_INFO))
        return false;
    if ((pg->type_info & PGT_count_mask) && (pg->type_info & PGT_type_mask) != PGT_seg_desc_page &&
        (pg->type_info & PGT_type_mask) != PGT_writable_page)
        return false;
    return true;
}

long do_set_gdt(uint64_t list, uint64_t entries, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current;
    uint64_t frames[HV_GDT_GUEST_PAGES];
    unsigned int nr = (unsigned int)((entries + 511) / 512);

    if (entries > HV_GDT_FIRST_RESERVED)
        return -XEN_EINVAL;
    if (copy_from_guest(frames, list, nr * sizeof(frames[0])))
        return -XEN_EFAULT;
    /* Check every frame and every descriptor before changing anything. */
    for (unsigned int i = 0; i < nr; i++) {
        if (!descriptor_frame_ok(v, frames[i]) || pv_frame_mapped_writable(v, frames[i]))
            return -XEN_EINVAL;
        uint64_t *descs = mfn_to_virt(frames[i]);
        for (unsigned int j = 0; j < 512; j++) {
            uint64_t d = descs[j];
            if (!check_descriptor(&d))
                return -XEN_EINVAL;
        }
    }
    for (unsigned int i = 0; i < v->gdt_nr_frames; i++)
        mfn_to_page(v->gdt_frames[i])->type_info = PGT_none;
    for (unsigned int i = 0; i < nr; i++) {
        uint64_t *descs = mfn_to_virt(frames[i]);
        for (unsigned int j = 0; j < 512; j++)
            check_descriptor(&descs[j]);        /* apply the DPL fix-ups */
        mfn_to_page(frames[i])->type_info = PGT_seg_desc_page | 1;
        v->gdt_frames[i] = frames[i];
    }
    v->gdt_nr_frames = nr;
    v->gdt_entries = (unsigned int)entries;
    gdt_load_vcpu(v);
    return 0;
}

long do_update_descriptor(uint64_t maddr, uint64_t desc, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current;
    mfn_t mfn = maddr >> PAGE_SHIFT;

    if ((maddr & 7) || !check_descriptor(&desc))
        return -XEN_EINVAL;
    if (!descriptor_frame_ok(v, mfn))
        return -XEN_EINVAL;
    *(volatile uint64_t *)((uint8_t *)mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1))) = desc;
    return 0;
}
