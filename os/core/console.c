/*
 * Console output through CONSOLEIO_write (hypercall 18).
 */
#include <stdarg.h>
#include <xl/format.h>
#include <os/console.h>
#include <os/hypercall.h>

/*
 * Write len bytes to the hypervisor console.  Xen may write fewer bytes
 * than asked in one call only on error, so errors are dropped: there is
 * nowhere else to report them.
 */
void os_console_write(const char *s, size_t len)
{
    while (len) {
        int chunk = len > 1024 ? 1024 : (int)len;

        if (HYPERVISOR_console_io(CONSOLEIO_write, chunk, s) < 0)
            return;
        s += chunk;
        len -= (size_t)chunk;
    }
}

/* Format into a stack buffer and write it; returns bytes written. */
int os_vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = xl_vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n < 0)
        return n;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    os_console_write(buf, (size_t)n);
    return n;
}

/* printf to the hypervisor console; returns bytes written. */
int os_printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = os_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
