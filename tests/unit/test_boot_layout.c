/*
 * Start-of-day layouts, checked against numbers worked out by hand from
 * Xen 4.17's rules (the derivation sits above each case), plus invariants
 * on many generated inputs with the page-table count recomputed by brute
 * force.
 *
 * Rules used in the derivations (see lib/boot_layout.c for sources):
 *   P2M = nr_pages * 8 bytes; start_info = 1168 bytes (0x490), dom0 adds 40.
 *   Tables for [v_start, v_end): 1 L4, plus one L3 per 512 GiB, one L2 per
 *   1 GiB and one L1 per 2 MiB slice touched.
 *   v_end = (end of stack + 512 KiB) rounded up to 4 MiB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <xl/boot_layout.h>
#include <xen/errno.h>

#define KSTART_LINUX 0xffffffff81000000ull
#define VBASE_LINUX  0xffffffff80000000ull

static void expect_range(struct boot_range r, uint64_t start, uint64_t end)
{
    if (r.start != start || r.end != end)
        fail_msg("range %#llx-%#llx, expected %#llx-%#llx",
                 (unsigned long long)r.start, (unsigned long long)r.end,
                 (unsigned long long)start, (unsigned long long)end);
}

/*
 * Small guest linked at 0x200000, no VIRT_BASE, 192 KiB kernel, 32 MiB.
 * domU:  PFNs 0-0x1ff padding, kernel 0x200-0x22f (0x200000-0x230000),
 *        P2M 8192*8 = 64 KiB = 16 pages at 0x230000, start_info 0x240000,
 *        xenstore 0x241000, console 0x242000, tables from 0x243000.
 *        First try: 0x243000 + 129 pages = 0x2c4000 -> v_end 0x400000;
 *        [0, 0x400000) needs 1 L4 + 1 L3 + 1 L2 + 2 L1 = 5 frames, and
 *        0x243000 + (5 + 129) pages = 0x2c9000 still fits: done.
 *        Tables 0x243000-0x248000, stack 0x248000-0x249000, 1024 pages.
 */
static void test_domu_small_guest(void **state)
{
    struct boot_layout_in in = {
        .virt_base = 0, .virt_kstart = 0x200000, .virt_kend = 0x230000,
        .nr_pages = 8192, .p2m_base = BOOT_LAYOUT_UNSET,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), 0);
    assert_int_equal(l.v_start, 0);
    assert_int_equal(l.v_end, 0x400000);
    expect_range(l.kernel, 0x200000, 0x230000);
    expect_range(l.initrd, 0, 0);
    assert_int_equal(l.initrd_pfn, BOOT_LAYOUT_UNSET);
    expect_range(l.p2m, 0x230000, 0x240000);
    expect_range(l.start_info, 0x240000, 0x240490);
    expect_range(l.xenstore, 0x241000, 0x242000);
    expect_range(l.console, 0x242000, 0x243000);
    expect_range(l.pt, 0x243000, 0x248000);
    expect_range(l.stack, 0x248000, 0x249000);
    assert_int_equal(l.nr_pt_frames, 5);
    assert_int_equal(l.nr_l4, 1);
    assert_int_equal(l.nr_l3, 1);
    assert_int_equal(l.nr_l2, 1);
    assert_int_equal(l.nr_l1, 2);
    assert_int_equal(l.pages_needed, 1024);
    assert_int_equal(l.p2m_pfn, BOOT_LAYOUT_UNSET);
    assert_int_equal(boot_layout_pfn(&l, l.start_info.start), 0x240);
}

/*
 * Same guest as dom0: no xenstore/console pages; tables start on the page
 * after start_info (0x241000) and start_info grows by 40 bytes (0x4b8).
 * n = 2: stack ends 0x244000 -> v_end 0x400000, needs 5 > 2; n = 5: stack
 * ends 0x247000, v_end 0x400000, needs 5: done.  4 MiB = 1024 pages =
 * 2^10, so Xen's order-10 allocation fits exactly.
 */
static void test_dom0_small_guest(void **state)
{
    struct boot_layout_in in = {
        .virt_base = 0, .virt_kstart = 0x200000, .virt_kend = 0x230000,
        .nr_pages = 8192, .dom0 = true, .p2m_base = BOOT_LAYOUT_UNSET,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), 0);
    expect_range(l.p2m, 0x230000, 0x240000);
    expect_range(l.start_info, 0x240000, 0x2404b8);
    expect_range(l.xenstore, 0, 0);
    expect_range(l.console, 0, 0);
    expect_range(l.pt, 0x241000, 0x246000);
    expect_range(l.stack, 0x246000, 0x247000);
    assert_int_equal(l.v_end, 0x400000);
    assert_int_equal(l.nr_pt_frames, 5);
    assert_int_equal(l.pages_needed, 1024);

    /* One page short of Xen's power-of-two allocation: refused. */
    in.nr_pages = 1023;
    assert_int_equal(boot_layout_compute(&in, &l), -XEN_ENOMEM);
    assert_non_null(strstr(l.reason, "needs 1024 pages"));
}

/*
 * Linux-like dom0: VIRT_BASE 0xffffffff80000000, kernel 28 MiB at
 * 0xffffffff81000000 (PFN 0x1000), initrd 30 MiB + 0x123 bytes, 512 MiB.
 *   initrd 0xffffffff82c00000-0xffffffff84a00123 (mapped, PFN 0x2c00)
 *   P2M    0xffffffff84a01000 + 131072*8 (1 MiB) = 0xffffffff84b01000
 *   start_info 0xffffffff84b01000, tables from 0xffffffff84b02000
 *   n = 2: stack end 0xffffffff84b05000 -> v_end 0xffffffff84c00000
 *          (76 MiB region: 1 L4 + 1 L3 + 1 L2 + 38 L1 = 41)
 *   n = 41: stack end 0xffffffff84b2c000, same v_end, 41 <= 41: done.
 *   Allocation: 0x4c00000 - 0x1e01000 = 0x2dff000 bytes = 11775 pages
 *   -> order 14 (16384) + 7681 initrd pages = 24065 pages.
 */
static void test_dom0_linux(void **state)
{
    struct boot_layout_in in = {
        .virt_base = VBASE_LINUX, .virt_kstart = KSTART_LINUX,
        .virt_kend = KSTART_LINUX + 0x1c00000, .initrd_len = 0x1e00123,
        .nr_pages = 131072, .dom0 = true, .p2m_base = BOOT_LAYOUT_UNSET,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), 0);
    assert_int_equal(l.v_start, VBASE_LINUX);
    expect_range(l.initrd, 0xffffffff82c00000, 0xffffffff84a00123);
    assert_true(l.initrd_mapped);
    assert_int_equal(l.initrd_pfn, 0x2c00);
    expect_range(l.p2m, 0xffffffff84a01000, 0xffffffff84b01000);
    expect_range(l.start_info, 0xffffffff84b01000, 0xffffffff84b014b8);
    expect_range(l.pt, 0xffffffff84b02000, 0xffffffff84b2b000);
    expect_range(l.stack, 0xffffffff84b2b000, 0xffffffff84b2c000);
    assert_int_equal(l.v_end, 0xffffffff84c00000);
    assert_int_equal(l.nr_pt_frames, 41);
    assert_int_equal(l.nr_l1, 38);
    assert_int_equal(l.pages_needed, 24065);
}

/*
 * Linux dom0 with MOD_START_PFN: the initrd is not mapped, the P2M follows
 * the kernel at 0xffffffff82c00000, start_info 0xffffffff82d00000, tables
 * from 0xffffffff82d01000; v_end 0xffffffff83000000 (48 MiB: 24 L1, 27
 * frames).  The initrd's PFN is where Xen's 2^14-page allocation ends.
 */
static void test_dom0_linux_unmapped_initrd(void **state)
{
    struct boot_layout_in in = {
        .virt_base = VBASE_LINUX, .virt_kstart = KSTART_LINUX,
        .virt_kend = KSTART_LINUX + 0x1c00000, .initrd_len = 0x1e00123,
        .nr_pages = 131072, .dom0 = true, .unmapped_initrd = true,
        .p2m_base = BOOT_LAYOUT_UNSET,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), 0);
    expect_range(l.initrd, 0, 0);
    assert_false(l.initrd_mapped);
    assert_int_equal(l.initrd_pfn, 0x4000);
    expect_range(l.p2m, 0xffffffff82c00000, 0xffffffff82d00000);
    expect_range(l.pt, 0xffffffff82d01000, 0xffffffff82d1c000);
    assert_int_equal(l.v_end, 0xffffffff83000000);
    assert_int_equal(l.nr_pt_frames, 27);
    assert_int_equal(l.pages_needed, 16384 + 7681);

    /* With INIT_P2M too, the P2M leaves the region entirely. */
    in.p2m_base = 0x8000000000;
    assert_int_equal(boot_layout_compute(&in, &l), 0);
    expect_range(l.p2m, 0x8000000000, 0x8000100000);
    expect_range(l.start_info, 0xffffffff82c00000, 0xffffffff82c004b8);
    /* Its pages and tables follow Xen's first allocation (first_p2m_pfn):
     * 256 list pages, and an L3, an L2 and an L1 for L4 slot 1, as Xen's
     * setup_pv_physmap() allocates them for a list under 2 MiB. */
    assert_int_equal(l.p2m_pfn, 16384 + 7681);
    assert_int_equal(l.nr_p2m_pt_frames, 3);
    assert_int_equal(l.nr_p2m_frames, 256 + 3);

    /* 1 GiB: a 2 MiB list; one L1 more than Xen, which maps it with a superpage. */
    in.nr_pages = 262144;
    assert_int_equal(boot_layout_compute(&in, &l), 0);
    expect_range(l.p2m, 0x8000000000, 0x8000200000);
    assert_int_equal(l.nr_p2m_frames, 512 + 3);

    /* Just too little memory for the list and its tables (Xen's "+ 3"
     * included): the smallest nr_pages that works is exactly that sum. */
    struct boot_layout l2;
    for (in.nr_pages = 16384 + 7681; boot_layout_compute(&in, &l2) != 0; in.nr_pages++)
        assert_non_null(strstr(l2.reason, "INIT_P2M"));
    assert_int_equal(in.nr_pages, l2.pages_needed + l2.nr_p2m_frames + 3);
    assert_int_equal(l2.nr_p2m_frames, (in.nr_pages * 8 + 4095) / 4096 + 3);
}

/*
 * Linux-like domU, classic layout (everything mapped):
 *   kernel PFN 0x1000-0x2bff, initrd PFN 0x2c00 (0x1e01 pages) -> 0x4a01,
 *   P2M 256 pages at 0xffffffff84a01000, start_info/xenstore/console at
 *   0xffffffff84b01000/2000/3000, tables from 0xffffffff84b04000.
 *   First try: +129 pages -> 0xffffffff84b85000 -> end 0xffffffff84c00000:
 *   41 frames; 0xffffffff84b04000 + 170 pages = 0xffffffff84bae000 fits.
 *   19456 pages (0x4c00).
 */
static void test_domu_linux_classic(void **state)
{
    struct boot_layout_in in = {
        .virt_base = VBASE_LINUX, .virt_kstart = KSTART_LINUX,
        .virt_kend = KSTART_LINUX + 0x1c00000, .initrd_len = 0x1e00123,
        .nr_pages = 131072, .p2m_base = BOOT_LAYOUT_UNSET,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), 0);
    assert_int_equal(l.initrd_pfn, 0x2c00);
    expect_range(l.p2m, 0xffffffff84a01000, 0xffffffff84b01000);
    expect_range(l.start_info, 0xffffffff84b01000, 0xffffffff84b01490);
    expect_range(l.xenstore, 0xffffffff84b02000, 0xffffffff84b03000);
    expect_range(l.console, 0xffffffff84b03000, 0xffffffff84b04000);
    expect_range(l.pt, 0xffffffff84b04000, 0xffffffff84b2d000);
    expect_range(l.stack, 0xffffffff84b2d000, 0xffffffff84b2e000);
    assert_int_equal(l.v_end, 0xffffffff84c00000);
    assert_int_equal(l.nr_pt_frames, 41);
    assert_int_equal(l.pages_needed, 0x4c00);
}

/*
 * xl's layout for Linux (MOD_START_PFN + INIT_P2M 0x8000000000):
 *   start_info right after the kernel at 0xffffffff82c00000 (PFN 0x2c00),
 *   tables from 0xffffffff82c03000: 27 frames, v_end 0xffffffff83000000,
 *   region = 0x3000 pages; initrd PFN 0x3000 (0x1e01 pages) -> 0x4e01;
 *   P2M 256 pages + its own L3, L2, L1 (no overlap with the first
 *   mapping's tables) = 259 frames from PFN 0x4e01; total 0x4f04.
 */
static void test_domu_linux_xl_layout(void **state)
{
    struct boot_layout_in in = {
        .virt_base = VBASE_LINUX, .virt_kstart = KSTART_LINUX,
        .virt_kend = KSTART_LINUX + 0x1c00000, .initrd_len = 0x1e00123,
        .nr_pages = 131072, .unmapped_initrd = true, .p2m_base = 0x8000000000,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), 0);
    expect_range(l.start_info, 0xffffffff82c00000, 0xffffffff82c00490);
    expect_range(l.pt, 0xffffffff82c03000, 0xffffffff82c1e000);
    expect_range(l.stack, 0xffffffff82c1e000, 0xffffffff82c1f000);
    assert_int_equal(l.v_end, 0xffffffff83000000);
    assert_int_equal(l.nr_pt_frames, 27);
    assert_false(l.initrd_mapped);
    assert_int_equal(l.initrd_pfn, 0x3000);
    expect_range(l.p2m, 0x8000000000, 0x8000100000);
    assert_int_equal(l.p2m_pfn, 0x4e01);
    assert_int_equal(l.nr_p2m_pt_frames, 3);
    assert_int_equal(l.nr_p2m_frames, 259);
    assert_int_equal(l.pages_needed, 0x4f04);

    /* INIT_P2M above virt_base (or unaligned) is ignored by the domU
     * builder: the classic in-region P2M comes back. */
    in.p2m_base = 0xffffffffc0000000;
    assert_int_equal(boot_layout_compute(&in, &l), 0);
    expect_range(l.p2m, 0xffffffff82c00000, 0xffffffff82d00000);
    in.p2m_base = 0x8000000800;
    assert_int_equal(boot_layout_compute(&in, &l), 0);
    assert_int_equal(l.p2m_pfn, BOOT_LAYOUT_UNSET);
}

/*
 * A region straddling a 1 GiB boundary: virt_base = kstart = 0x3fc00000,
 * 4 MiB kernel, 16 MiB.  P2M 8 pages, magic pages up to 0x4000b000;
 * end 0x403fffff: L2 tables for GiB 0 and 1, L1 tables for the 2 MiB
 * slices 0x3fc00000, 0x3fe00000, 0x40000000, 0x40200000: 1+1+2+4 = 8.
 */
static void test_domu_crossing_1g(void **state)
{
    struct boot_layout_in in = {
        .virt_base = 0x3fc00000, .virt_kstart = 0x3fc00000, .virt_kend = 0x40000000,
        .nr_pages = 4096, .p2m_base = BOOT_LAYOUT_UNSET,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), 0);
    assert_int_equal(l.nr_l2, 2);
    assert_int_equal(l.nr_l1, 4);
    assert_int_equal(l.nr_pt_frames, 8);
    expect_range(l.pt, 0x4000b000, 0x40013000);
    assert_int_equal(l.v_end, 0x40400000);
    assert_int_equal(l.pages_needed, 0x800);
}

static void test_not_enough_memory(void **state)
{
    /* The small guest with 1000 pages: the P2M shrinks to 2 pages, but the
     * region still ends at 0x400000 = 1024 pages. */
    struct boot_layout_in in = {
        .virt_base = 0, .virt_kstart = 0x200000, .virt_kend = 0x230000,
        .nr_pages = 1000, .p2m_base = BOOT_LAYOUT_UNSET,
    };
    struct boot_layout l;

    assert_int_equal(boot_layout_compute(&in, &l), -XEN_ENOMEM);
    assert_non_null(strstr(l.reason, "needs 1024 pages"));
    in.nr_pages = 1024;
    assert_int_equal(boot_layout_compute(&in, &l), 0);
    /* An unmapped initrd needs its pages beyond the region too. */
    in.initrd_len = 1;
    in.unmapped_initrd = true;
    assert_int_equal(boot_layout_compute(&in, &l), -XEN_ENOMEM);
}

static void test_refusals(void **state)
{
    struct boot_layout l;
    struct boot_layout_in in = {
        .virt_base = 0x200000, .virt_kstart = 0x100000, .virt_kend = 0x300000,
        .nr_pages = 8192, .p2m_base = BOOT_LAYOUT_UNSET,
    };

    assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);     /* kstart < base */
    in.virt_kstart = 0x400000;
    assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);     /* kend < kstart */

    in = (struct boot_layout_in){ .virt_base = 0, .virt_kstart = 0x200800,
        .virt_kend = 0x230000, .nr_pages = 8192, .p2m_base = BOOT_LAYOUT_UNSET };
    assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);     /* domU unaligned */
    assert_non_null(strstr(l.reason, "not page aligned"));
    in.dom0 = true;                                                  /* dom0 copes */
    assert_int_equal(boot_layout_compute(&in, &l), 0);
    expect_range(l.p2m, 0x230000, 0x240000);

    for (int dom0 = 0; dom0 < 2; dom0++) {
        /* The hypervisor's slots 256-271. */
        in = (struct boot_layout_in){ .virt_base = 0xffff800000000000,
            .virt_kstart = 0xffff800000000000, .virt_kend = 0xffff800000001000,
            .nr_pages = 8192, .dom0 = dom0, .p2m_base = BOOT_LAYOUT_UNSET };
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        assert_non_null(strstr(l.reason, "hypervisor area"));
        /* Ending exactly at the top of the lower canonical half is fine:
         * 0x7fffffc00000 + 4 MiB = 0x800000000000. */
        in.virt_base = in.virt_kstart = 0x00007fffffc00000;
        in.virt_kend = in.virt_kstart + 0x1000;
        assert_int_equal(boot_layout_compute(&in, &l), 0);
        assert_int_equal(l.v_end, 0x0000800000000000);
        /* Running off the lower canonical half. */
        in.virt_base = in.virt_kstart = 0x00007fffffff0000;
        in.virt_kend = in.virt_kstart + 0x1000;
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        assert_non_null(strstr(l.reason, "not canonical"));
        /* Running off the top of the address space. */
        in.virt_base = in.virt_kstart = 0xffffffffffc00000;
        in.virt_kend = in.virt_kstart + 0x1000;
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        assert_non_null(strstr(l.reason, "wraps"));
        in.virt_kend = UINT64_MAX;
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        /* Absurd sizes. */
        in = (struct boot_layout_in){ .virt_kend = 0x1000, .nr_pages = 0,
            .dom0 = dom0, .p2m_base = BOOT_LAYOUT_UNSET };
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        in.nr_pages = UINT64_MAX;
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        in.nr_pages = 8192;
        in.initrd_len = UINT64_MAX;
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
    }

    /* dom0: an INIT_P2M list overlapping the region (Xen panics here). */
    in = (struct boot_layout_in){ .virt_base = 0x40000000, .virt_kstart = 0x40000000,
        .virt_kend = 0x40100000, .nr_pages = 8192, .dom0 = true,
        .p2m_base = 0x3fffe000 };
    assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
    assert_non_null(strstr(l.reason, "overlaps the initial mapping"));
    /* domU: likewise ("overlapping mappings" in libxc). */
    in.dom0 = false;
    assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
    assert_non_null(strstr(l.reason, "overlaps the initial mapping"));
}

/* ---- invariants over generated inputs ----------------------------------- */

/* Distinct 2^bits slices touched by [from, to): counted the slow way. */
static uint64_t slices(uint64_t from, uint64_t to, unsigned int bits)
{
    uint64_t n = 0, last = 0;
    bool any = false;

    for (uint64_t va = from; va < to; va += 0x1000) {
        uint64_t s = va >> bits;
        if (!any || s != last)
            n++;
        last = s;
        any = true;
        if (va + 0x1000 < va)
            break;
    }
    return n;
}

static bool inside(struct boot_range r, const struct boot_layout *l)
{
    return r.start == r.end || (r.start >= l->v_start && r.end <= l->v_end);
}

static void check_invariants(const struct boot_layout_in *in, const struct boot_layout *l)
{
    /* Ordered, page aligned, non-overlapping elements inside the region. */
    const struct boot_range order[] = {
        l->kernel, l->initrd, l->p2m, l->start_info, l->xenstore, l->console, l->pt, l->stack,
    };
    uint64_t prev_end = l->v_start;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        struct boot_range r = order[i];
        if (r.start == r.end || (i == 2 && in->p2m_base != BOOT_LAYOUT_UNSET &&
                                 r.start == in->p2m_base))
            continue;
        assert_true(inside(r, l));
        assert_true(r.start >= prev_end);
        if (i > 0)
            assert_int_equal(r.start % 0x1000, 0);
        prev_end = r.end;
    }
    assert_int_equal(l->v_end % 0x400000, 0);
    assert_true(l->v_end - l->stack.end >= 512 * 1024);
    assert_true(l->v_end - l->stack.end < 512 * 1024 + 0x400000);
    assert_int_equal(l->stack.end - l->stack.start, 0x1000);
    assert_int_equal(l->pt.end - l->pt.start, l->nr_pt_frames * 0x1000);
    assert_int_equal(l->pt.end, l->stack.start);

    /* The table counts agree with a brute-force count of the region. */
    assert_int_equal(l->nr_l3, slices(l->v_start, l->v_end, 39));
    assert_int_equal(l->nr_l2, slices(l->v_start, l->v_end, 30));
    assert_int_equal(l->nr_l1, slices(l->v_start, l->v_end, 21));
    uint64_t need = 1 + l->nr_l3 + l->nr_l2 + l->nr_l1;
    if (in->dom0)
        assert_true(l->nr_pt_frames >= need);
    else
        assert_int_equal(l->nr_pt_frames, need);

    assert_true(l->pages_needed <= in->nr_pages);
    assert_true(l->pages_needed >= (l->v_end - l->v_start) / 0x1000 ||
                (in->dom0 && !in->unmapped_initrd));
    assert_string_equal(l->reason, "");
}

/* Found by tests/fuzz/fuzz_boot_layout.c (reproducers in tests/fuzz/crashes/). */
static void test_fuzz_findings(void **state)
{
    struct boot_layout l;
    struct boot_layout_in in = {
        .virt_base = 0xffffffff80000800, .virt_kstart = 0xffffffff81000000,
        .virt_kend = 0xffffffff81100000, .nr_pages = 65536, .dom0 = true,
        .p2m_base = BOOT_LAYOUT_UNSET,
    };

    /* A virt_base that is not page aligned would shift every element by a page. */
    assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
    assert_non_null(strstr(l.reason, "virt_base"));

    /* An INIT_P2M list in the hypervisor's slots, or not canonical, is refused. */
    for (int dom0 = 0; dom0 < 2; dom0++) {
        in = (struct boot_layout_in){ .virt_base = 0xffffffff80000000,
            .virt_kstart = 0xffffffff81000000, .virt_kend = 0xffffffff81100000,
            .nr_pages = 65536, .dom0 = dom0, .p2m_base = 0xffff800000000000 };
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        assert_non_null(strstr(l.reason, "INIT_P2M"));
        in.p2m_base = 0x0000800000000000;
        assert_int_equal(boot_layout_compute(&in, &l), -XEN_EINVAL);
        assert_non_null(strstr(l.reason, "INIT_P2M"));
    }
}

static void test_generated_inputs(void **state)
{
    uint64_t rng = 12345;
    unsigned int ok = 0, nomem = 0;

    for (int i = 0; i < 3000; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t r = rng >> 16;
        struct boot_layout_in in = {
            .virt_base = (i & 1) ? VBASE_LINUX : (r & 0x7) << 22,
            .nr_pages = 256 + (r >> 8) % (1u << 18),
            .initrd_len = (r & 0x10) ? (r >> 20) % (64u << 20) : 0,
            .dom0 = (r >> 5) & 1,
            .unmapped_initrd = (r >> 6) & 1,
            .p2m_base = ((r >> 7) & 3) == 0 ? 0x8000000000 : BOOT_LAYOUT_UNSET,
        };
        if (in.p2m_base != BOOT_LAYOUT_UNSET && in.virt_base != VBASE_LINUX)
            in.p2m_base = BOOT_LAYOUT_UNSET;
        in.virt_kstart = in.virt_base + ((r >> 30) % 64) * 0x100000;
        in.virt_kend = in.virt_kstart + 0x1000 + ((r >> 36) % 4096) * 0x1000 + (r & 0xfff);

        struct boot_layout l;
        int rc = boot_layout_compute(&in, &l);
        if (rc == 0) {
            ok++;
            check_invariants(&in, &l);
        } else {
            assert_int_equal(rc, -XEN_ENOMEM);
            assert_true(l.reason[0] != '\0');
            nomem++;
        }
    }
    assert_true(ok > 100 && nomem > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domu_small_guest),
        cmocka_unit_test(test_dom0_small_guest),
        cmocka_unit_test(test_dom0_linux),
        cmocka_unit_test(test_dom0_linux_unmapped_initrd),
        cmocka_unit_test(test_domu_linux_classic),
        cmocka_unit_test(test_domu_linux_xl_layout),
        cmocka_unit_test(test_domu_crossing_1g),
        cmocka_unit_test(test_not_enough_memory),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_fuzz_findings),
        cmocka_unit_test(test_generated_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
