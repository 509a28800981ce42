/*
 * xl's text for a CPU bitmap (toolstack/xl/cpumap.c): all, none, runs, and a
 * buffer too short; and vcpu-pin's CPU lists read into a bitmap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "xl/cpumap.h"

static const char *fmt(const uint8_t *map, unsigned int nr)
{
    static char buf[64];

    memset(buf, 'x', sizeof(buf));
    xl_cpumap_format(buf, sizeof(buf), map, nr);
    return buf;
}

static void test_all_and_none(void **state)
{
    const uint8_t ones[2] = { 0xff, 0xff }, zeros[2] = { 0, 0 };

    assert_string_equal(fmt(ones, 1), "all");
    assert_string_equal(fmt(ones, 16), "all");
    assert_string_equal(fmt(ones, 12), "all");      /* bits past nr are not looked at */
    assert_string_equal(fmt(zeros, 16), "none");
    assert_string_equal(fmt(zeros, 0), "none");
}

static void test_runs(void **state)
{
    const uint8_t a[2] = { 0x07, 0x00 };            /* 0-2 of 16 */
    const uint8_t b[2] = { 0xa7, 0x03 };            /* 0-2,5,7-9 */
    const uint8_t c[2] = { 0xfe, 0xff };            /* 1-15: not all */
    const uint8_t d[1] = { 0x80 };                  /* the last one */
    const uint8_t e[1] = { 0x7f };                  /* all but the last */

    assert_string_equal(fmt(a, 16), "0-2");
    assert_string_equal(fmt(b, 16), "0-2,5,7-9");
    assert_string_equal(fmt(c, 16), "1-15");
    assert_string_equal(fmt(d, 8), "7");
    assert_string_equal(fmt(e, 8), "0-6");
    assert_string_equal(fmt(b, 6), "0-2,5");
}

static void test_short_buffer(void **state)
{
    const uint8_t alt[4] = { 0x55, 0x55, 0x55, 0x55 };
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    xl_cpumap_format(buf, sizeof(buf), alt, 32);
    assert_string_equal(buf, "0,2,4,6");
    xl_cpumap_format(buf, 5, alt, 32);
    assert_string_equal(buf, "0,2,");
    xl_cpumap_format(buf, 0, alt, 32);             /* nothing written */
    assert_string_equal(buf, "0,2,");
}

/* s parsed into a 2-byte map: the map as a number (bit n: CPU n), or the error. */
static long parse(const char *s)
{
    uint8_t map[2];
    const char *item = NULL;
    size_t len = 0;
    int rc = xl_cpumap_parse(s, map, sizeof(map), &item, &len);

    return rc ? rc : (long)(map[0] | map[1] << 8);
}

static void test_parse_cpus_and_ranges(void **state)
{
    assert_int_equal(parse("0"), 0x1);
    assert_int_equal(parse("3"), 0x8);
    assert_int_equal(parse("1-3"), 0xe);
    assert_int_equal(parse("0,2-3,9"), 0x20d);
    assert_int_equal(parse("all"), 0xffff);
    assert_int_equal(parse("all,^1,^8-15"), 0xfd);
    assert_int_equal(parse("0-3,^2"), 0xb);
    assert_int_equal(parse("2-2"), 0x4);
    assert_int_equal(parse("1,,2,"), 0x6);          /* empty items skipped, as strtok's */
    assert_int_equal(parse(""), 0);
    /* CPUs past the map are ignored (libxl's bitmap_set), even a huge range. */
    assert_int_equal(parse("16"), 0);
    assert_int_equal(parse("15-4000000000"), 0x8000);
}

static void test_parse_errors(void **state)
{
    uint8_t map[1];
    const char *item = NULL;
    size_t len = 0;

    assert_int_equal(parse("x"), XL_CPUMAP_BAD_RANGE);
    assert_int_equal(parse("3-1"), XL_CPUMAP_BAD_RANGE);
    assert_int_equal(parse("1-"), XL_CPUMAP_BAD_RANGE);
    assert_int_equal(parse("-1"), XL_CPUMAP_BAD_RANGE);
    assert_int_equal(parse("1x"), XL_CPUMAP_BAD_RANGE);
    assert_int_equal(parse("node:0"), XL_CPUMAP_BAD_RANGE);
    assert_int_equal(parse("99999999999999999999999"), XL_CPUMAP_BAD_RANGE);
    assert_int_equal(parse("^all"), XL_CPUMAP_NOT_ALL);
    assert_int_equal(xl_cpumap_parse("0,2-1,3", map, sizeof(map), &item, &len),
                     XL_CPUMAP_BAD_RANGE);
    assert_int_equal(len, 3);
    assert_memory_equal(item, "2-1", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_and_none),
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_short_buffer),
        cmocka_unit_test(test_parse_cpus_and_ranges),
        cmocka_unit_test(test_parse_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
