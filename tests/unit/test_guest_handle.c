/*
 * Typed guest handles (hv/guest_access.h): element counts and offsets turn
 * into the right byte ranges, counts whose size overflows are refused before
 * the byte primitive is called, and field copies land on the field. The byte
 * primitive is replaced by a fake guest memory: one buffer at FAKE_GVA.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hv/guest_access.h>

#define FAKE_GVA  0x10000ULL
static uint8_t guest_mem[4096];
static unsigned int primitive_calls;
static uint64_t last_gva, last_n;

/* The fake primitive: the same range rule, then the buffer (anything outside it faults). */
static uint8_t *fake_at(uint64_t gva, size_t n)
{
    if (!guest_range_ok(gva, n) || gva < FAKE_GVA || gva - FAKE_GVA > sizeof(guest_mem) ||
        n > sizeof(guest_mem) - (gva - FAKE_GVA))
        return NULL;
    return &guest_mem[gva - FAKE_GVA];
}

int raw_copy_from_guest(void *dst, uint64_t gva, size_t n)
{
    uint8_t *p = fake_at(gva, n);

    primitive_calls++, last_gva = gva, last_n = n;
    if (!p)
        return -XEN_EFAULT;
    memcpy(dst, p, n);
    return 0;
}

int raw_copy_to_guest(uint64_t gva, const void *src, size_t n)
{
    uint8_t *p = fake_at(gva, n);

    primitive_calls++, last_gva = gva, last_n = n;
    if (!p)
        return -XEN_EFAULT;
    memcpy(p, src, n);
    return 0;
}

static int reset(void **state)
{
    for (size_t i = 0; i < sizeof(guest_mem); i++)
        guest_mem[i] = (uint8_t)i;
    primitive_calls = 0;
    last_gva = last_n = 0;
    return 0;
}

static void test_span_arithmetic(void **state)
{
    uint64_t at, bytes;

    assert_true(guest_array_span(0x1000, 3, 2, 8, &at, &bytes));
    assert_int_equal(at, 0x1018);
    assert_int_equal(bytes, 16);
    assert_true(guest_array_span(0x1000, 0, 0, 72, &at, &bytes));       /* nothing at all */
    assert_int_equal(at, 0x1000);
    assert_int_equal(bytes, 0);
    /* The largest count whose size still fits, and the first one that does not. */
    assert_true(guest_array_span(0, 0, UINT64_MAX / 8, 8, &at, &bytes));
    assert_false(guest_array_span(0, 0, UINT64_MAX / 8 + 1, 8, &at, &bytes));
    assert_false(guest_array_span(0, 0, 1ULL << 61, 8, &at, &bytes));   /* 2^64 bytes: wraps to 0 */
    assert_false(guest_array_span(0, 1ULL << 61, 1, 8, &at, &bytes));   /* offset too far */
    assert_false(guest_array_span(UINT64_MAX - 7, 1, 1, 8, &at, &bytes)); /* base + offset wraps */
    assert_true(guest_array_span(UINT64_MAX - 15, 1, 1, 8, &at, &bytes));
    assert_int_equal(at, UINT64_MAX - 7);
}

static void test_handle_okay(void **state)
{
    XEN_GUEST_HANDLE(uint64_t) h = guest_handle_from_va(uint64_t, FAKE_GVA);
    XEN_GUEST_HANDLE(multicall_entry_t) m = guest_handle_from_va(multicall_entry_t, FAKE_GVA);

    assert_true(guest_handle_okay(h, 0));
    assert_true(guest_handle_okay(h, 512));
    assert_true(guest_handle_okay(m, 0xffffffffULL));                 /* 256 GiB: inside the lower half */
    assert_false(guest_handle_okay(h, (1ULL << 61) + 1));               /* 2^64 + 8 bytes: would wrap */
    assert_false(guest_handle_okay(h, UINT64_MAX));
    assert_false(guest_handle_okay(m, UINT64_MAX / sizeof(multicall_entry_t) + 1));
    /* A range that ends in the hypervisor's slots. */
    h = guest_handle_from_va(uint64_t, HYPERVISOR_VIRT_START - 8);
    assert_true(guest_handle_okay(h, 0));
    assert_false(guest_handle_okay(h, 2));
    h = guest_handle_from_va(uint64_t, 0x00007ffffffffff0ULL);
    assert_true(guest_handle_subrange_okay(h, 0, 1));
    assert_false(guest_handle_subrange_okay(h, 1, 2));
    assert_true(guest_handle_subrange_okay(h, 5, 4));                  /* empty */
    assert_false(guest_handle_subrange_okay(h, 5, 3));                 /* "negative": a huge count */
    assert_false(guest_handle_subrange_okay(h, 0, UINT64_MAX));        /* 2^64 elements */
    assert_int_equal(primitive_calls, 0);
}

static void test_null_and_offsets(void **state)
{
    XEN_GUEST_HANDLE(uint32_t) h = guest_handle_from_va(uint32_t, 0);
    XEN_GUEST_HANDLE(void) v = guest_handle_from_va(void, FAKE_GVA);
    XEN_GUEST_HANDLE(multicall_entry_t) m = guest_handle_from_va(multicall_entry_t, FAKE_GVA);

    assert_true(guest_handle_is_null(h));
    guest_handle_add_offset(h, 3);                                     /* elements, not bytes */
    assert_false(guest_handle_is_null(h));
    assert_int_equal(h.addr, 12);
    guest_handle_subtract_offset(h, 1);
    assert_int_equal(h.addr, 8);
    guest_handle_add_offset(v, 5);                                     /* a void handle counts bytes */
    assert_int_equal(v.addr, FAKE_GVA + 5);
    guest_handle_add_offset(m, 2);
    assert_int_equal(m.addr, FAKE_GVA + 2 * sizeof(multicall_entry_t));
    assert_int_equal(guest_handle_cast(m, uint64_t).addr, m.addr);
    assert_int_equal(guest_handle_elem_size(m), 64);
}

static void test_copy_elements(void **state)
{
    XEN_GUEST_HANDLE(uint64_t) h = guest_handle_from_va(uint64_t, FAKE_GVA);
    XEN_GUEST_HANDLE(void) v = guest_handle_from_va(void, FAKE_GVA);
    uint64_t buf[3], one = 0x1122334455667788ULL;
    uint16_t half;

    assert_int_equal(copy_from_guest_offset(buf, h, 2, 3), 0);         /* elements 2..4 */
    assert_int_equal(last_gva, FAKE_GVA + 16);
    assert_int_equal(last_n, 24);
    assert_memory_equal(buf, &guest_mem[16], 24);
    assert_int_equal(copy_to_guest_offset(h, 7, &one, 1), 0);
    assert_int_equal(last_gva, FAKE_GVA + 56);
    assert_int_equal(last_n, 8);
    assert_memory_equal(&guest_mem[56], &one, 8);
    /* Through a void handle, the size and the offset unit are the buffer's. */
    assert_int_equal(copy_from_guest_offset(&half, v, 3, 1), 0);
    assert_int_equal(last_gva, FAKE_GVA + 6);
    assert_int_equal(last_n, 2);
    assert_int_equal(copy_from_guest(buf, v, 0), 0);                   /* nothing: fine */
    assert_int_equal(last_n, 0);
}

static void test_copy_refuses_overflow(void **state)
{
    XEN_GUEST_HANDLE(uint64_t) h = guest_handle_from_va(uint64_t, FAKE_GVA);
    XEN_GUEST_HANDLE(uint64_t) top = guest_handle_from_va(uint64_t, UINT64_MAX - 7);
    uint64_t buf[2] = { 0 };

    /* nr * 8 wraps to 8 bytes: refused before the primitive sees a short copy. */
    assert_int_equal(copy_from_guest(buf, h, (1ULL << 61) + 1), -XEN_EFAULT);
    assert_int_equal(copy_to_guest(h, buf, (1ULL << 61) + 1), -XEN_EFAULT);
    assert_int_equal(copy_from_guest_offset(buf, h, (1ULL << 61) + 1, 1), -XEN_EFAULT);
    assert_int_equal(copy_to_guest_offset(top, 1, buf, 1), -XEN_EFAULT);
    assert_int_equal(copy_from_guest_offset(buf, top, 1, 1), -XEN_EFAULT);
    assert_int_equal(primitive_calls, 0);
    /* And out of the fake memory: the primitive's own answer comes back. */
    assert_int_equal(copy_from_guest_offset(buf, h, 512, 1), -XEN_EFAULT);
    assert_int_equal(primitive_calls, 1);
}

static void test_field_copies(void **state)
{
    XEN_GUEST_HANDLE(multicall_entry_t) m = guest_handle_from_va(multicall_entry_t, FAKE_GVA);
    multicall_entry_t e = { .result = 0xdeadbeefULL };

    guest_handle_add_offset(m, 1);
    assert_int_equal(copy_field_to_guest(m, &e, result), 0);
    assert_int_equal(last_gva, FAKE_GVA + sizeof(e) + offsetof(multicall_entry_t, result));
    assert_int_equal(last_n, sizeof(e.result));
    e.result = 0x1234;
    assert_int_equal(__copy_field_to_guest(m, &e, result), 0);        /* the unchecked form: same place */
    assert_int_equal(last_gva, FAKE_GVA + sizeof(e) + offsetof(multicall_entry_t, result));
    assert_memory_equal(&guest_mem[sizeof(e) + offsetof(multicall_entry_t, result)], &e.result, 8);
    e.op = 0;
    assert_int_equal(copy_field_from_guest(&e, m, op), 0);
    assert_memory_equal(&e.op, &guest_mem[sizeof(e) + offsetof(multicall_entry_t, op)], sizeof(e.op));
    m = guest_handle_from_va(multicall_entry_t, UINT64_MAX - 3);      /* field offset wraps */
    primitive_calls = 0;
    assert_int_equal(copy_field_to_guest(m, &e, result), -XEN_EFAULT);
    assert_int_equal(primitive_calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_span_arithmetic, reset),
        cmocka_unit_test_setup(test_handle_okay, reset),
        cmocka_unit_test_setup(test_null_and_offsets, reset),
        cmocka_unit_test_setup(test_copy_elements, reset),
        cmocka_unit_test_setup(test_copy_refuses_overflow, reset),
        cmocka_unit_test_setup(test_field_copies, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
