/*
 * Xenolith public ABI: event_channel_op (hypercall 32).
 *
 * event_channel_op(cmd, arg).  Ports are per-domain numbers; the 2-level
 * ABI has EVTCHN_2L_NR_CHANNELS of them, with pending/mask bits in
 * shared_info; the FIFO ABI (init_control) up to EVTCHN_FIFO_NR_CHANNELS,
 * with one event word per port in guest pages and per-vCPU queues.
 * Common errors: -XEN_EFAULT bad arg, -XEN_EINVAL bad port
 * or argument, -XEN_ESRCH bad domain, -XEN_EPERM not allowed,
 * -XEN_ENOSPC no free port, -XEN_ENOENT bad vCPU, -XEN_ENOSYS unknown cmd.
 */
#ifndef XEN_PUBLIC_EVENT_CHANNEL_H
#define XEN_PUBLIC_EVENT_CHANNEL_H

#include <stdint.h>

#include "xen.h"

#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_bind_virq          1
#define EVTCHNOP_bind_pirq          2
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_bind_ipi           7
#define EVTCHNOP_bind_vcpu          8
#define EVTCHNOP_unmask             9
#define EVTCHNOP_reset             10
#define EVTCHNOP_init_control      11
#define EVTCHNOP_expand_array      12
#define EVTCHNOP_set_priority      13

typedef uint32_t evtchn_port_t;
XEN_DEFINE_GUEST_HANDLE(evtchn_port_t);

/*
 * alloc_unbound: allocate a port in dom that remote_dom may later bind
 * to.  dom is DOMID_SELF unless the caller is privileged.
 */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;    /* IN */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound size");

/*
 * bind_interdomain: connect a new local port to remote_port of
 * remote_dom, which must be unbound and offered to the caller.
 */
struct evtchn_bind_interdomain {
    domid_t remote_dom;         /* IN */
    evtchn_port_t remote_port;  /* IN */
    evtchn_port_t local_port;   /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain size");
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "bind_interdomain.remote_port");

/*
 * bind_virq: bind a virtual IRQ to a new port, delivered to vcpu.
 * -XEN_EEXIST if the VIRQ is already bound on that vCPU.
 */
struct evtchn_bind_virq {
    uint32_t virq;              /* IN: VIRQ_* */
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq size");

/* bind_pirq: bind a physical IRQ the caller owns to a new port. */
#define BIND_PIRQ__WILL_SHARE       1
struct evtchn_bind_pirq {
    uint32_t pirq;              /* IN */
    uint32_t flags;             /* IN: BIND_PIRQ__* */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "evtchn_bind_pirq size");

/* bind_ipi: new port for inter-vCPU notification, delivered to vcpu. */
struct evtchn_bind_ipi {
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi size");

/* close: unbind a port; an interdomain peer's port becomes unbound. */
struct evtchn_close {
    evtchn_port_t port;         /* IN */
};
typedef struct evtchn_close evtchn_close_t;

/* send: raise the event on the far end (interdomain) or self (ipi). */
struct evtchn_send {
    evtchn_port_t port;         /* IN */
};
typedef struct evtchn_send evtchn_send_t;

/* status: describe port of dom (other domains: privileged only). */
#define EVTCHNSTAT_closed           0
#define EVTCHNSTAT_unbound          1
#define EVTCHNSTAT_interdomain      2
#define EVTCHNSTAT_pirq             3
#define EVTCHNSTAT_virq             4
#define EVTCHNSTAT_ipi              5
struct evtchn_status {
    domid_t dom;                /* IN */
    evtchn_port_t port;         /* IN */
    uint32_t status;            /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;              /* OUT: vCPU the port notifies */
    union {
        struct {
            domid_t dom;
        } unbound;              /* EVTCHNSTAT_unbound: who may bind */
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;          /* EVTCHNSTAT_interdomain: the peer */
        uint32_t pirq;          /* EVTCHNSTAT_pirq */
        uint32_t virq;          /* EVTCHNSTAT_virq */
    } u;                        /* OUT */
};
typedef struct evtchn_status evtchn_status_t;
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status size");
_Static_assert(offsetof(struct evtchn_status, status) == 8, "evtchn_status.status");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");

/* bind_vcpu: deliver port to another vCPU (not for per-vCPU VIRQs/IPIs). */
struct evtchn_bind_vcpu {
    evtchn_port_t port;         /* IN */
    uint32_t vcpu;              /* IN */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu size");

/* unmask: clear the mask bit and deliver the event if it is pending. */
struct evtchn_unmask {
    evtchn_port_t port;         /* IN */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* reset: close every port of dom (self, or any if privileged). */
struct evtchn_reset {
    domid_t dom;                /* IN */
};
typedef struct evtchn_reset evtchn_reset_t;

/*
 * init_control: register vCPU vcpu's FIFO control block, at offset in the
 * caller's frame control_gfn (PV: an MFN); the first call switches the
 * domain to the FIFO ABI (bound ports keep their binding, priority becomes
 * the default, a 2-level pending bit is carried over).  OUT link_bits
 * (EVTCHN_FIFO_LINK_BITS) is written back only on success.  Errors in this
 * order: -XEN_ENOENT no such vCPU; -XEN_EINVAL offset beyond
 * PAGE_SIZE - sizeof(evtchn_fifo_control_block) or not 8-byte aligned,
 * frame not the caller's or not usable as a writable page, block already
 * registered for that vCPU; -XEN_ENOMEM.  Only EVTCHNOP_reset goes back
 * to 2-level.
 */
struct evtchn_init_control {
    uint64_t control_gfn;       /* IN */
    uint32_t offset;            /* IN */
    uint32_t vcpu;              /* IN */
    uint8_t  link_bits;         /* OUT */
    uint8_t  _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;
_Static_assert(sizeof(struct evtchn_init_control) == 24, "evtchn_init_control size");

/*
 * expand_array: add the caller's frame array_gfn as the next event array
 * page (1024 ports each, at most EVTCHN_FIFO_NR_CHANNELS / 1024 pages).
 * -XEN_EOPNOTSUPP before init_control, -XEN_ENOSPC when all pages are
 * there, -XEN_EINVAL bad frame.  Events that arrived for its ports while
 * the page was missing are raised now.
 */
struct evtchn_expand_array {
    uint64_t array_gfn;         /* IN */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

/*
 * set_priority: queue (0 most urgent .. 15) for the port's future events;
 * new ports get EVTCHN_FIFO_PRIORITY_DEFAULT.  -XEN_EINVAL bad port or
 * priority above EVTCHN_FIFO_PRIORITY_MIN, -XEN_ENOSYS under the 2-level
 * ABI, -XEN_EACCES port not bound.
 */
struct evtchn_set_priority {
    evtchn_port_t port;         /* IN */
    uint32_t priority;          /* IN */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* Argument of the old event_channel_op_compat (hypercall 16). */
struct evtchn_op {
    uint32_t cmd;               /* EVTCHNOP_* */
    union {
        evtchn_alloc_unbound_t    alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t        bind_virq;
        evtchn_bind_pirq_t        bind_pirq;
        evtchn_bind_ipi_t         bind_ipi;
        evtchn_close_t            close;
        evtchn_send_t             send;
        evtchn_status_t           status;
        evtchn_bind_vcpu_t        bind_vcpu;
        evtchn_unmask_t           unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;
XEN_DEFINE_GUEST_HANDLE(evtchn_op_t);
_Static_assert(sizeof(struct evtchn_op) == 28, "evtchn_op size");

/* Ports of the 2-level ABI: one bit per port in a 64x64 bitmap. */
#define EVTCHN_2L_NR_CHANNELS   (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * FIFO ABI.  Event word: PENDING, MASKED, LINKED (on a queue), BUSY (the
 * hypervisor is linking it: the guest must not unmask), and LINK, the next
 * port of the same queue.  Control block: READY has bit q set while queue
 * q may hold events, HEAD[q] is its first port.
 */
#define EVTCHN_FIFO_PRIORITY_MAX        0
#define EVTCHN_FIFO_PRIORITY_DEFAULT    7
#define EVTCHN_FIFO_PRIORITY_MIN       15
#define EVTCHN_FIFO_MAX_QUEUES         (EVTCHN_FIFO_PRIORITY_MIN + 1)
#define EVTCHN_FIFO_PENDING            31
#define EVTCHN_FIFO_MASKED             30
#define EVTCHN_FIFO_LINKED             29
#define EVTCHN_FIFO_BUSY               28
#define EVTCHN_FIFO_LINK_BITS          17
#define EVTCHN_FIFO_LINK_MASK          ((1u << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS        (1u << EVTCHN_FIFO_LINK_BITS)

typedef uint32_t event_word_t;

struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;
_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72, "evtchn_fifo_control_block size");

#endif /* XEN_PUBLIC_EVENT_CHANNEL_H */
