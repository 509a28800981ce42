/*
 * Console of the os/ library: CONSOLEIO_write to the hypervisor console.
 *
 * Only privileged domains may use CONSOLEIO_write on a stock Xen, which is
 * why our guests run as the initial domain.
 */
#ifndef OS_CONSOLE_H
#define OS_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

/* Write len bytes as they are. */
void os_console_write(const char *s, size_t len);

/* printf-style output (formatting by xl_vsnprintf); lines up to 512 bytes. */
int os_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int os_vprintf(const char *fmt, va_list ap);

#endif /* OS_CONSOLE_H */
