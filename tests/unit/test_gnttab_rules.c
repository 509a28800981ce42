/*
 * Grant-table rules: Xen 4.17's pin counters (host/device x read/write,
 * 8 bits each, refused at the top bit), when a use must set status bits,
 * which bits go when a use ends, and which entries a grantee may use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/gnttab_rules.h>
#include <xen/grant_table.h>

static void test_incr(void **state)
{
    assert_int_equal(gnttab_pin_incr(0), 0);
    assert_int_equal(gnttab_pin_incr(GNTMAP_readonly), 0);
    assert_int_equal(gnttab_pin_incr(GNTMAP_host_map), GNTPIN_HSTW_INC);
    assert_int_equal(gnttab_pin_incr(GNTMAP_host_map | GNTMAP_readonly), GNTPIN_HSTR_INC);
    assert_int_equal(gnttab_pin_incr(GNTMAP_device_map), GNTPIN_DEVW_INC);
    assert_int_equal(gnttab_pin_incr(GNTMAP_device_map | GNTMAP_readonly), GNTPIN_DEVR_INC);
    assert_int_equal(gnttab_pin_incr(GNTMAP_device_map | GNTMAP_host_map),
                     GNTPIN_DEVW_INC + GNTPIN_HSTW_INC);
    /* Xen's layout: host write in the low byte, device read in the high one. */
    assert_int_equal(GNTPIN_HSTW_INC, 0x1);
    assert_int_equal(GNTPIN_HSTR_INC, 0x100);
    assert_int_equal(GNTPIN_DEVW_INC, 0x10000);
    assert_int_equal(GNTPIN_DEVR_INC, 0x1000000);
}

/* Counting one kind of use up: 128 go in, the 129th is refused; other counters are not affected. */
static void test_overflow(void **state)
{
    const uint32_t kinds[] = { GNTPIN_HSTW_INC, GNTPIN_HSTR_INC, GNTPIN_DEVW_INC, GNTPIN_DEVR_INC };

    for (unsigned int k = 0; k < 4; k++) {
        uint32_t pin = 0, n = 0;
        while (!gnttab_pin_would_overflow(pin, kinds[k])) {
            pin += kinds[k];
            n++;
            assert_true(n <= 255);
        }
        assert_int_equal(n, 128);
        for (unsigned int o = 0; o < 4; o++)
            if (o != k)
                assert_false(gnttab_pin_would_overflow(pin, kinds[o]));
        /* A combined increment is refused when either of its counters is full. */
        assert_true(gnttab_pin_would_overflow(pin, kinds[k] + kinds[(k + 1) % 4]));
    }
}

static void test_status(void **state)
{
    /* First use always sets status; a writer needs GTF_writing unless one is pinned. */
    assert_true(gnttab_pin_needs_status(0, true));
    assert_true(gnttab_pin_needs_status(0, false));
    assert_false(gnttab_pin_needs_status(GNTPIN_HSTR_INC, true));
    assert_true(gnttab_pin_needs_status(GNTPIN_HSTR_INC, false));
    assert_true(gnttab_pin_needs_status(GNTPIN_DEVR_INC, false));
    assert_false(gnttab_pin_needs_status(GNTPIN_DEVW_INC, false));
    assert_false(gnttab_pin_needs_status(GNTPIN_HSTW_INC, false));
    assert_false(gnttab_pin_writable(GNTPIN_HSTR_INC | GNTPIN_DEVR_INC));
    assert_true(gnttab_pin_writable(GNTPIN_DEVW_INC));

    /* After a use went: reading stays while anything is pinned, writing while a writer is. */
    assert_int_equal(gnttab_status_to_clear(0, true), GTF_reading);
    assert_int_equal(gnttab_status_to_clear(0, false), GTF_reading | GTF_writing);
    assert_int_equal(gnttab_status_to_clear(GNTPIN_HSTR_INC, false), GTF_writing);
    assert_int_equal(gnttab_status_to_clear(GNTPIN_DEVW_INC, false), 0);
    assert_int_equal(gnttab_status_to_clear(GNTPIN_HSTW_INC, true), 0);
    assert_int_equal(gnttab_status_to_clear(GNTPIN_DEVR_INC, true), 0);
}

static void test_entry(void **state)
{
    const uint16_t pa = GTF_permit_access;

    assert_int_equal(gnttab_entry_check(pa, 3, 3, false, false, true, false), GNTST_okay);
    assert_int_equal(gnttab_entry_check(pa, 3, 4, false, true, true, false), GNTST_general_error);
    assert_int_equal(gnttab_entry_check(GTF_invalid, 3, 3, false, true, true, false),
                     GNTST_general_error);
    assert_int_equal(gnttab_entry_check(GTF_accept_transfer, 3, 3, false, true, false, false),
                     GNTST_general_error);
    /* Read-only grants: readers only, pinned or not. */
    assert_int_equal(gnttab_entry_check(pa | GTF_readonly, 3, 3, false, true, true, false),
                     GNTST_okay);
    assert_int_equal(gnttab_entry_check(pa | GTF_readonly, 3, 3, false, false, true, false),
                     GNTST_general_error);
    assert_int_equal(gnttab_entry_check(pa | GTF_readonly, 3, 3, true, false, true, false),
                     GNTST_general_error);
    /* Pinned: type and domid were checked at first use and are not looked at again. */
    assert_int_equal(gnttab_entry_check(GTF_invalid, 9, 3, true, true, true, false), GNTST_okay);
    /* Sub-page grants may be copied, never mapped. */
    assert_int_equal(gnttab_entry_check(pa | GTF_sub_page, 3, 3, false, true, true, true),
                     GNTST_general_error);
    assert_int_equal(gnttab_entry_check(pa | GTF_sub_page, 3, 3, false, true, false, true),
                     GNTST_okay);
    /* Transitive grants: v2 copies only. */
    assert_int_equal(gnttab_entry_check(GTF_transitive, 3, 3, false, true, false, true),
                     GNTST_okay);
    assert_int_equal(gnttab_entry_check(GTF_transitive, 3, 3, false, true, true, true),
                     GNTST_general_error);
    assert_int_equal(gnttab_entry_check(GTF_transitive, 3, 3, false, true, false, false),
                     GNTST_general_error);
}

static void test_v2_layout(void **state)
{
    /* 256 v2 entries a frame, 2048 status words a status frame. */
    assert_int_equal(gnttab_status_frames(0), 0);
    assert_int_equal(gnttab_status_frames(1), 1);
    assert_int_equal(gnttab_status_frames(8), 1);
    assert_int_equal(gnttab_status_frames(9), 2);
    assert_int_equal(gnttab_status_frames(64), 8);
    /* A copy inside the granted range; touching either end; crossing either end. */
    assert_true(gnttab_copy_within(0, 4096, 0, 4096));
    assert_true(gnttab_copy_within(256, 256, 256, 256));
    assert_true(gnttab_copy_within(256, 256, 320, 16));
    assert_false(gnttab_copy_within(256, 256, 248, 16));
    assert_false(gnttab_copy_within(256, 256, 504, 16));
    assert_false(gnttab_copy_within(256, 0, 256, 1));
    assert_true(gnttab_copy_within(256, 0, 256, 0));
    /* No wrap: an offset near 64 KiB with a length that would overflow 16 bits. */
    assert_false(gnttab_copy_within(0, 4096, 0xfff0, 0x20));
    assert_false(gnttab_copy_within(0xff00, 0xff00, 0xff00, 0xff01));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incr),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_entry),
        cmocka_unit_test(test_v2_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
