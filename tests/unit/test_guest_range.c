/* The guest-memory range rule at every boundary it has. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <xen/xen.h>
#include <asm/guest_range.h>

static void test_lower_half(void **state)
{
    assert_true(guest_range_ok(0, 0));
    assert_true(guest_range_ok(0, 1));
    assert_true(guest_range_ok(0x1000, 4096));
    assert_true(guest_range_ok(0x00007ffffffff000ULL, 0x1000));       /* ends at the top */
    assert_false(guest_range_ok(0x00007ffffffff000ULL, 0x1001));      /* one byte over */
    assert_false(guest_range_ok(0x00007fffffffffffULL, 2));
}

static void test_hypervisor_slots(void **state)
{
    assert_false(guest_range_ok(HYPERVISOR_VIRT_START, 1));
    assert_false(guest_range_ok(HYPERVISOR_VIRT_START + 0x123456, 8));
    assert_false(guest_range_ok(HYPERVISOR_VIRT_END - 8, 8));
    assert_false(guest_range_ok(HYPERVISOR_VIRT_END - 8, 16));         /* straddles the end */
    assert_true(guest_range_ok(HYPERVISOR_VIRT_END, 8));
    assert_false(guest_range_ok(0x0000800000000000ULL, 1));           /* non-canonical */
    assert_false(guest_range_ok(0xffff7fffffffffffULL, 1));
}

static void test_upper_half_and_wrap(void **state)
{
    assert_true(guest_range_ok(0xffffffff80000000ULL, 0x1000));
    assert_true(guest_range_ok(0xfffffffffffff000ULL, 0x1000));       /* ends at 2^64 exactly */
    assert_false(guest_range_ok(0xfffffffffffff000ULL, 0x1001));      /* wraps */
    assert_false(guest_range_ok(0xffffffffffffffffULL, 2));
    assert_false(guest_range_ok(0x1000, SIZE_MAX));
    assert_false(guest_range_ok(HYPERVISOR_VIRT_END, SIZE_MAX));
}

/* One address at a time: is_canonical, and Xen's __addr_ok (which implies canonical). */
static void test_single_addresses(void **state)
{
    assert_true(is_canonical(0));
    assert_true(is_canonical(0x00007fffffffffffULL));
    assert_false(is_canonical(0x0000800000000000ULL));
    assert_false(is_canonical(0xffff7fffffffffffULL));
    assert_true(is_canonical(0xffff800000000000ULL));
    assert_true(guest_addr_ok(0x00007fffffffffffULL));
    assert_false(guest_addr_ok(0x0000800000000000ULL));                /* non-canonical */
    assert_false(guest_addr_ok(HYPERVISOR_VIRT_START));                 /* our slots */
    assert_false(guest_addr_ok(HYPERVISOR_VIRT_END - 1));
    assert_true(guest_addr_ok(HYPERVISOR_VIRT_END));
    assert_true(guest_addr_ok(0xffffffffffffffffULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_half),
        cmocka_unit_test(test_hypervisor_slots),
        cmocka_unit_test(test_upper_half_and_wrap),
        cmocka_unit_test(test_single_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
