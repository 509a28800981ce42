/*
 * The initial domain's builder: Xen's 64-bit PV boot protocol.
 * Check first (ELF and notes, layout, memory), then apply (allocate, load,
 * fill start_info, P2M and page tables, set the registers); the apply half
 * cannot fail for a bad image. Layout facts: lib/boot_layout.c.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/features.h>
#include <xl/boot_layout.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/sched.h>
#include <xl/elf_xen.h>
#include <xl/string.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>
#include <hv/evtchn.h>

/* Guest-visible protections of the initial tables (as Xen's dom0 builder). */
#define L1_PROT (PT_PRESENT | PT_RW | PT_ACCESSED | PT_USER)
#define LN_PROT (PT_PRESENT | PT_RW | PT_ACCESSED | PT_DIRTY | PT_USER)

struct load_ctx { uint8_t *kernel_base; uint64_t limit; };

static int load_write(void *ctx, uint64_t off, const void *src, size_t len)
{
    struct load_ctx *c = ctx;
    if (off > c->limit || len > c->limit - off)
        return -XEN_EINVAL;
    memcpy(c->kernel_base + off, src, len);
    return 0;
}

static int load_zero(void *ctx, uint64_t off, size_t len)
{
    struct load_ctx *c = ctx;
    if (off > c->limit || len > c->limit - off)
        return -XEN_EINVAL;
    memset(c->kernel_base + off, 0, len);
    return 0;
}

/* Page-table frames come from the pt range in Xen's order: L4, L3s, L2s, L1s. */
struct pt_alloc { uint64_t next[4], end[4]; mfn_t first_mfn; };

static pte_t *pt_table(struct pt_alloc *a, pte_t *parent, unsigned int idx, int level)
{
    if (!(parent[idx] & PT_PRESENT)) {
        BUG_ON(a->next[level] >= a->end[level]);
        parent[idx] = make_pte(a->first_mfn + a->next[level]++, LN_PROT);
    }
    return mfn_to_virt(pte_mfn(parent[idx]));
}

static void build_page_tables(struct domain *d, const struct boot_layout *l)
{
    uint64_t pt_pfn = boot_layout_pfn(l, l->pt.start);
    struct pt_alloc a = { .first_mfn = d->arch.first_mfn };
    pte_t *l4 = mfn_to_virt(d->arch.first_mfn + pt_pfn);

    a.next[3] = pt_pfn + 1;                       a.end[3] = a.next[3] + l->nr_l3;
    a.next[2] = a.end[3];                         a.end[2] = a.next[2] + l->nr_l2;
    a.next[1] = a.end[2];                         a.end[1] = a.next[1] + l->nr_l1;

    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t pfn = boot_layout_pfn(l, va);
        pte_t *l3 = pt_table(&a, l4, l4_index(va), 3);
        pte_t *l2 = pt_table(&a, l3, l3_index(va), 2);
        pte_t *l1 = pt_table(&a, l2, l2_index(va), 1);
        uint64_t flags = L1_PROT;
        if (va >= l->pt.start && va < l->pt.end)
            flags &= ~PT_RW;                   /* page tables are never guest-writable */
        l1[l1_index(va)] = make_pte(d->arch.first_mfn + pfn, flags);
    }
    /* The hypervisor's slots, identical in every address space. */
    for (unsigned int s = HV_SLOT_FIRST; s <= HV_SLOT_LAST; s++)
        l4[s] = idle_l4()[s];

}

/*
 * Dom0's INIT_P2M list: map l->p2m (at the kernel's chosen address, outside
 * the bootstrap region) with frames taken in order from PFN l->p2m_pfn, in
 * the order Xen's setup_pv_physmap() allocates them: walking the list page
 * by page, a missing L3, L2 or L1 table first, then the page itself. Tables
 * the initial mapping already has are shared. Fills the list as it goes.
 */
static void map_init_p2m(struct domain *d, const struct boot_layout *l, unsigned long nr_pages)
{
    uint64_t next = l->p2m_pfn, end_pfn = l->p2m_pfn + l->nr_p2m_frames;
    pte_t *l4 = mfn_to_virt(d->arch.first_mfn + boot_layout_pfn(l, l->pt.start));
    uint64_t va_end = (l->p2m.end + PAGE_SIZE - 1) & PAGE_MASK;
    unsigned long pfn = 0;

    for (uint64_t va = l->p2m.start & PAGE_MASK; va < va_end; va += PAGE_SIZE) {
        pte_t *t = l4;
        for (int level = 4; level > 1; level--) {
            unsigned int idx = level == 4 ? l4_index(va) : level == 3 ? l3_index(va) : l2_index(va);
            if (!(t[idx] & PT_PRESENT)) {
                BUG_ON(next >= end_pfn);
                t[idx] = make_pte(d->arch.first_mfn + next++, LN_PROT);
            }
            t = mfn_to_virt(pte_mfn(t[idx]));
        }
        BUG_ON(next >= end_pfn);
        mfn_t page = d->arch.first_mfn + next++;
        t[l1_index(va)] = make_pte(page, L1_PROT | PT_DIRTY);
        uint64_t *list = mfn_to_virt(page);
        for (unsigned int i = 0; i < PAGE_SIZE / 8 && pfn < nr_pages; i++, pfn++)
            list[i] = d->arch.first_mfn + pfn;
    }
    BUG_ON(next != end_pfn);
}

/*
 * Give the initial tables their references as if the guest had pinned its L4
 * and loaded it: every frame's type and counts are exact from the first
 * instruction, and the audit sees a consistent domain.
 */
static void adopt_page_tables(struct domain *d, const struct boot_layout *l)
{
    mfn_t l4 = d->arch.first_mfn + boot_layout_pfn(l, l->pt.start);
    int rc = pt_adopt_l4(&pv_mmu_env, d->id, l4);

    if (!rc)
        rc = pv_set_root(d->vcpu[0], false, l4);
    BUG_ON(rc);                                   /* our own tables must validate */
}

/*
 * Dom0 learns about the boot console from a dom0_vga_console_info record that
 * follows start_info in the same page. We report VGA text mode 3 when the BIOS
 * left the display in it (BIOS data area byte 0x449 = current video mode).
 */
static void dom0_console_info(struct start_info *si)
{
    const uint8_t *bda_mode = maddr_to_virt(0x449);
    const uint8_t *bda_rows = maddr_to_virt(0x484);
    const uint16_t *bda_cols = maddr_to_virt(0x44a);
    struct dom0_vga_console_info *vga = (void *)((uint8_t *)si + sizeof(*si));

    if (*bda_mode != 0x03)
        return;
    memset(vga, 0, sizeof(*vga));
    vga->video_type = 0x03;                       /* XEN_VGATYPE_TEXT_MODE_3 */
    vga->u.text_mode_3.font_height = 16;
    vga->u.text_mode_3.rows = (uint16_t)(*bda_rows ? *bda_rows + 1 : 25);
    vga->u.text_mode_3.columns = *bda_cols ? *bda_cols : 80;
    si->console.dom0.info_off = sizeof(*si);
    si->console.dom0.info_size = sizeof(*vga);
}

static void fill_start_info(struct domain *d, const struct boot_layout *l,
                            const struct pv_image *img)
{
    struct start_info *si = mfn_to_virt(d->arch.first_mfn + boot_layout_pfn(l, l->start_info.start));
    const char magic[] = "xen-3.0-x86_64";

    memcpy(si->magic, magic, sizeof(magic));
    si->nr_pages = img->nr_pages;
    si->shared_info = d->shared_info_mfn << PAGE_SHIFT;
    if (d->id != 0) {
        /* A domU: xenstore and console rings, each with a port Dom0 may bind. */
        si->flags = 0;
        si->store_mfn = d->arch.first_mfn + boot_layout_pfn(l, l->xenstore.start);
        si->store_evtchn = (uint32_t)evtchn_alloc_unbound_port(d, 0);
        si->console.domU.mfn = d->arch.first_mfn + boot_layout_pfn(l, l->console.start);
        si->console.domU.evtchn = (uint32_t)evtchn_alloc_unbound_port(d, 0);
        si->first_p2m_pfn = l->pages_needed;
    } else {
        /*
         * Like Xen, ask Dom0 for processor power-management data (Px and Cx, the
         * SIF_PM_MASK byte); until platform_op exists an upload is refused.
         */
        si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN | (0x3u << 8);
        /* Xen reports here the pages of its first allocation: a power of two covering the
           bootstrap region, plus the initrd's (lib/boot_layout.c computes the same). */
        si->first_p2m_pfn = l->pages_needed;
        si->nr_p2m_frames = l->nr_p2m_frames;
        dom0_console_info(si);
    }
    si->pt_base = l->pt.start;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = l->p2m.start;
    if (img->initrd_len) {
        if (l->initrd_mapped) {
            si->mod_start = l->initrd.start;
        } else {
            si->mod_start = l->initrd_pfn;
            si->flags |= SIF_MOD_START_PFN;
        }
        si->mod_len = img->initrd_len;
    }
    if (img->cmdline) {
        size_t n = strnlen(img->cmdline, MAX_GUEST_CMDLINE - 1);
        memcpy(si->cmd_line, img->cmdline, n);
    }
    d->arch.start_info_va = l->start_info.start;
}

int dom0_build(struct domain *d, const struct pv_image *img)
{
    return pv_build(d, img);
}

/*
 * Build a PV domain from an ELF image. Domain 0 gets Xen's dom0 layout and
 * start_info (privileged, initial domain, VGA console info); any other domain
 * gets the domU layout: a xenstore page and a console ring page after
 * start_info, each with an unbound event channel toward Dom0.
 */
static int pv_build_elf(struct domain *d, const struct pv_image *img,
                        const void *kernel, size_t kernel_len)
{
    static struct elf_xen_info elf;
    struct boot_layout l;
    struct boot_layout_in in;
    struct vcpu *v = d->vcpu[0];
    bool initial = d->id == 0;
    int rc;

    /* --- check --- */
    rc = elf_xen_parse(kernel, kernel_len, &elf);
    if (rc) {
        log_err("d%u: kernel image rejected: %s", d->id, elf.reason);
        return rc;
    }
    /* Like Xen: a kernel that lists its supported features must list Dom0 among them. */
    if (initial && elf_xen_has_note(&elf, XEN_ELFNOTE_SUPPORTED_FEATURES) &&
        !(elf.f_supported & (1u << XENFEAT_dom0))) {
        log_err("dom0: kernel image rejected: it does not declare support for Dom0 operation (XENFEAT_dom0)");
        return -XEN_EINVAL;
    }
    /* Xen maps Dom0's P2M list where INIT_P2M asks; a domU's comes with a toolstack. */
    if (elf.p2m_base != ELF_XEN_UNSET && !initial) {
        log_err("d%u: kernel image rejected: INIT_P2M placement is not supported for a domU yet",
                d->id);
        return -XEN_EOPNOTSUPP;
    }
    memset(&in, 0, sizeof(in));
    in.virt_base = elf.virt_base;
    in.virt_kstart = elf.virt_kstart;
    in.virt_kend = elf.virt_kend;
    in.initrd_len = img->initrd_len;
    in.nr_pages = img->nr_pages;
    in.dom0 = initial;
    in.unmapped_initrd = elf.unmapped_initrd;
    in.p2m_base = elf.p2m_base != ELF_XEN_UNSET ? elf.p2m_base : BOOT_LAYOUT_UNSET;
    rc = boot_layout_compute(&in, &l);
    if (rc) {
        log_err("d%u: cannot lay out the domain: %s", d->id, l.reason);
        return rc;
    }

    /* --- apply --- */
    d->arch.first_mfn = alloc_frames(img->nr_pages, d->id);
    if (d->arch.first_mfn == INVALID_MFN) {
        log_err("d%u: not enough memory for %lu pages; %lu frames free", d->id,
                img->nr_pages, frames_free());
        return -XEN_ENOMEM;
    }
    d->tot_pages = d->max_pages = img->nr_pages;
    for (unsigned long pfn = 0; pfn < img->nr_pages; pfn++)
        m2p_set(d->arch.first_mfn + pfn, pfn);

    struct load_ctx lc = {
        .kernel_base = (uint8_t *)mfn_to_virt(d->arch.first_mfn) + (elf.virt_kstart - l.v_start),
        .limit = elf.virt_kend - elf.virt_kstart,
    };
    struct elf_xen_sink sink = { load_write, load_zero, &lc };
    rc = elf_xen_load(&elf, kernel, kernel_len, &sink);
    BUG_ON(rc);                                   /* parse checked every segment */

    if (img->initrd_len)
        memcpy(mfn_to_virt(d->arch.first_mfn + l.initrd_pfn), img->initrd, img->initrd_len);
    if (elf.virt_hypercall != ELF_XEN_UNSET)
        hypercall_page_fill(mfn_to_virt(d->arch.first_mfn + boot_layout_pfn(&l, elf.virt_hypercall)));

    if (l.p2m_pfn == BOOT_LAYOUT_UNSET) {
        uint64_t *p2m = mfn_to_virt(d->arch.first_mfn + boot_layout_pfn(&l, l.p2m.start));
        for (unsigned long pfn = 0; pfn < img->nr_pages; pfn++)
            p2m[pfn] = d->arch.first_mfn + pfn;
    }

    fill_start_info(d, &l, img);
    /* As Xen's builder: every vcpu_info of shared_info starts with events masked. */
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    build_page_tables(d, &l);
    if (l.p2m_pfn != BOOT_LAYOUT_UNSET)
        map_init_p2m(d, &l, img->nr_pages);
    adopt_page_tables(d, &l);

    memset(&v->regs, 0, sizeof(v->regs));
    v->regs.rip = elf.virt_entry;
    v->regs.rsp = l.stack.end;
    v->regs.rsi = l.start_info.start;
    v->regs.cs = FLAT_KERNEL_CS;
    v->regs.ss = FLAT_KERNEL_SS;
    v->regs.rflags = X86_EFLAGS_IF | 0x2;
    v->arch.kernel_mode = true;
    v->initialised = true;
    v->down = false;
    vcpu_sched_update(v);
    d->vcpus_created = true;

    log_info("%s: %s kernel, entry %#lx, %lu pages at mfn %#lx, region %#lx-%#lx",
             initial ? "dom0" : "domU", elf.guest_os[0] ? elf.guest_os : "unnamed",
             elf.virt_entry, img->nr_pages, d->arch.first_mfn, l.v_start, l.v_end);
    log_info("%s: start_info %#lx, page tables %#lx (%lu frames), stack %#lx",
             initial ? "dom0" : "domU", l.start_info.start, l.pt.start, l.nr_pt_frames, l.stack.end);
    if (l.p2m_pfn != BOOT_LAYOUT_UNSET)
        log_info("%s: P2M list at %#lx-%#lx (INIT_P2M), PFNs %#lx-%#lx with its tables",
                 initial ? "dom0" : "domU", l.p2m.start, l.p2m.end, l.p2m_pfn,
                 l.p2m_pfn + l.nr_p2m_frames);
    return 0;
}

/*
 * Build a PV domain from a boot module: an ELF image, a bzImage or a
 * compressed ELF (unpacked first, the unpacked copy freed afterwards).
 */
int pv_build(struct domain *d, const struct pv_image *img)
{
    struct pv_kernel k;
    int rc = pv_kernel_unpack(d->id, img, img->nr_pages, &k);

    if (rc)
        return rc;
    rc = pv_build_elf(d, img, k.elf, k.len);
    pv_kernel_release(&k);
    return rc;
}
