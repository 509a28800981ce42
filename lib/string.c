/*
 * memcpy and friends for the freestanding images (hypervisor, os/, guests).
 *
 * Byte loops, with one shortcut: memcpy and memset move 8-byte words
 * through the aligned middle of a range (when source and destination are
 * equally aligned) with one string instruction (`rep movsq`, `rep stosq`),
 * since the domain builder clears and fills hundreds of megabytes (a 1 GiB
 * Dom0, an unpacked Linux) and under QEMU's TCG every loop iteration costs:
 * a word loop is three instructions per word, the string instruction one.  GCC can recognise a byte loop and replace it with
 * a call to memset/memcpy, which inside memset itself would recurse
 * forever; the attribute below switches that transformation off.
 */
#include <xl/string.h>

#define NO_LIBCALL_RECOGNITION __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Copy n bytes; the ranges must not overlap.  Returns dst. */
NO_LIBCALL_RECOGNITION
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n && ((uintptr_t)d & 7)) {
            *d++ = *s++;
            n--;
        }
        size_t words = n / 8;

        asm volatile ("rep movsq" : "+D" (d), "+S" (s), "+c" (words) : : "memory");
        n &= 7;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* Copy n bytes between ranges that may overlap.  Returns dst. */
NO_LIBCALL_RECOGNITION
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d < (uintptr_t)s) {
        while (n--)
            *d++ = *s++;
    } else {
        /* Destination above source: copy from the top so no byte is
         * overwritten before it has been read. */
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

/* Fill n bytes with (unsigned char)c.  Returns dst. */
NO_LIBCALL_RECOGNITION
void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t w = 0x0101010101010101ull * (unsigned char)c;

    while (n && ((uintptr_t)d & 7)) {
        *d++ = (unsigned char)c;
        n--;
    }
    size_t words = n / 8;

    asm volatile ("rep stosq" : "+D" (d), "+c" (words) : "a" (w) : "memory");
    n &= 7;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

/* Compare n bytes as unsigned chars: <0, 0 or >0 like the C standard. */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Length of a NUL-terminated string. */
size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

/* Length of s, but never looks at more than maxlen bytes. */
size_t strnlen(const char *s, size_t maxlen)
{
    size_t n = 0;

    while (n < maxlen && s[n])
        n++;
    return n;
}

/* Compare two strings as unsigned chars. */
int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return (*x > *y) - (*x < *y);
}

/* Compare at most n characters of two strings. */
int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
        if (!*x)
            break;
    }
    return 0;
}

/* First occurrence of (char)c in s; the terminating NUL can be found too. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}
