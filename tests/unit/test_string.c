/*
 * lib/string.c, built for the host under xl_* names (see mk/lib.mk),
 * checked against the host C library on many sizes and alignments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

void *xl_memcpy(void *dst, const void *src, size_t n);
void *xl_memmove(void *dst, const void *src, size_t n);
void *xl_memset(void *dst, int c, size_t n);
int xl_memcmp(const void *a, const void *b, size_t n);
size_t xl_strlen(const char *s);
size_t xl_strnlen(const char *s, size_t maxlen);
int xl_strcmp(const char *a, const char *b);
int xl_strncmp(const char *a, const char *b, size_t n);
char *xl_strchr(const char *s, int c);

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 3));
}

static void test_memcpy_memset(void **state)
{
    unsigned char src[96], a[96], b[96];

    fill(src, sizeof(src), 1);
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= 64; n++) {
            memset(a, 0xee, sizeof(a));
            memset(b, 0xee, sizeof(b));
            assert_ptr_equal(xl_memcpy(a + off, src, n), a + off);
            memcpy(b + off, src, n);
            assert_memory_equal(a, b, sizeof(a));
            assert_ptr_equal(xl_memset(a + off, 0x1c5, n), a + off);  /* char cast */
            memset(b + off, 0x1c5, n);
            assert_memory_equal(a, b, sizeof(a));
        }
}

static void test_memmove_overlap(void **state)
{
    unsigned char a[64], b[64];

    for (size_t from = 0; from < 16; from++)
        for (size_t to = 0; to < 16; to++)
            for (size_t n = 0; n <= 32; n += 5) {
                fill(a, sizeof(a), 3);
                fill(b, sizeof(b), 3);
                assert_ptr_equal(xl_memmove(a + to, a + from, n), a + to);
                memmove(b + to, b + from, n);
                assert_memory_equal(a, b, sizeof(a));
            }
}

static void test_compare(void **state)
{
    assert_int_equal(xl_memcmp("abc", "abd", 3), -1);
    assert_int_equal(xl_memcmp("abd", "abc", 3), 1);
    assert_int_equal(xl_memcmp("abc", "abd", 2), 0);
    assert_int_equal(xl_memcmp("\x80", "\x01", 1), 1);       /* unsigned bytes */
    assert_int_equal(xl_memcmp("", "", 0), 0);

    static const char *const s[] = { "", "a", "ab", "abc", "abd", "b", "\xff", "A" };
    for (size_t i = 0; i < 8; i++)
        for (size_t j = 0; j < 8; j++) {
            assert_int_equal(sign(xl_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
            for (size_t n = 0; n < 5; n++)
                assert_int_equal(sign(xl_strncmp(s[i], s[j], n)),
                                 sign(strncmp(s[i], s[j], n)));
        }
}

static void test_lengths_and_search(void **state)
{
    const char *s = "hypervisor";

    assert_int_equal(xl_strlen(""), 0);
    assert_int_equal(xl_strlen(s), 10);
    assert_int_equal(xl_strnlen(s, 4), 4);
    assert_int_equal(xl_strnlen(s, 40), 10);
    char nonul[3] = { 'a', 'b', 'c' };          /* strnlen must stop at maxlen */
    assert_int_equal(xl_strnlen(nonul, 3), 3);
    assert_ptr_equal(xl_strchr(s, 'v'), s + 5);
    assert_ptr_equal(xl_strchr(s, 'r'), s + 4);  /* first of two */
    assert_ptr_equal(xl_strchr(s, 'z'), NULL);
    assert_ptr_equal(xl_strchr(s, '\0'), s + 10);
    assert_ptr_equal(xl_strchr(s, 'h' + 256), s); /* converted to char */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_memset),
        cmocka_unit_test(test_memmove_overlap),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_lengths_and_search),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
