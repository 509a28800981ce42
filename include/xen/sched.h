/*
 * Xenolith public ABI: sched_op (hypercall 29).
 *
 * sched_op(cmd, arg).  Returns 0 or -XEN_E*; -XEN_EFAULT for a bad arg,
 * -XEN_ENOSYS for an unknown cmd.
 */
#ifndef XEN_PUBLIC_SCHED_H
#define XEN_PUBLIC_SCHED_H

#include <stdint.h>

#include "event_channel.h"

/* Give up the CPU; the vCPU stays runnable.  arg ignored. */
#define SCHEDOP_yield               0

/*
 * Block until an event is pending.  Atomically clears this vCPU's upcall
 * mask first, and returns at once if an event is already pending.
 * arg ignored.
 */
#define SCHEDOP_block               1

/*
 * Stop the calling domain.  arg: struct sched_shutdown.  For
 * SHUTDOWN_suspend a PV guest passes the MFN of its start_info in the
 * third argument register.  -XEN_EINVAL for an unknown reason.
 */
#define SCHEDOP_shutdown            2
struct sched_shutdown {
    uint32_t reason;        /* IN: SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown size");

/*
 * Block until one of the listed ports is pending, an unmasked event needs
 * delivery, or timeout (absolute system time in ns; 0 = none) passes.
 * Does not unmask.  -XEN_EINVAL if nr_ports > 128 or a port is invalid.
 */
#define SCHEDOP_poll                3
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;  /* IN */
    uint32_t nr_ports;                      /* IN */
    uint64_t timeout;                       /* IN */
};
typedef struct sched_poll sched_poll_t;
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll size");
_Static_assert(offsetof(struct sched_poll, nr_ports) == 8, "sched_poll.nr_ports");
_Static_assert(offsetof(struct sched_poll, timeout) == 16, "sched_poll.timeout");

/* Shut down another domain (privileged; else -XEN_EPERM, -XEN_ESRCH). */
#define SCHEDOP_remote_shutdown     4
struct sched_remote_shutdown {
    domid_t  domain_id;     /* IN */
    uint32_t reason;        /* IN: SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "sched_remote_shutdown size");

/* Record a shutdown reason without shutting down.  arg: sched_shutdown. */
#define SCHEDOP_shutdown_code       5

/*
 * Domain watchdog.  id 0 with a timeout allocates one and returns its id;
 * id n with timeout t (s) re-arms it, with 0 it is destroyed.
 */
#define SCHEDOP_watchdog            6
struct sched_watchdog {
    uint32_t id;            /* IN */
    uint32_t timeout;       /* IN: seconds */
};
typedef struct sched_watchdog sched_watchdog_t;
_Static_assert(sizeof(struct sched_watchdog) == 8, "sched_watchdog size");

/* Hardware domain: temporarily pin to a physical CPU (-1 = undo). */
#define SCHEDOP_pin_override        7
struct sched_pin_override {
    int32_t pcpu;           /* IN */
};
typedef struct sched_pin_override sched_pin_override_t;

/* Shutdown reasons. */
#define SHUTDOWN_poweroff           0   /* exited normally */
#define SHUTDOWN_reboot             1   /* restart */
#define SHUTDOWN_suspend            2   /* save state, then stop */
#define SHUTDOWN_crash              3   /* the guest crashed */
#define SHUTDOWN_watchdog           4   /* watchdog expired */
#define SHUTDOWN_soft_reset         5   /* reset without tearing down */
#define SHUTDOWN_MAX                5

#endif /* XEN_PUBLIC_SCHED_H */
