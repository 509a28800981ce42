/*
 * Dom0's machine memory map (hv/arch/x86/lib/e820_dom0.c): QEMU's PC map with 1536 MiB
 * gives the entries Xen 4.17 gave Linux (its "Xen: [mem ...]" lines, Linux
 * adding the ISA hole itself); gaps, sub-page ends, sorting, the cut at max,
 * the longest map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/e820_dom0.h>

#define RAM E820_DOM0_RAM
#define RES E820_DOM0_RESERVED

static const struct e820_dom0_range special[] = {
    { 0xfec00000, 0xfec01000 },         /* the I/O APIC's page */
    { 0xfee00000, 0xfef00000 },         /* the MSI window with the local APIC */
};

static void expect(const struct e820_dom0_entry *e, uint64_t addr, uint64_t size, uint32_t type,
                   uint32_t left)
{
    assert_int_equal(e->addr, addr);
    assert_int_equal(e->size, size);
    assert_int_equal(e->type, type);
    assert_int_equal(e->firmware_left, left);
}

static void test_qemu_pc(void **state)
{
    struct e820_dom0_entry fw[] = {
        { 0, 0x9fc00, RAM, 0 }, { 0x9fc00, 0x400, RES, 0 }, { 0xf0000, 0x10000, RES, 0 },
        { 0x100000, 0x5fee0000, RAM, 0 }, { 0x5ffe0000, 0x20000, RES, 0 },
        { 0xfffc0000, 0x40000, RES, 0 }, { 0xfd00000000, 0x300000000, RES, 0 },
    };
    struct e820_dom0_entry out[16];
    unsigned int n = e820_dom0_build(fw, 7, special, 2, out, 16);

    assert_int_equal(n, 9);
    expect(&out[0], 0, 0x9fc00, RAM, 7);
    expect(&out[1], 0x9fc00, 0x400, RES, 6);
    expect(&out[2], 0xf0000, 0x10000, RES, 5);          /* the gap 0xa0000-0xeffff is Dom0's */
    expect(&out[3], 0x100000, 0x5fee0000, RAM, 4);
    expect(&out[4], 0x5ffe0000, 0x20000, RES, 3);
    expect(&out[5], 0xfec00000, 0x1000, RES, 0);
    expect(&out[6], 0xfee00000, 0x100000, RES, 0);
    expect(&out[7], 0xfffc0000, 0x40000, RES, 2);
    expect(&out[8], 0xfd00000000, 0x300000000, RES, 1);
}

/* The frame of an entry's unaligned end belongs to it: a special range there is no gap's. */
static void test_sub_page_ends(void **state)
{
    struct e820_dom0_entry fw[] = { { 0, 0xfec00800, RAM, 0 }, { 0xfef00000, 0x1000, RES, 0 } };
    struct e820_dom0_entry out[8];
    unsigned int n = e820_dom0_build(fw, 2, special, 2, out, 8);

    assert_int_equal(n, 3);
    expect(&out[0], 0, 0xfec00800, RAM, 2);
    expect(&out[1], 0xfee00000, 0x100000, RES, 0);
    expect(&out[2], 0xfef00000, 0x1000, RES, 1);
}

/* Special ranges past the last entry are reported; none: the firmware's map as it is. */
static void test_after_last_and_none(void **state)
{
    struct e820_dom0_entry fw[] = { { 0x100000, 0x1000000, RAM, 0 } };
    struct e820_dom0_entry out[8];

    assert_int_equal(e820_dom0_build(fw, 1, special, 2, out, 8), 3);
    expect(&out[1], 0xfec00000, 0x1000, RES, 0);
    expect(&out[2], 0xfee00000, 0x100000, RES, 0);
    assert_int_equal(e820_dom0_build(fw, 1, NULL, 0, out, 8), 1);
    assert_int_equal(e820_dom0_build(NULL, 0, special, 2, out, 8), 0);
}

static void test_cut_at_max(void **state)
{
    struct e820_dom0_entry fw[] = { { 0, 0x1000, RAM, 0 }, { 0x100000000, 0x1000, RAM, 0 } };
    struct e820_dom0_entry out[2] = { { 0 } , { 0 } }, sentinel = { 7, 7, 7, 7 };
    struct e820_dom0_entry big[4];

    big[3] = sentinel;
    assert_int_equal(e820_dom0_build(fw, 2, special, 2, big, 3), 4);
    expect(&big[3], 7, 7, 7, 7);                        /* nothing written past max */
    assert_int_equal(e820_dom0_build(fw, 2, special, 2, out, 2), 4);
    expect(&out[1], 0xfec00000, 0x1000, RES, 0);
}

/*
 * Firmware entries chopping the MSI window: each gap gets a piece of it, and
 * the map stays within E820_DOM0_MAX_ENTRIES (the buffer machine_memory_map
 * builds it in).
 */
static void test_longest_map(void **state)
{
    enum { NFW = 32 };
    struct e820_dom0_entry fw[NFW], out[E820_DOM0_MAX_ENTRIES(NFW, 2)];
    unsigned int n;

    for (unsigned int i = 0; i < NFW; i++)
        fw[i] = (struct e820_dom0_entry){ 0xfee00000 + (2 * i + 1) * 0x1000ULL, 0x1000, RES, 0 };
    n = e820_dom0_build(fw, NFW, special, 2, out, E820_DOM0_MAX_ENTRIES(NFW, 2));
    assert_int_equal(n, NFW + 2 + (NFW - 1) + 1);       /* I/O APIC, a piece in every gap */
    assert_true(n <= E820_DOM0_MAX_ENTRIES(NFW, 2));
    expect(&out[1], 0xfee00000, 0x1000, RES, 0);
    expect(&out[n - 1], 0xfee00000 + 2 * NFW * 0x1000ULL, 0x100000 - 2 * NFW * 0x1000ULL, RES, 0);
}

static void test_sort(void **state)
{
    struct e820_dom0_entry fw[] = {
        { 0x100000, 0x1000, RAM, 0 }, { 0, 0x9fc00, RAM, 0 }, { 0xf0000, 0x10000, RES, 0 },
    };

    e820_dom0_sort(fw, 3);
    assert_int_equal(fw[0].addr, 0);
    assert_int_equal(fw[1].addr, 0xf0000);
    assert_int_equal(fw[2].addr, 0x100000);
    assert_int_equal(fw[2].type, RAM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_pc),
        cmocka_unit_test(test_sub_page_ends),
        cmocka_unit_test(test_after_last_and_none),
        cmocka_unit_test(test_cut_at_max),
        cmocka_unit_test(test_longest_map),
        cmocka_unit_test(test_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
