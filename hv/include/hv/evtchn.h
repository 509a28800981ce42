/*
 * Event channels: ports, binding, delivery to vCPUs.  The port numbers and
 * their bindings (struct evtchn) are common; how "pending" and "masked" are
 * kept in guest memory is the domain's port mechanism (Xen's
 * evtchn_port_ops): 2-level bitmaps in shared_info (event_2l.c) until the
 * guest switches to FIFO queues (event_fifo.c).
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H
#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>
#include <hv/mm.h>

struct domain;
struct vcpu;
struct evtchn_init_control;
struct evtchn_expand_array;

/*
 * One port mechanism.  Every hook is called with a valid port number (below
 * NR_EVTCHN) of a bound port unless noted; the caller does the waking.
 */
struct evtchn_port_ops {
    const char *name;
    /* A port was just bound (optional). */
    void (*init)(struct domain *d, unsigned int port);
    /* Raise port toward vCPU v; true when v must be kicked (upcall newly due). */
    bool (*set_pending)(struct vcpu *v, unsigned int port);
    void (*clear_pending)(struct domain *d, unsigned int port);
    /* EVTCHNOP_unmask; true when the notify vCPU must be kicked. */
    bool (*unmask)(struct domain *d, unsigned int port);
    bool (*is_pending)(struct domain *d, unsigned int port);
    bool (*is_masked)(struct domain *d, unsigned int port);
    /* Still in use by the guest after close, so not reusable yet (optional). */
    bool (*is_busy)(struct domain *d, unsigned int port);
    /* EVTCHNOP_set_priority (optional: -ENOSYS without it). */
    int (*set_priority)(struct domain *d, unsigned int port, unsigned int priority);
    /* A few characters of mechanism state for the debug dump. */
    void (*print_state)(struct domain *d, unsigned int port, char *buf, unsigned int size);
};

extern const struct evtchn_port_ops evtchn_port_ops_2l;

/* A fresh port of `d` that domain `remote` may bind to; the port, or 0 if none is free. */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote);
/* Mark a port pending and notify its vCPU (upcall flag, wake-up). */
void evtchn_set_pending(struct domain *d, unsigned int port);
/* SCHEDOP_poll's look at a port: 1 pending, 0 not, -EINVAL out of range or not bound. */
int evtchn_port_poll(struct domain *d, unsigned int port);
/* Deliver a per-vCPU or global VIRQ if the guest bound it. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_global_virq(struct domain *d, unsigned int virq);
/* Wake v if it waits for port (poll) or for any upcall; see event_channel.c. */
void evtchn_notify_vcpu(struct vcpu *v, unsigned int port, bool upcall);
/*
 * FIFO event channels (event_fifo.c).  init_control maps a vCPU's control
 * block and, the first time, switches the domain to FIFO: -ENOENT bad vCPU,
 * -EINVAL offset past the page's last block or not 8-byte aligned, frame not
 * ours or not writable, block already mapped; -ENOMEM.  expand_array adds an
 * event array page: -EOPNOTSUPP still 2-level, -ENOSPC all 128 pages there,
 * -EINVAL bad frame.  destroy goes back to 2-level (EVTCHNOP_reset), giving
 * every frame back; audit_refs names each frame's writable reference to
 * the MMU audit (held(ctx, frame, true)).
 */
long evtchn_fifo_init_control(struct evtchn_init_control *ic);
long evtchn_fifo_expand_array(const struct evtchn_expand_array *ea);
void evtchn_fifo_destroy(struct domain *d);
void evtchn_fifo_audit_refs(struct domain *d, void (*held)(void *ctx, mfn_t mfn, bool writable),
                            void *ctx);

/*
 * Close every port of d (EVTCHNOP_reset, and destruction): an interdomain
 * peer's end becomes unbound, naming d, as Xen's evtchn_close leaves it; a
 * FIFO domain gives its control blocks and event array pages back.
 */
void evtchn_close_all(struct domain *d);

/* Debug key 'e': one line per bound port of d, with the mechanism's state. */
void evtchn_dump(struct domain *d);

#endif
