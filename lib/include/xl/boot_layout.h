/*
 * Start-of-day virtual layout of a PV domain: where the domain builder puts
 * the kernel, initrd, P2M list, start_info, xenstore/console pages, the
 * bootstrap page tables and the boot stack, and how many page-table frames
 * the initial mapping needs.  Pure arithmetic; nothing is allocated.
 *
 * Two builders, two slightly different recipes, both reproduced exactly:
 *  - dom0: Xen 4.17 xen/arch/x86/pv/dom0_build.c (dom0_construct_pv);
 *  - domU: Xen 4.17 tools/libs/guest/xg_dom_core.c (xc_dom_build_image)
 *          with the x86-64 PV hooks of xg_dom_x86.c.
 * lib/boot_layout.c cites the rule behind every step.
 *
 * The bootstrap region [v_start, v_end) starts at virt_base and is mapped
 * onto PFNs 0.. in order: VA = v_start + PFN * 4096.
 */
#ifndef XL_BOOT_LAYOUT_H
#define XL_BOOT_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_LAYOUT_UNSET       (~(uint64_t)0)
#define BOOT_LAYOUT_REASON_MAX  128

struct boot_layout_in {
    uint64_t virt_base;     /* elf_xen_info.virt_base */
    uint64_t virt_kstart;   /* elf_xen_info.virt_kstart */
    uint64_t virt_kend;     /* elf_xen_info.virt_kend */
    uint64_t initrd_len;    /* bytes; 0 = no initrd */
    uint64_t nr_pages;      /* pages the domain owns (P2M entries) */
    bool dom0;              /* initial domain: Xen's recipe, no xenstore/console pages */
    bool unmapped_initrd;   /* MOD_START_PFN note: initrd goes outside the mapping */
    uint64_t p2m_base;      /* INIT_P2M note, or BOOT_LAYOUT_UNSET */
};

/* A virtual range [start, end); start == end == 0 when absent.  end is the
 * end of the data, not rounded to a page (start is page aligned except for
 * the kernel, which starts where the ELF image says). */
struct boot_range {
    uint64_t start, end;
};

struct boot_layout {
    uint64_t v_start, v_end;        /* the bootstrap region, v_end 4 MiB aligned */
    struct boot_range kernel;
    struct boot_range initrd;       /* absent when not mapped (see initrd_pfn) */
    struct boot_range p2m;          /* mfn_list: in the region, or at INIT_P2M */
    struct boot_range start_info;   /* 1168 bytes (+ 40 for dom0's VGA info) */
    struct boot_range xenstore;     /* domU only */
    struct boot_range console;      /* domU only */
    struct boot_range pt;           /* page tables: L4, L3s, L2s, L1s */
    struct boot_range stack;        /* one page; %rsp = stack.end */

    uint64_t nr_pt_frames;          /* start_info.nr_pt_frames */
    uint64_t nr_l4, nr_l3, nr_l2, nr_l1;

    /* First PFN of the initrd, mapped or not (start_info.mod_start when
     * unmapped, with SIF_MOD_START_PFN); BOOT_LAYOUT_UNSET if no initrd. */
    uint64_t initrd_pfn;
    bool initrd_mapped;

    /* With INIT_P2M: the P2M list and its own page tables live in PFNs
     * [p2m_pfn, p2m_pfn + nr_p2m_frames) (start_info.first_p2m_pfn /
     * nr_p2m_frames); domU: tables after the list; dom0: as Xen's
     * setup_pv_physmap() allocates them, each table just before the first
     * list page it maps, after Xen's first allocation. Otherwise UNSET / 0. */
    uint64_t p2m_pfn, nr_p2m_frames, nr_p2m_pt_frames;

    /* Pages the builder must own for this layout (dom0: Xen's power-of-two
     * allocation plus the initrd; domU: every PFN handed out).  Never more
     * than nr_pages on success. */
    uint64_t pages_needed;

    char reason[BOOT_LAYOUT_REASON_MAX];
};

/*
 * Compute the layout.  Returns 0, or on refusal a negative Xen errno with a
 * sentence in out->reason:
 *   -XEN_ENOMEM  the layout needs more than in->nr_pages pages
 *   -XEN_EINVAL  inconsistent input, a region that wraps, is not canonical
 *                or overlaps the hypervisor's L4 slots 256-271, or (domU)
 *                a kernel start that is not page aligned
 */
int boot_layout_compute(const struct boot_layout_in *in, struct boot_layout *out);

/* PFN of a virtual address inside the bootstrap region. */
static inline uint64_t boot_layout_pfn(const struct boot_layout *l, uint64_t va)
{
    return (va - l->v_start) >> 12;
}

#endif /* XL_BOOT_LAYOUT_H */
