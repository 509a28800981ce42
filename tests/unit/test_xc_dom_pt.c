/*
 * The toolstack builder's bootstrap page tables (toolstack/xc/dom_pt.c):
 * for layouts from lib/boot_layout.c, the tables are generated into a
 * model of the domain's memory and walked like the MMU would: every page
 * of the region maps the frame the P2M gives it, the page tables
 * themselves read-only, everything else writable, nothing outside the
 * region, and every table lands on its own frame inside the table range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xl/boot_layout.h>
#include "xc/dom_pt.h"

#define MFN_BIAS 0x10000ull      /* mfn = pfn + bias (then scrambled below) */

struct model {
    struct boot_layout lay;
    uint64_t *p2m;
    uint64_t (*mem)[512];       /* the domain's page-table frames, by PFN */
    uint64_t nr_pages;
};

static uint64_t mfn_to_pfn(const struct model *m, uint64_t mfn)
{
    for (uint64_t pfn = 0; pfn < m->nr_pages; pfn++)
        if (m->p2m[pfn] == mfn)
            return pfn;
    fail_msg("mfn %#llx is not the domain's", (unsigned long long)mfn);
    return 0;
}

static void build(struct model *m, uint64_t virt_base, uint64_t kstart, uint64_t kend,
                  uint64_t nr_pages)
{
    struct boot_layout_in in = {
        .virt_base = virt_base, .virt_kstart = kstart, .virt_kend = kend,
        .nr_pages = nr_pages, .p2m_base = BOOT_LAYOUT_UNSET,
    };

    assert_int_equal(boot_layout_compute(&in, &m->lay), 0);
    m->nr_pages = nr_pages;
    m->p2m = calloc(nr_pages, sizeof(*m->p2m));
    m->mem = calloc(nr_pages, sizeof(*m->mem));
    assert_non_null(m->p2m);
    assert_non_null(m->mem);
    for (uint64_t pfn = 0; pfn < nr_pages; pfn++)     /* not in order, like a real P2M */
        m->p2m[pfn] = MFN_BIAS + (pfn ^ 5);
    for (unsigned int level = 4; level >= 1; level--)
        for (uint64_t k = 0; k < xc_dom_pt_count(&m->lay, level); k++) {
            uint64_t pfn = xc_dom_pt_pfn(&m->lay, level, k);
            uint64_t va = m->lay.v_start + (pfn << 12);

            assert_true(va >= m->lay.pt.start && va < m->lay.pt.end);
            for (unsigned int i = 0; i < 512; i++)
                assert_int_equal(m->mem[pfn][i], 0);    /* no frame written twice */
            xc_dom_pt_table(&m->lay, m->p2m, level, k, m->mem[pfn]);
        }
}

/* The L1 entry for va, or 0 if some level does not map it. */
static uint64_t walk(const struct model *m, uint64_t va)
{
    uint64_t pfn = boot_layout_pfn(&m->lay, m->lay.pt.start);

    for (unsigned int level = 4; level >= 1; level--) {
        uint64_t e = m->mem[pfn][(va >> (12 + 9 * (level - 1))) & 511];

        if (!(e & XC_PTE_PRESENT))
            return 0;
        if (level == 1)
            return e;
        assert_int_equal(e & ~XC_PTE_ADDR, XC_LN_PROT);
        pfn = mfn_to_pfn(m, (e & XC_PTE_ADDR) >> 12);
        assert_true(m->lay.v_start + (pfn << 12) >= m->lay.pt.start);
        assert_true(m->lay.v_start + (pfn << 12) < m->lay.pt.end);
    }
    return 0;
}

static void check_region(struct model *m)
{
    const struct boot_layout *l = &m->lay;

    for (uint64_t va = l->v_start; va < l->v_end; va += 4096) {
        uint64_t e = walk(m, va), want = XC_L1_PROT;

        if (va >= l->pt.start && va < l->pt.end)
            want &= ~XC_PTE_RW;
        if (e != ((m->p2m[boot_layout_pfn(l, va)] << 12) | want))
            fail_msg("va %#llx: entry %#llx", (unsigned long long)va, (unsigned long long)e);
    }
    /* Just outside the region: within a table that exists, but not mapped. */
    assert_int_equal(walk(m, l->v_end), 0);
    if (l->v_start >= 4096)
        assert_int_equal(walk(m, l->v_start - 4096), 0);
    free(m->p2m);
    free(m->mem);
}

/* The toolstack's small guests: linked at 1 MiB, no VIRT_BASE, 8 MiB. */
static void test_small_guest(void **state)
{
    struct model m;

    build(&m, 0, 0x100000, 0x140000, 2048);
    assert_int_equal(m.lay.nr_l1, 2);
    check_region(&m);
}

/* 64 MiB and a 9 MiB kernel: the region crosses 2 MiB slices, many L1s under one L2. */
static void test_large_guest(void **state)
{
    struct model m;

    build(&m, 0, 0x100000, 0xa00000, 16384);
    assert_true(m.lay.nr_l1 > 2);
    check_region(&m);
}

/* A Linux-like kernel at the top of the address space: the region starts high. */
static void test_high_guest(void **state)
{
    struct model m;

    build(&m, 0xffffffff80000000ull, 0xffffffff81000000ull, 0xffffffff81800000ull, 8192);
    check_region(&m);
}

/* A region starting just below a 1 GiB boundary needs two L2s. */
static void test_region_across_l2(void **state)
{
    struct model m;

    build(&m, 0x3fe00000ull, 0x3ff00000ull, 0x3ff80000ull, 4096);
    assert_int_equal(m.lay.nr_l2, 2);
    check_region(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_guest),
        cmocka_unit_test(test_large_guest),
        cmocka_unit_test(test_high_guest),
        cmocka_unit_test(test_region_across_l2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
