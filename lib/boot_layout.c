/*
 * Start-of-day layout calculator (see xl/boot_layout.h).
 *
 * Sources of every rule, all Xen 4.17 (tag RELEASE-4.17.5):
 *  [D] xen/arch/x86/pv/dom0_build.c, dom0_construct_pv(): the dom0 recipe.
 *  [C] tools/libs/guest/xg_dom_core.c, xc_dom_build_image(),
 *      xc_dom_alloc_segment(), xc_dom_alloc_page(), xc_dom_alloc_pad().
 *  [X] tools/libs/guest/xg_dom_x86.c: count_pgtables(), alloc_pgtables_pv(),
 *      alloc_p2m_list_x86_64(), alloc_magic_pages_pv().
 *  [H] xen/include/public/arch-x86/xen-x86_64.h: hypervisor VA hole
 *      0xffff800000000000-0xffff880000000000 (L4 slots 256-271).
 *
 * Dom0 facts worth stating because they differ from the domU builder:
 *  - The initrd IS mapped, right after the kernel, unless the kernel has
 *    the MOD_START_PFN note; then it is left out of the mapping and its
 *    PFN is the first after Xen's power-of-two allocation [D].
 *  - The P2M list comes before start_info, right after the (mapped)
 *    initrd or the kernel; with INIT_P2M it leaves the region and is
 *    mapped at that VA instead [D].
 *  - No xenstore or console pages; the page tables start on the page
 *    after start_info, whose size then grows by the 40-byte
 *    dom0_vga_console_info that shares its page [D].
 *  - nr_pt_frames is the smallest n >= 2 with 1 + #L3 + #L2 + #L1 <= n,
 *    where the counts cover [v_start, v_end) and v_end depends on n [D].
 *  - The memory check is Xen's: 2^order pages, order from the region size
 *    less a mapped initrd, plus the initrd's pages, must fit nr_pages [D].
 */
#include <xl/boot_layout.h>
#include <xl/format.h>
#include <xl/string.h>
#include <xen/errno.h>
#include <xen/xen.h>

#define PAGE            4096ull
#define SUPER_4M        (1ull << 22)                /* v_end alignment [D][X] */
#define MIN_PAD         (512ull << 10)              /* slack after the stack [D][X] */
#define VADDR_MASK_48   ((1ull << 48) - 1)          /* [X] VIRT_BITS_X86_64 */
#define HV_HOLE_START   0xffff800000000000ull       /* [H] */
#define HV_HOLE_END     0xffff880000000000ull

/* Input sanity limits: far beyond any real guest, small enough that the
 * sums below cannot overflow before the wrap checks see them. */
#define MAX_NR_PAGES    (1ull << 40)
#define MAX_SPAN        (1ull << 47)

/* Overflow-tracking arithmetic: any wrap sets *ovf and is reported once. */
static uint64_t add(bool *ovf, uint64_t a, uint64_t b)
{
    if (a > UINT64_MAX - b)
        *ovf = true;
    return a + b;
}

static uint64_t round_up(bool *ovf, uint64_t a, uint64_t align)
{
    return add(ovf, a, align - 1) & ~(align - 1);
}

static uint64_t pages_of(uint64_t bytes)
{
    return bytes / PAGE + (bytes % PAGE != 0);
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct boot_layout *out, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xl_vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
    va_end(ap);
    return err;
}

/*
 * Tables of one level needed to cover [from, to] (inclusive), each table
 * covering 2^bits bytes.  Same as [D]'s NR() with h = to + 1 and [X]'s
 * per-level count; written so that nothing overflows at the top of memory.
 */
static uint64_t tables(uint64_t from, uint64_t to, unsigned int bits)
{
    uint64_t mask = (1ull << bits) - 1;

    return (((to | mask) - (from & ~mask)) >> bits) + 1;
}

/* Bits covered by one table at level l (0 = L1 tables, 2 = L3 tables). */
static unsigned int level_bits(int l)
{
    return 12 + 9 * (unsigned int)(l + 1);
}

static void count_levels(struct boot_layout *out)
{
    uint64_t last = out->v_end - 1;

    out->nr_l4 = 1;
    out->nr_l3 = tables(out->v_start, last, level_bits(2));
    out->nr_l2 = tables(out->v_start, last, level_bits(1));
    out->nr_l1 = tables(out->v_start, last, level_bits(0));
}

/* Both halves of the region are canonical and on the same side. */
static bool canonical_range(uint64_t start, uint64_t end)
{
    uint64_t a = start >> 47, b = (end - 1) >> 47;

    return a == b && (a == 0 || a == 0x1ffff);
}

/* A separately placed P2M list must obey the same rules as the region itself. */
static int check_p2m_range(struct boot_layout *out, uint64_t start, uint64_t end)
{
    if (!canonical_range(start, end))
        return refuse(out, -XEN_EINVAL, "INIT_P2M list %#llx-%#llx is not canonical",
                      (unsigned long long)start, (unsigned long long)end);
    if (start < HV_HOLE_END && end > HV_HOLE_START)
        return refuse(out, -XEN_EINVAL,
                      "INIT_P2M list overlaps the hypervisor area (L4 slots 256-271)");
    return 0;
}

static int check_region(struct boot_layout *out, bool ovf)
{
    if (ovf || out->v_end <= out->v_start)
        return refuse(out, -XEN_EINVAL, "bootstrap region wraps around the address space");
    if (!canonical_range(out->v_start, out->v_end))
        return refuse(out, -XEN_EINVAL, "bootstrap region %#llx-%#llx is not canonical",
                      (unsigned long long)out->v_start, (unsigned long long)out->v_end);
    if (out->v_start < HV_HOLE_END && out->v_end > HV_HOLE_START)
        return refuse(out, -XEN_EINVAL,
                      "bootstrap region overlaps the hypervisor area (L4 slots 256-271)");
    return 0;
}

/* One mapping's table ranges per level, as [X] count_pgtables() keeps them. */
struct lvl_range {
    uint64_t from, to;
};

static uint64_t count_second_mapping(const struct lvl_range first[3], uint64_t from, uint64_t to);
static void first_mapping_ranges(uint64_t from, uint64_t to, struct lvl_range first[3]);

/* [D] dom0_construct_pv(), from "v_start = parms.virt_base" onwards. */
static int layout_dom0(const struct boot_layout_in *in, struct boot_layout *out)
{
    bool ovf = false;
    uint64_t p2m_bytes = in->nr_pages * 8;
    uint64_t p2m_start, p2m_end, si_start, si_end, pt_start;

    out->v_start = in->virt_base;
    out->kernel = (struct boot_range){ in->virt_kstart, in->virt_kend };
    if (in->unmapped_initrd) {
        p2m_start = round_up(&ovf, in->virt_kend, PAGE);
    } else {
        uint64_t ird = round_up(&ovf, in->virt_kend, PAGE);
        if (in->initrd_len)
            out->initrd = (struct boot_range){ ird, add(&ovf, ird, in->initrd_len) };
        p2m_start = round_up(&ovf, add(&ovf, ird, in->initrd_len), PAGE);
    }
    p2m_end = in->p2m_base != BOOT_LAYOUT_UNSET ? p2m_start : p2m_start + p2m_bytes;
    si_start = round_up(&ovf, p2m_end, PAGE);
    si_end = add(&ovf, si_start, sizeof(struct start_info));
    pt_start = round_up(&ovf, si_end, PAGE);
    si_end += sizeof(struct dom0_vga_console_info);

    if (in->p2m_base == BOOT_LAYOUT_UNSET)
        out->p2m = (struct boot_range){ p2m_start, p2m_end };
    out->start_info = (struct boot_range){ si_start, si_end };
    if (ovf)
        return check_region(out, ovf);

    /* [D] "a pair of simultaneous equations ... solved by exhaustive
     * search".  Jumping straight to the count a try asked for finds the same
     * smallest fixed point: the count never falls as n grows. */
    uint64_t n = 2;
    for (;;) {
        uint64_t stack_end = add(&ovf, pt_start, (n + 1) * PAGE);
        out->v_end = round_up(&ovf, stack_end, SUPER_4M);
        if (out->v_end - stack_end < MIN_PAD)
            out->v_end = add(&ovf, out->v_end, SUPER_4M);
        int rc = check_region(out, ovf);
        if (rc)
            return rc;
        count_levels(out);
        uint64_t need = out->nr_l4 + out->nr_l3 + out->nr_l2 + out->nr_l1;
        if (need <= n)
            break;
        n = need;
    }
    out->nr_pt_frames = n;
    out->pt = (struct boot_range){ pt_start, pt_start + n * PAGE };
    out->stack = (struct boot_range){ out->pt.end, out->pt.end + PAGE };

    /* [D] allocation check: "Domain 0 allocation is too small". */
    uint64_t count = out->v_end - out->v_start;
    if (!in->unmapped_initrd)
        count -= pages_of(in->initrd_len) * PAGE;
    unsigned int order = 0;
    for (uint64_t sz = (count - 1) / PAGE; sz; sz >>= 1)
        order++;
    out->pages_needed = (1ull << order) + pages_of(in->initrd_len);
    if (out->pages_needed > in->nr_pages)
        return refuse(out, -XEN_ENOMEM,
                      "dom0 needs %llu pages for its bootstrap region, has %llu",
                      (unsigned long long)out->pages_needed,
                      (unsigned long long)in->nr_pages);

    if (in->initrd_len) {
        out->initrd_mapped = !in->unmapped_initrd;
        out->initrd_pfn = out->initrd_mapped ? boot_layout_pfn(out, out->initrd.start)
                                             : 1ull << order;
    }

    if (in->p2m_base != BOOT_LAYOUT_UNSET) {
        uint64_t end = add(&ovf, in->p2m_base, p2m_bytes);
        if (ovf)
            return refuse(out, -XEN_EINVAL, "INIT_P2M list wraps around the address space");
        /* [D] setup_pv_physmap() refuses "P->M table overlaps initial mapping". */
        if (out->v_start <= end && in->p2m_base <= out->v_end)
            return refuse(out, -XEN_EINVAL, "INIT_P2M list overlaps the initial mapping");
        if (check_p2m_range(out, in->p2m_base, end))
            return -XEN_EINVAL;
        out->p2m = (struct boot_range){ in->p2m_base, end };
        /*
         * [D] setup_pv_physmap(): the list's pages and the tables that map
         * them come from Dom0's own memory, after the first allocation
         * (start_info.first_p2m_pfn / nr_p2m_frames). Tables of the initial
         * mapping are shared where they cover the list. We map 4 KiB pages
         * only (Xen uses 2 MiB / 1 GiB superpages for aligned stretches).
         */
        struct lvl_range first[3];
        first_mapping_ranges(out->v_start, out->v_end - 1, first);
        uint64_t data = (round_up(&ovf, end, PAGE) - (in->p2m_base & ~(PAGE - 1))) / PAGE;
        out->nr_p2m_pt_frames = count_second_mapping(first, in->p2m_base & ~(PAGE - 1),
                                                     round_up(&ovf, end, PAGE) - 1);
        if (ovf)
            return refuse(out, -XEN_EINVAL, "INIT_P2M list wraps around the address space");
        out->nr_p2m_frames = data + out->nr_p2m_pt_frames;
        out->p2m_pfn = out->pages_needed;
        /* [D] "Dom0 allocation too small for initial P->M table" (+3 as Xen). */
        if (out->pages_needed + out->nr_p2m_frames + 3 > in->nr_pages)
            return refuse(out, -XEN_ENOMEM,
                          "dom0 needs %llu more pages for its INIT_P2M list, has %llu",
                          (unsigned long long)(out->nr_p2m_frames + 3),
                          (unsigned long long)(in->nr_pages - out->pages_needed));
    }
    return 0;
}

/*
 * [X] count_pgtables() for the second mapping (INIT_P2M): tables already
 * provided by the first mapping are not counted again.  first[] holds the
 * first mapping's ranges for levels 0-2.
 */
static uint64_t count_second_mapping(const struct lvl_range first[3], uint64_t from, uint64_t to)
{
    uint64_t total = 0;

    from &= VADDR_MASK_48;
    to &= VADDR_MASK_48;
    for (int l = 2; l >= 0; l--) {
        uint64_t mask = (1ull << level_bits(l)) - 1;
        uint64_t lf = from & ~mask, lt = to | mask;
        const struct lvl_range *c = &first[l];

        if (lf >= c->from && lt <= c->to)
            continue;               /* wholly covered already */
        if (lf >= c->from && lf <= c->to)
            lf = c->to + 1;
        if (lt >= c->from && lt <= c->to)
            lt = c->from - 1;
        if (lf < lt)
            total += ((lt - lf) >> level_bits(l)) + 1;
    }
    return total;
}

/* Table ranges per level of a mapping of [from, to] (inclusive). */
static void first_mapping_ranges(uint64_t from, uint64_t to, struct lvl_range first[3])
{
    from &= VADDR_MASK_48;
    to &= VADDR_MASK_48;
    for (int l = 2; l >= 0; l--) {
        uint64_t mask = (1ull << level_bits(l)) - 1;
        first[l] = (struct lvl_range){ from & ~mask, to | mask };
    }
}

/* [C]/[X] xc_dom_build_image() for an x86-64 PV guest. */
static int layout_domu(const struct boot_layout_in *in, struct boot_layout *out)
{
    bool ovf = false;
    uint64_t va = in->virt_base;    /* [C] virt_alloc_end */
    uint64_t pfn = 0;               /* [C] pfn_alloc_end */
    uint64_t p2m_bytes = in->nr_pages * 8;
    uint64_t p2m_alloc = pages_of(p2m_bytes) * PAGE;   /* [X] round_pg_up */

    /* [C] xc_dom_alloc_pad() refuses an unaligned segment boundary. */
    if (in->virt_kstart % PAGE)
        return refuse(out, -XEN_EINVAL, "kernel start %#llx is not page aligned",
                      (unsigned long long)in->virt_kstart);
    /* [C] INIT_P2M is used only below virt_base and page aligned. */
    bool separate_p2m = in->p2m_base != BOOT_LAYOUT_UNSET &&
                        in->p2m_base < in->virt_base && in->p2m_base % PAGE == 0;

    out->v_start = in->virt_base;
    /* Kernel segment: padding up to virt_kstart, then the image. */
    pfn += (in->virt_kstart - va) / PAGE;
    out->kernel = (struct boot_range){ in->virt_kstart, in->virt_kend };
    pfn += pages_of(in->virt_kend - in->virt_kstart);
    va = add(&ovf, in->virt_kstart, pages_of(in->virt_kend - in->virt_kstart) * PAGE);

    if (in->initrd_len && !in->unmapped_initrd) {
        out->initrd = (struct boot_range){ va, add(&ovf, va, in->initrd_len) };
        out->initrd_pfn = pfn;
        out->initrd_mapped = true;
        pfn += pages_of(in->initrd_len);
        va = add(&ovf, va, pages_of(in->initrd_len) * PAGE);
    }
    if (!separate_p2m) {
        out->p2m = (struct boot_range){ va, add(&ovf, va, p2m_bytes) };
        pfn += p2m_alloc / PAGE;
        va = add(&ovf, va, p2m_alloc);
    }
    /* [X] alloc_magic_pages_pv(): start_info, xenstore, console. */
    out->start_info = (struct boot_range){ va, add(&ovf, va, sizeof(struct start_info)) };
    out->xenstore = (struct boot_range){ va + PAGE, va + 2 * PAGE };
    out->console = (struct boot_range){ va + 2 * PAGE, va + 3 * PAGE };
    pfn += 3;
    va = add(&ovf, va, 3 * PAGE);

    /* [X] alloc_pgtables_pv(): boot stack page + 512 KiB padding extra. */
    uint64_t extra = 1 + MIN_PAD / PAGE, pages = extra, try_end = 0;
    struct lvl_range first[3];
    for (int iter = 0;; iter++) {
        try_end = add(&ovf, va, pages * PAGE) | (SUPER_4M - 1);
        out->v_end = try_end + 1;
        int rc = check_region(out, ovf);
        if (rc)
            return rc;
        uint64_t from = in->virt_base & VADDR_MASK_48, to = try_end & VADDR_MASK_48;
        uint64_t tabs = 1;
        for (int l = 2; l >= 0; l--) {
            uint64_t mask = (1ull << level_bits(l)) - 1;
            first[l] = (struct lvl_range){ from & ~mask, to | mask };
            tabs += ((first[l].to - first[l].from) >> level_bits(l)) + 1;
        }
        pages = tabs + extra;
        if (va + pages * PAGE <= try_end + 1) {
            out->nr_pt_frames = tabs;
            break;
        }
        if (iter > 64)
            return refuse(out, -XEN_EINVAL, "page-table count does not converge");
    }
    count_levels(out);
    out->pt = (struct boot_range){ va, va + out->nr_pt_frames * PAGE };
    pfn += out->nr_pt_frames;
    va = out->pt.end;
    out->stack = (struct boot_range){ va, va + PAGE };
    pfn += 1;
    va += PAGE;
    pfn += (out->v_end - va) / PAGE;        /* [C] pad to virt_pgtab_end */

    if (in->initrd_len && in->unmapped_initrd) {
        out->initrd_pfn = pfn;              /* [C] module after the padding */
        pfn += pages_of(in->initrd_len);
    }
    if (separate_p2m) {
        uint64_t end = add(&ovf, in->p2m_base, p2m_alloc);
        if (ovf || p2m_alloc == 0)
            return refuse(out, -XEN_EINVAL, "INIT_P2M list wraps around the address space");
        /* [X] count_pgtables(): "overlapping mappings". */
        if (in->p2m_base < out->v_end && end > out->v_start)
            return refuse(out, -XEN_EINVAL, "INIT_P2M list overlaps the initial mapping");
        if (check_p2m_range(out, in->p2m_base, end))
            return -XEN_EINVAL;
        out->nr_p2m_pt_frames = count_second_mapping(first, in->p2m_base, end - 1);
        out->p2m = (struct boot_range){ in->p2m_base, in->p2m_base + p2m_bytes };
        out->p2m_pfn = pfn;
        out->nr_p2m_frames = p2m_alloc / PAGE + out->nr_p2m_pt_frames;
        pfn += out->nr_p2m_frames;
    }

    out->pages_needed = pfn;
    if (pfn > in->nr_pages)
        return refuse(out, -XEN_ENOMEM, "domain needs %llu pages for its boot layout, has %llu",
                      (unsigned long long)pfn, (unsigned long long)in->nr_pages);
    return 0;
}

/* See boot_layout.h. */
int boot_layout_compute(const struct boot_layout_in *in, struct boot_layout *out)
{
    memset(out, 0, sizeof(*out));
    out->initrd_pfn = BOOT_LAYOUT_UNSET;
    out->p2m_pfn = BOOT_LAYOUT_UNSET;

    if (in->virt_base % PAGE)
        return refuse(out, -XEN_EINVAL, "virt_base %#llx is not page aligned",
                      (unsigned long long)in->virt_base);
    if (in->virt_kstart < in->virt_base || in->virt_kend < in->virt_kstart)
        return refuse(out, -XEN_EINVAL, "kernel range %#llx-%#llx not above virt_base %#llx",
                      (unsigned long long)in->virt_kstart, (unsigned long long)in->virt_kend,
                      (unsigned long long)in->virt_base);
    if (in->virt_kend - in->virt_base > MAX_SPAN || in->initrd_len > MAX_SPAN)
        return refuse(out, -XEN_EINVAL, "kernel or initrd absurdly large");
    if (in->nr_pages == 0 || in->nr_pages > MAX_NR_PAGES)
        return refuse(out, -XEN_EINVAL, "nr_pages %llu out of range",
                      (unsigned long long)in->nr_pages);

    return in->dom0 ? layout_dom0(in, out) : layout_domu(in, out);
}
