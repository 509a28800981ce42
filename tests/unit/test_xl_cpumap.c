/*
 * xl's text for a CPU bitmap (toolstack/xl/cpumap.c): all, none, runs, and a
 * buffer too short.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_and_none),
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_short_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
