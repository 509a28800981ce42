/*
 * Xenolith public ABI: the PV console ring (hvc0).
 *
 * The page at start_info.console.domU.mfn, signalled through
 * start_info.console.domU.evtchn.  Two byte rings with free-running
 * 32-bit indices; position = index & (array size - 1).  The guest
 * produces into out and consumes from in; the back end the reverse.
 * Write data, write barrier, then the producer index, then notify.
 */
#ifndef XEN_PUBLIC_IO_CONSOLE_H
#define XEN_PUBLIC_IO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t xencons_ring_idx_t;

#define XENCONS_IN_SIZE         1024
#define XENCONS_OUT_SIZE        2048

/* Position in a ring array of a free-running index. */
#define XENCONS_MASK(idx, array) ((idx) & (sizeof(array) - 1))

/* connection field (newer Xen; Linux 6.1 ignores it). */
#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

struct xencons_interface {
    char in[XENCONS_IN_SIZE];       /* back end -> guest (input) */
    char out[XENCONS_OUT_SIZE];     /* guest -> back end (output) */
    xencons_ring_idx_t in_cons, in_prod;
    xencons_ring_idx_t out_cons, out_prod;
    uint8_t connection;             /* XENCONSOLE_*, written by the back end */
};
_Static_assert(offsetof(struct xencons_interface, out) == 1024, "xencons.out");
_Static_assert(offsetof(struct xencons_interface, in_cons) == 3072, "xencons.in_cons");
_Static_assert(offsetof(struct xencons_interface, out_prod) == 3084, "xencons.out_prod");
_Static_assert(offsetof(struct xencons_interface, connection) == 3088, "xencons.connection");
_Static_assert(sizeof(struct xencons_interface) <= 4096, "xencons fits a page");

#endif /* XEN_PUBLIC_IO_CONSOLE_H */
