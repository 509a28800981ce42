/*
 * Freestanding C library subset for the hypervisor, the os/ library and the
 * guests (lib/string.c).
 *
 * The prototypes are the standard ones, so this header can sit beside the
 * host's <string.h> in unit tests: there libc provides the bodies and
 * lib/string.c is not linked.  In the freestanding images string.c
 * provides them (GCC may also emit memcpy/memset calls on its own).
 */
#ifndef XL_STRING_H
#define XL_STRING_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* XL_STRING_H */
