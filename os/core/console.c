/*
 * Console output through CONSOLEIO_write (hypercall 18) and, in a DomU,
 * also into its console ring (start_info.console.domU), which Dom0's
 * console back end reads: Xen's release builds refuse CONSOLEIO_write to a
 * DomU, so the ring is how its output reaches anyone there.
 */
#include <stdarg.h>
#include <xl/format.h>
#include <os/console.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>

/*
 * Append to the DomU's console ring and notify the back end. Bytes that do
 * not fit are dropped: nobody may be reading (a DomU nobody connected), and
 * output must never stop the guest.
 */
static void ring_write(const char *s, size_t len)
{
    const start_info_t *si = os_start_info;
    volatile struct xencons_interface *r;
    struct evtchn_send send;
    xencons_ring_idx_t prod;

    if (!si || (si->flags & SIF_INITDOMAIN) || !si->console.domU.mfn)
        return;
    /* The ring page is in our bootstrap region, where VA == pseudo-physical address. */
    r = (volatile struct xencons_interface *)(os_mfn_to_pfn(si->console.domU.mfn) << OS_PAGE_SHIFT);
    prod = r->out_prod;
    os_mb();
    for (size_t i = 0; i < len && prod - r->out_cons < sizeof(r->out); i++)
        r->out[XENCONS_MASK(prod++, r->out)] = s[i];
    os_mb();                            /* the bytes before the index */
    r->out_prod = prod;
    send.port = si->console.domU.evtchn;
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/*
 * Write len bytes to the hypervisor console.  Xen may write fewer bytes
 * than asked in one call only on error, so errors are dropped: there is
 * nowhere else to report them.
 */
void os_console_write(const char *s, size_t len)
{
    ring_write(s, len);
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
