/*
 * The state of event-channel ports (Xen's struct evtchn and its states) as
 * pure logic over an environment, like the frame-type machine's struct
 * pt_env: hv/lib/evtchn_ports.c, driven by common/event_channel.c and by
 * the host unit tests (tests/unit/test_evtchn_ports.c).
 *
 * A domain has NR_EVTCHN ports; port 0 is reserved. A port is FREE, or
 * bound: UNBOUND (allocated, waiting for remote_dom to bind it),
 * INTERDOMAIN (linked to remote_dom's remote_port, both ends pointing at
 * each other), VIRQ, IPI or PIRQ. Closing an interdomain end turns the
 * other end back into UNBOUND toward the domain that closed, so that domain
 * could bind it again. The guest-visible pending and mask bits are not kept
 * here: they belong to the domain's port mechanism (2-level or FIFO), which
 * the environment reaches.
 * Error codes are Xen 4.17's: a port out of range or in the wrong state is
 * -EINVAL, no free port -ENOSPC, no such domain -ESRCH.
 */
#ifndef HV_EVTCHN_PORTS_H
#define HV_EVTCHN_PORTS_H
#include <stdbool.h>
#include <stdint.h>

struct evtchn_status;

#define NR_EVTCHN       4096        /* 2-level ABI on x86-64: 64 x 64 ports; FIFO: the first 4096 of 2^17 */

enum evtchn_state { ECS_FREE, ECS_RESERVED, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_PIRQ, ECS_VIRQ, ECS_IPI };

struct evtchn {
    uint8_t state;                   /* enum evtchn_state */
    uint8_t virq;                    /* ECS_VIRQ (below NR_VIRQS) */
    uint16_t notify_vcpu;            /* below MAX_VCPUS (8192) */
    uint16_t remote_dom;             /* ECS_UNBOUND: who may bind; ECS_INTERDOMAIN: peer */
    uint16_t remote_port;            /* ECS_INTERDOMAIN */
    uint16_t pirq;                   /* ECS_PIRQ */
};

/* The machine the ports live on. Callbacks marked optional may be NULL. */
struct evtchn_env {
    void *ctx;
    /* The NR_EVTCHN ports of domain `dom`: of a live domain, or (any) of a
       dying one too; NULL if there is none. The caller's own domain and the
       peers of links being undone are looked up with `any`, a domain to
       link with without. */
    struct evtchn *(*ports)(void *ctx, uint16_t dom, bool any);
    /* Optional: the highest port dom (one `ports` found) may allocate (createdomain's
       max_evtchn_port); NULL: every port of the table. */
    unsigned int (*max_port)(void *ctx, uint16_t dom);
    /* Optional: a closed port the mechanism still uses (FIFO: linked in a queue). */
    bool (*busy)(void *ctx, uint16_t dom, unsigned int port);
    /* Optional: a port was just bound (the mechanism sets up its state). */
    void (*bound)(void *ctx, uint16_t dom, unsigned int port);
    /* Mark a bound port pending and notify its vCPU. */
    void (*raise)(void *ctx, uint16_t dom, unsigned int port);
    /* Clear the pending state of a port being closed. */
    void (*clear)(void *ctx, uint16_t dom, unsigned int port);
    /* Optional: undo the other half of a VIRQ or PIRQ binding being closed
       (the vCPU's VIRQ slot, the PIRQ's routing). */
    void (*unbind)(void *ctx, uint16_t dom, unsigned int port, const struct evtchn *c);
};

static inline bool evtchn_port_valid(unsigned int port)
{
    return port < NR_EVTCHN;
}

/* Xen's evtchn_usable: only bound ports reach the mechanism. */
static inline bool evtchn_port_bound(const struct evtchn *c)
{
    return c->state > ECS_RESERVED;
}

/* The lowest free port of dom (from 1), or -XEN_ENOSPC (-XEN_ESRCH: no such domain). */
int evtchn_port_alloc(const struct evtchn_env *env, uint16_t dom);
/* Bind a free port of dom as c says; the port, or as evtchn_port_alloc. */
int evtchn_port_bind(const struct evtchn_env *env, uint16_t dom, struct evtchn c);
/*
 * EVTCHNOP_bind_interdomain's state change: rport of rdom must be UNBOUND
 * toward ldom (-EINVAL otherwise, -ESRCH if rdom is no live domain); a free
 * port of ldom is linked with it, and the new local end starts pending (as
 * on Xen). The local port, or the error.
 */
int evtchn_port_link(const struct evtchn_env *env, uint16_t ldom, uint16_t rdom,
                     unsigned int rport);
/*
 * Close port of dom: -EINVAL if out of range, free or reserved. An
 * interdomain peer becomes UNBOUND toward dom; a VIRQ or PIRQ binding's
 * other half goes through unbind; the pending state is cleared.
 */
int evtchn_port_close(const struct evtchn_env *env, uint16_t dom, unsigned int port);
/* Close every bound port of dom (EVTCHNOP_reset); how many were closed. */
unsigned int evtchn_ports_close_all(const struct evtchn_env *env, uint16_t dom);
/*
 * EVTCHNOP_send from port of dom: an interdomain port raises its peer, an
 * IPI port itself, an unbound port drops the event (0); else -EINVAL.
 */
int evtchn_port_send(const struct evtchn_env *env, uint16_t dom, unsigned int port);
/* EVTCHNOP_status's answer for port c (status, union, vcpu). */
void evtchn_port_status(const struct evtchn *c, struct evtchn_status *s);
/* Is VIRQ virq bound per domain (to vCPU 0, movable), not per vCPU? */
bool evtchn_virq_is_global(unsigned int virq);
/*
 * EVTCHNOP_bind_vcpu's state rules: a per-vCPU VIRQ, an IPI and a free
 * port stay where they are (-EINVAL); other bound ports notify `vcpu` next.
 */
int evtchn_port_set_vcpu(struct evtchn *c, unsigned int vcpu);

#endif
