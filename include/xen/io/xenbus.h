/*
 * Xenolith public ABI: XenbusState, the value of every front-end and
 * back-end "state" node in xenstore (written as a decimal string).
 * Both ends start at Initialising; see docs for the handshake.
 */
#ifndef XEN_PUBLIC_IO_XENBUS_H
#define XEN_PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown       = 0,
    XenbusStateInitialising  = 1,
    XenbusStateInitWait      = 2,   /* back end: keys written, waiting for the front end */
    XenbusStateInitialised   = 3,   /* front end: rings granted, keys written */
    XenbusStateConnected     = 4,
    XenbusStateClosing       = 5,
    XenbusStateClosed        = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured  = 8,
};
typedef enum xenbus_state XenbusState;

#endif /* XEN_PUBLIC_IO_XENBUS_H */
