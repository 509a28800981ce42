/*
 * xl_snprintf against the host C library, which serves as the oracle for
 * every conversion where the two are meant to agree; %p and unknown
 * conversions, where we deliberately differ, are checked by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include <xl/format.h>

#define SAME(...)                                                       \
    do {                                                                \
        char ours[256], libc[256];                                      \
        memset(ours, 'Z', sizeof(ours));                                \
        int ro = xl_snprintf(ours, sizeof(ours), __VA_ARGS__);          \
        int rl = snprintf(libc, sizeof(libc), __VA_ARGS__);             \
        assert_string_equal(ours, libc);                                \
        assert_int_equal(ro, rl);                                       \
    } while (0)

static void test_integers(void **state)
{
    SAME("%d %i %u", 0, -1, 0u);
    SAME("%d|%d", INT_MAX, INT_MIN);
    SAME("%u %x %X %o", UINT_MAX, 0xdeadbeefu, 0xdeadbeefu, 0755u);
    SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
    SAME("%lld %llu %llx", LLONG_MIN, ULLONG_MAX, 0xfedcba9876543210ULL);
    SAME("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)4096, (ptrdiff_t)-5);
    SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    SAME("%jd %td", (intmax_t)-42, (ptrdiff_t)42);
}

static void test_width_and_flags(void **state)
{
    SAME("[%5d][%-5d][%05d]", 42, 42, 42);
    SAME("[%5d][%-5d][%05d]", -42, -42, -42);
    SAME("[%08x][%-8x][%8X]", 0xabcu, 0xabcu, 0xabcu);
    SAME("[%016lx]", 0xffff82d080000000UL);
    SAME("[%+d][% d][%+d][% d]", 5, 5, -5, -5);
    SAME("[%#x][%#X][%#o][%#x][%#o]", 255u, 255u, 8u, 0u, 0u);
    SAME("[%#010x][%-#10x]", 255u, 255u);
    SAME("[%*d][%-*d][%*d]", 6, 7, 6, 7, -6, 7);
    SAME("[%.3d][%.0d][%5.3d][%-5.3d]", 7, 0, 7, 7);
    SAME("[%.*d]", -1, 7);
    SAME("[%3c][%-3c][%c]", 'a', 'b', 'c');
    SAME("%%|%d%%", 3);
}

static void test_strings(void **state)
{
    SAME("[%s][%10s][%-10s]", "abc", "abc", "abc");
    SAME("[%.2s][%5.1s][%.0s]", "abc", "abc", "abc");
    SAME("[%.*s]", 3, "abcdef");
    /* Precision bounds the read: the source need not be NUL-terminated. */
    char unterminated[4] = { 'w', 'x', 'y', 'z' };
    char out[16];
    assert_int_equal(xl_snprintf(out, sizeof(out), "%.4s", unterminated), 4);
    assert_string_equal(out, "wxyz");
    const char *volatile null_str = NULL;
    assert_int_equal(xl_snprintf(out, sizeof(out), "%s", null_str), 6);
    assert_string_equal(out, "(null)");
}

static void test_truncation(void **state)
{
    char buf[8];

    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(xl_snprintf(buf, sizeof(buf), "%s-%d", "hello", 12345), 11);
    assert_string_equal(buf, "hello-1");            /* 7 chars + NUL */

    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(xl_snprintf(buf, 1, "abc"), 3);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'Z');                  /* nothing past n */

    /* n == 0: nothing written at all, NULL buffer allowed. */
    assert_int_equal(xl_snprintf(NULL, 0, "%d", 123456), 6);

    /* Exactly fitting output. */
    assert_int_equal(xl_snprintf(buf, sizeof(buf), "1234567"), 7);
    assert_string_equal(buf, "1234567");
}

static void test_pointer(void **state)
{
    char buf[64];

    assert_int_equal(xl_snprintf(buf, sizeof(buf), "%p", (void *)0x1234), 18);
    assert_string_equal(buf, "0x0000000000001234");
    xl_snprintf(buf, sizeof(buf), "[%p]", (void *)0);
    assert_string_equal(buf, "[0x0000000000000000]");
    xl_snprintf(buf, sizeof(buf), "[%20p]", (void *)0xffffffff80000000UL);
    assert_string_equal(buf, "[  0xffffffff80000000]");
}

static void test_unknown_conversion(void **state)
{
    char buf[64];
    /* Non-literal formats: the compiler would rightly refuse these. */
    const char *bad = "a%qb %d", *tail = "end%", *tail2 = "x%-5";

    assert_int_equal(xl_snprintf(buf, sizeof(buf), bad, 1), 6);
    assert_string_equal(buf, "a%qb 1");
    assert_int_equal(xl_snprintf(buf, sizeof(buf), tail, 0), 4);
    assert_string_equal(buf, "end%");
    assert_int_equal(xl_snprintf(buf, sizeof(buf), tail2, 0), 4);
    assert_string_equal(buf, "x%-5");

    /* '0' is ignored when a precision is given (C rule). */
    const char *zp = "[%05.3d]";
    assert_int_equal(xl_snprintf(buf, sizeof(buf), zp, 7), 7);
    assert_string_equal(buf, "[  007]");
}

static int wrap(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int r = xl_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static void test_vsnprintf(void **state)
{
    char buf[32];

    assert_int_equal(wrap(buf, sizeof(buf), "%s=%#llx", "cr3", 0x1000ULL), 10);
    assert_string_equal(buf, "cr3=0x1000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_unknown_conversion),
        cmocka_unit_test(test_vsnprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
