/*
 * Bounded string formatting (printf subset) for the hypervisor, the os/
 * library, the guests and the host tests (lib/format.c).
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%.
 * Flags: '-' (left-justify), '0' (zero pad), '+', ' ', '#' (0x / 0 prefix).
 * Width and precision, given as digits or '*'.
 * Length modifiers: hh h l ll z t j.
 * %p prints "0x" and 16 zero-padded hex digits; %s of NULL prints "(null)".
 * An unknown conversion is copied to the output as written.
 * No floating point: the hypervisor is built with general registers only.
 */
#ifndef XL_FORMAT_H
#define XL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into buf[0..n).  The result is always NUL-terminated when n > 0
 * and is truncated to fit.  Returns the length the whole output would have
 * had (not counting the NUL), like C99 vsnprintf, so ret >= n means
 * "truncated".
 */
int xl_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* As xl_vsnprintf, with the arguments inline. */
int xl_snprintf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* XL_FORMAT_H */
