/*
 * EVTCHNOP_*: allocate, bind, send, close, query and unmask event channels.
 * The per-port bookkeeping (struct evtchn) is ours alone; the guest-visible
 * pending and mask state belongs to the domain's port mechanism
 * (d->evtchn_ops: event_2l.c, the 2-level bitmaps in shared_info, or
 * event_fifo.c, the FIFO queues, once the guest has switched).
 * Error codes follow Xen 4.17: a port outside the table or in the wrong state
 * is -EINVAL, a bad vCPU -ENOENT, an already bound VIRQ -EEXIST.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/pirq.h>
#include <hv/sched.h>

static bool port_valid(unsigned int port)
{
    return port < NR_EVTCHN;
}

/* Xen's evtchn_usable: only bound ports reach the mechanism. */
static bool port_usable(const struct domain *d, unsigned int port)
{
    return d->evtchn[port].state > ECS_RESERVED;
}

/* See evtchn.h: a poller wakes for its ports, a blocked vCPU for a new upcall. */
void evtchn_notify_vcpu(struct vcpu *v, unsigned int port, bool upcall)
{
    if (!v->blocked)
        return;
    if (v->polling) {
        for (unsigned int i = 0; i < v->nr_poll_ports; i++)
            if (v->poll_port_list[i] == port) {
                vcpu_wake(v);
                return;
            }
        if (v->nr_poll_ports == 0 && upcall)
            vcpu_wake(v);
        return;
    }
    if (upcall)
        vcpu_wake(v);
}

void evtchn_set_pending(struct domain *d, unsigned int port)
{
    struct vcpu *v = d->vcpu[d->evtchn[port].notify_vcpu];

    if (port_usable(d, port))
        evtchn_notify_vcpu(v, port, d->evtchn_ops->set_pending(v, port));
}

bool evtchn_port_is_pending(struct domain *d, unsigned int port)
{
    return port_valid(port) && d->evtchn_ops->is_pending(d, port);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    unsigned int port = virq < NR_VIRQS ? v->virq_to_port[virq] : 0;
    if (port)
        evtchn_set_pending(v->domain, port);
}

void send_global_virq(struct domain *d, unsigned int virq)
{
    send_guest_vcpu_virq(d->vcpu[0], virq);
}

/* The lowest free port; a FIFO port still linked after its close is skipped, as on Xen. */
static int get_free_port(struct domain *d)
{
    for (unsigned int p = 1; p < NR_EVTCHN; p++)
        if (d->evtchn[p].state == ECS_FREE &&
            !(d->evtchn_ops->is_busy && d->evtchn_ops->is_busy(d, p)))
            return (int)p;
    return -XEN_ENOSPC;
}

/* Give port its binding c; the mechanism sets up its own state (FIFO: priority). */
static void bind_port(struct domain *d, unsigned int port, struct evtchn c)
{
    d->evtchn[port] = c;
    if (d->evtchn_ops->init)
        d->evtchn_ops->init(d, port);
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote)
{
    int port = get_free_port(d);

    if (port < 0)
        return 0;
    bind_port(d, (unsigned int)port, (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote });
    return port;
}

static struct domain *lookup_domain(domid_t id)
{
    if (id == DOMID_SELF)
        return current->domain;
    return domain_lookup(id);
}

static bool virq_is_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF;
}

static long evtchn_alloc_unbound(struct evtchn_alloc_unbound *a)
{
    struct domain *d = lookup_domain(a->dom);
    int port;

    if (!d)
        return -XEN_ESRCH;
    if (d != current->domain && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    port = get_free_port(d);
    if (port < 0)
        return port;
    bind_port(d, (unsigned int)port, (struct evtchn){
        .state = ECS_UNBOUND,
        .remote_dom = a->remote_dom == DOMID_SELF ? current->domain->id : a->remote_dom,
    });
    a->port = (evtchn_port_t)port;
    return 0;
}

static long evtchn_bind_interdomain(struct evtchn_bind_interdomain *b)
{
    struct domain *ld = current->domain, *rd = lookup_domain(b->remote_dom);
    struct evtchn *rc;
    int lport;

    if (!rd)
        return -XEN_ESRCH;
    if (!port_valid(b->remote_port))
        return -XEN_EINVAL;
    rc = &rd->evtchn[b->remote_port];
    if (rc->state != ECS_UNBOUND || rc->remote_dom != ld->id)
        return -XEN_EINVAL;
    lport = get_free_port(ld);
    if (lport < 0)
        return lport;
    bind_port(ld, (unsigned int)lport, (struct evtchn){ .state = ECS_INTERDOMAIN,
                                                        .remote_dom = rd->id,
                                                        .remote_port = (uint16_t)b->remote_port });
    rc->state = ECS_INTERDOMAIN;
    rc->remote_dom = ld->id;
    rc->remote_port = (uint16_t)lport;
    b->local_port = (evtchn_port_t)lport;
    /* Like Xen: the new channel starts with a pending notification. */
    evtchn_set_pending(ld, (unsigned int)lport);
    return 0;
}

static long evtchn_bind_virq(struct evtchn_bind_virq *b)
{
    struct domain *d = current->domain;
    struct vcpu *v;
    int port;

    if (b->virq >= NR_VIRQS)
        return -XEN_EINVAL;
    if (virq_is_global(b->virq) && b->vcpu != 0)
        return -XEN_EINVAL;
    if (b->vcpu >= d->max_vcpus || !(v = d->vcpu[b->vcpu]))
        return -XEN_ENOENT;
    if (v->virq_to_port[b->virq])
        return -XEN_EEXIST;
    port = get_free_port(d);
    if (port < 0)
        return port;
    bind_port(d, (unsigned int)port, (struct evtchn){ .state = ECS_VIRQ, .virq = (uint16_t)b->virq,
                                                      .notify_vcpu = (uint8_t)b->vcpu });
    v->virq_to_port[b->virq] = (uint16_t)port;
    b->port = (evtchn_port_t)port;
    return 0;
}

static long evtchn_bind_ipi(struct evtchn_bind_ipi *b)
{
    struct domain *d = current->domain;
    int port;

    if (b->vcpu >= d->max_vcpus || !d->vcpu[b->vcpu])
        return -XEN_ENOENT;
    port = get_free_port(d);
    if (port < 0)
        return port;
    bind_port(d, (unsigned int)port, (struct evtchn){ .state = ECS_IPI,
                                                      .notify_vcpu = (uint8_t)b->vcpu });
    b->port = (evtchn_port_t)port;
    return 0;
}

/* Close a port of `d`; an interdomain peer falls back to unbound (toward us). */
/*
 * A physical IRQ of the hardware domain (pirq.c), in Xen's order: the
 * PIRQ's range (-EINVAL), mapped (-EPERM), not bound yet (-EEXIST), a free
 * port, a pin that is not the hypervisor's (-EBUSY). The port goes to vCPU 0.
 */
static long evtchn_bind_pirq(struct evtchn_bind_pirq *b)
{
    struct domain *d = current->domain;
    long rc;
    int port;

    if (b->pirq >= NR_PIRQS)
        return -XEN_EINVAL;
    rc = pirq_may_bind(d, b->pirq);
    if (rc)
        return rc;
    port = get_free_port(d);
    if (port < 0)
        return port;
    if (pirq_busy(b->pirq))
        return -XEN_EBUSY;
    bind_port(d, (unsigned int)port, (struct evtchn){ .state = ECS_PIRQ,
                                                      .pirq = (uint16_t)b->pirq });
    pirq_bind(d, b->pirq, (unsigned int)port);
    b->port = (evtchn_port_t)port;
    return 0;
}

static long evtchn_close_port(struct domain *d, unsigned int port)
{
    struct evtchn *c;

    if (!port_valid(port))
        return -XEN_EINVAL;
    c = &d->evtchn[port];
    switch (c->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        return -XEN_EINVAL;
    case ECS_VIRQ:
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            if (d->vcpu[i] && d->vcpu[i]->virq_to_port[c->virq] == port)
                d->vcpu[i]->virq_to_port[c->virq] = 0;
        break;
    case ECS_PIRQ:
        pirq_unbind(d, c->pirq, port);
        break;
    case ECS_INTERDOMAIN: {
        struct domain *rd = domain_lookup_any(c->remote_dom);
        if (rd && rd->evtchn[c->remote_port].state == ECS_INTERDOMAIN) {
            rd->evtchn[c->remote_port].state = ECS_UNBOUND;
            rd->evtchn[c->remote_port].remote_dom = d->id;
        }
        break;
    }
    default:
        break;
    }
    d->evtchn_ops->clear_pending(d, port);
    *c = (struct evtchn){ .state = ECS_FREE };
    return 0;
}

static long evtchn_send(unsigned int port)
{
    struct domain *d = current->domain;
    struct evtchn *c;

    if (!port_valid(port))
        return -XEN_EINVAL;
    c = &d->evtchn[port];
    switch (c->state) {
    case ECS_INTERDOMAIN: {
        struct domain *rd = domain_lookup_any(c->remote_dom);
        if (rd)
            evtchn_set_pending(rd, c->remote_port);
        return 0;
    }
    case ECS_IPI:
        evtchn_set_pending(d, port);
        return 0;
    case ECS_UNBOUND:
        return 0;                               /* nobody listens yet: dropped, as on Xen */
    default:
        return -XEN_EINVAL;
    }
}

static long evtchn_status(struct evtchn_status *s)
{
    struct domain *d = lookup_domain(s->dom);
    struct evtchn *c;

    if (!d)
        return -XEN_ESRCH;
    if (d != current->domain && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    if (!port_valid(s->port))
        return -XEN_EINVAL;
    c = &d->evtchn[s->port];
    memset(&s->u, 0, sizeof(s->u));
    s->vcpu = c->notify_vcpu;
    switch (c->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        s->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = c->remote_dom;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = c->remote_dom;
        s->u.interdomain.port = c->remote_port;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = c->virq;
        break;
    case ECS_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    default:
        s->status = EVTCHNSTAT_pirq;
        s->u.pirq = c->pirq;
        break;
    }
    return 0;
}

static long evtchn_unmask(unsigned int port)
{
    struct domain *d = current->domain;

    if (!port_valid(port))
        return -XEN_EINVAL;
    if (port_usable(d, port) && d->evtchn_ops->unmask(d, port))
        evtchn_notify_vcpu(d->vcpu[d->evtchn[port].notify_vcpu], port, true);
    return 0;
}

static long evtchn_bind_vcpu(struct evtchn_bind_vcpu *b)
{
    struct domain *d = current->domain;
    struct evtchn *c;

    if (!port_valid(b->port))
        return -XEN_EINVAL;
    if (b->vcpu >= d->max_vcpus || !d->vcpu[b->vcpu])
        return -XEN_ENOENT;
    c = &d->evtchn[b->port];
    if (c->state == ECS_VIRQ && !virq_is_global(c->virq))
        return -XEN_EINVAL;
    if (c->state != ECS_VIRQ && c->state != ECS_UNBOUND && c->state != ECS_INTERDOMAIN &&
        c->state != ECS_PIRQ)
        return -XEN_EINVAL;
    c->notify_vcpu = (uint8_t)b->vcpu;
    return 0;
}

static const char *const state_names[] = {
    "free", "reserved", "unbound", "interdomain", "pirq", "virq", "ipi",
};

void evtchn_dump(struct domain *d)
{
    log_info("d%u event channels (%s):", d->id, d->evtchn_ops->name);
    for (unsigned int p = 1; p < NR_EVTCHN; p++) {
        const struct evtchn *c = &d->evtchn[p];
        char mech[24];

        if (c->state == ECS_FREE)
            continue;
        d->evtchn_ops->print_state(d, p, mech, sizeof(mech));
        log_info("  port %4u: %-11s v%u %s remote d%u:%u virq %u", p, state_names[c->state],
                 c->notify_vcpu, mech, c->remote_dom, c->remote_port, c->virq);
    }
}

/* Copy the argument in, run the op, copy it back out when the op has outputs. */
#define WITH_ARG(type, call, out)                                   \
    do {                                                            \
        type a_;                                                    \
        long rc_;                                                   \
        if (copy_from_guest(&a_, arg, sizeof(a_)))                  \
            return -XEN_EFAULT;                                     \
        rc_ = call(&a_);                                            \
        if (rc_ == 0 && (out) && copy_to_guest(arg, &a_, sizeof(a_))) \
            return -XEN_EFAULT;                                     \
        return rc_;                                                 \
    } while (0)

static long close_arg(struct evtchn_close *c) { return evtchn_close_port(current->domain, c->port); }
static long send_arg(struct evtchn_send *s) { return evtchn_send(s->port); }
static long unmask_arg(struct evtchn_unmask *u) { return evtchn_unmask(u->port); }

/* EVTCHNOP_set_priority (FIFO): -EINVAL bad port or priority, -ENOSYS 2-level, -EACCES unbound. */
static long set_priority_arg(struct evtchn_set_priority *sp)
{
    struct domain *d = current->domain;

    if (!port_valid(sp->port))
        return -XEN_EINVAL;
    if (!d->evtchn_ops->set_priority)
        return -XEN_ENOSYS;
    if (!port_usable(d, sp->port))
        return -XEN_EACCES;
    return d->evtchn_ops->set_priority(d, sp->port, sp->priority);
}

static long expand_arg(struct evtchn_expand_array *ea) { return evtchn_fifo_expand_array(ea); }

/* Close every port of the domain; a FIFO domain goes back to 2-level, as on Xen. */
static long reset_arg(struct evtchn_reset *r)
{
    struct domain *d = lookup_domain(r->dom);
    if (!d)
        return -XEN_ESRCH;
    if (d != current->domain && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    for (unsigned int p = 1; p < NR_EVTCHN; p++)
        if (d->evtchn[p].state != ECS_FREE && d->evtchn[p].state != ECS_RESERVED)
            evtchn_close_port(d, p);
    evtchn_fifo_destroy(d);
    return 0;
}

long do_event_channel_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:    WITH_ARG(struct evtchn_alloc_unbound, evtchn_alloc_unbound, 1);
    case EVTCHNOP_bind_interdomain: WITH_ARG(struct evtchn_bind_interdomain, evtchn_bind_interdomain, 1);
    case EVTCHNOP_bind_virq:        WITH_ARG(struct evtchn_bind_virq, evtchn_bind_virq, 1);
    case EVTCHNOP_bind_ipi:         WITH_ARG(struct evtchn_bind_ipi, evtchn_bind_ipi, 1);
    case EVTCHNOP_close:            WITH_ARG(struct evtchn_close, close_arg, 0);
    case EVTCHNOP_send:             WITH_ARG(struct evtchn_send, send_arg, 0);
    case EVTCHNOP_status:           WITH_ARG(struct evtchn_status, evtchn_status, 1);
    case EVTCHNOP_unmask:           WITH_ARG(struct evtchn_unmask, unmask_arg, 0);
    case EVTCHNOP_bind_vcpu:        WITH_ARG(struct evtchn_bind_vcpu, evtchn_bind_vcpu, 0);
    case EVTCHNOP_reset:            WITH_ARG(struct evtchn_reset, reset_arg, 0);
    case EVTCHNOP_init_control:     WITH_ARG(struct evtchn_init_control, evtchn_fifo_init_control, 1);
    case EVTCHNOP_expand_array:     WITH_ARG(struct evtchn_expand_array, expand_arg, 0);
    case EVTCHNOP_set_priority:     WITH_ARG(struct evtchn_set_priority, set_priority_arg, 0);
    case EVTCHNOP_bind_pirq:        WITH_ARG(struct evtchn_bind_pirq, evtchn_bind_pirq, 1);
    default:
        return -XEN_ENOSYS;
    }
}
