/*
 * EVTCHNOP_*: allocate, bind, send, close, query and unmask event channels.
 * The per-port bookkeeping (struct evtchn) and its state changes are the
 * pure hv/lib/evtchn_ports.c, reached through evtchn_env below; the
 * guest-visible pending and mask state belongs to the domain's port
 * mechanism (d->evtchn_ops: event_2l.c, the 2-level bitmaps in shared_info,
 * or event_fifo.c, the FIFO queues, once the guest has switched).
 * Error codes follow Xen 4.17: a port outside the table or in the wrong state
 * is -EINVAL, a bad vCPU -ENOENT, an already bound VIRQ -EEXIST.
 *
 * Locking (docs/locking.md): a domain's ports, its mechanism and its vCPUs'
 * virq_to_port change under d->event_lock, taken with interrupts off because
 * interrupt handlers set ports pending (PIRQs, the console). An operation
 * reaching two domains (an interdomain bind, close or send) holds both
 * locks as a pair, so evtchn_env's raise always finds its domain locked.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xl/string.h>
#include <asm/pirq.h>
#include <hv/sched.h>

static bool port_valid(unsigned int port)
{
    return evtchn_port_valid(port);
}

/* Xen's evtchn_usable: only bound ports reach the mechanism. */
static bool port_usable(const struct domain *d, unsigned int port)
{
    return evtchn_port_bound(&d->evtchn[port]);
}

/*
 * See evtchn.h. As Xen: a new upcall wakes a blocked vCPU, polling or not
 * (vcpu_kick); a poller also wakes for any port of its domain that becomes
 * pending unless it polls exactly one port, then only for that one (Xen's
 * poll_evtchn).
 */
void evtchn_notify_vcpu(struct vcpu *v, unsigned int port, bool upcall)
{
    /* The port is pending before `blocked` is read (sched_op.c's sched_block: the other half). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!v->blocked) {
        if (upcall)
            vcpu_kick(v);
        return;
    }
    if (upcall || (v->polling && (v->nr_poll_ports != 1 || v->poll_port_list[0] == port)))
        vcpu_wake(v);
}

/*
 * The vCPU to notify of a port made pending, told once the event locks are
 * dropped: waking takes the scheduler's lock and may send an IPI, and every
 * vCPU of a domain sending to any of its ports waits for the domain's event
 * lock meanwhile. (The vCPU stays valid: a domain's vCPUs are freed only
 * after a grace period.) One operation makes one port pending at most.
 */
struct evtchn_notice {
    struct vcpu *v;                     /* NULL: nobody to tell */
    unsigned int port;
    bool upcall;
};

/* Mark port pending, with d->event_lock held; whom to tell goes to *n. */
static void set_pending_locked(struct domain *d, unsigned int port, struct evtchn_notice *n)
{
    struct vcpu *v = d->vcpu[d->evtchn[port].notify_vcpu];

    if (port_usable(d, port))
        *n = (struct evtchn_notice){ .v = v, .port = port, .upcall = d->evtchn_ops->set_pending(v, port) };
}

/* After the event locks are dropped. */
static void notice_deliver(const struct evtchn_notice *n)
{
    if (n->v)
        evtchn_notify_vcpu(n->v, n->port, n->upcall);
}

void evtchn_set_pending(struct domain *d, unsigned int port)
{
    struct evtchn_notice n = { 0 };
    unsigned long flags = spin_lock_irqsave(&d->event_lock);

    set_pending_locked(d, port, &n);
    spin_unlock_irqrestore(&d->event_lock, flags);
    notice_deliver(&n);
}

/* See evtchn.h: Xen's evtchn_port_poll. */
int evtchn_port_poll(struct domain *d, unsigned int port)
{
    unsigned long flags;
    int rc = -XEN_EINVAL;

    if (!port_valid(port))
        return rc;
    flags = spin_lock_irqsave(&d->event_lock);
    if (port_usable(d, port))
        rc = d->evtchn_ops->is_pending(d, port);
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    struct evtchn_notice n = { 0 };
    unsigned long flags;
    unsigned int port;

    if (virq >= NR_VIRQS)
        return;
    flags = spin_lock_irqsave(&d->event_lock);
    port = v->virq_to_port[virq];
    if (port)
        set_pending_locked(d, port, &n);
    spin_unlock_irqrestore(&d->event_lock, flags);
    notice_deliver(&n);
}

void send_global_virq(struct domain *d, unsigned int virq)
{
    send_guest_vcpu_virq(d->vcpu[0], virq);
}

/* The machine hv/lib/evtchn_ports.c works on: domains' port tables and their mechanisms. */
static struct evtchn *env_ports(void *ctx, uint16_t dom, bool any)
{
    struct domain *d = any ? domain_lookup_any(dom) : domain_lookup(dom);
    return d ? d->evtchn : NULL;
}

/* A FIFO port still linked after its close is not free yet, as on Xen. */
static bool env_busy(void *ctx, uint16_t dom, unsigned int port)
{
    struct domain *d = domain_lookup_any(dom);
    return d->evtchn_ops->is_busy && d->evtchn_ops->is_busy(d, port);
}

/* The mechanism sets up its own state of a new binding (FIFO: priority). */
static void env_bound(void *ctx, uint16_t dom, unsigned int port)
{
    struct domain *d = domain_lookup_any(dom);
    if (d->evtchn_ops->init)
        d->evtchn_ops->init(d, port);
}

/*
 * Called inside an operation, which holds dom's event lock (alone or as a
 * pair); ctx: the operation's struct evtchn_notice (NULL: nothing raises).
 */
static void env_raise(void *ctx, uint16_t dom, unsigned int port)
{
    set_pending_locked(domain_lookup_any(dom), port, ctx);
}

static void env_clear(void *ctx, uint16_t dom, unsigned int port)
{
    struct domain *d = domain_lookup_any(dom);
    d->evtchn_ops->clear_pending(d, port);
}

/* The other half of a VIRQ binding (the vCPU's slot) or of a PIRQ's (its routing). */
static void env_unbind(void *ctx, uint16_t dom, unsigned int port, const struct evtchn *c)
{
    struct domain *d = domain_lookup_any(dom);

    if (c->state == ECS_PIRQ) {
        pirq_unbind(d, c->pirq, port);
        return;
    }
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i]->virq_to_port[c->virq] == port)
            d->vcpu[i]->virq_to_port[c->virq] = 0;
}

static unsigned int env_max_port(void *ctx, uint16_t dom)
{
    return domain_lookup_any(dom)->max_evtchn_port;
}

static const struct evtchn_env evtchn_env = {
    .ports = env_ports, .max_port = env_max_port, .busy = env_busy, .bound = env_bound, .raise = env_raise,
    .clear = env_clear, .unbind = env_unbind,
};

static int get_free_port(struct domain *d)
{
    return evtchn_port_alloc(&evtchn_env, d->id);
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote)
{
    unsigned long flags = spin_lock_irqsave(&d->event_lock);
    int port = evtchn_port_bind(&evtchn_env, d->id,
                                (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote });

    spin_unlock_irqrestore(&d->event_lock, flags);
    return port < 0 ? 0 : port;
}

/* The close (send: false) or the send of a port, with its locks held; whom to tell goes to *n. */
static int close_or_send(struct domain *d, unsigned int port, bool send, struct evtchn_notice *n)
{
    struct evtchn_env env = evtchn_env;

    env.ctx = n;
    return send ? evtchn_port_send(&env, d->id, port) : evtchn_port_close(&env, d->id, port);
}

/*
 * Close or send on a port of d with d's event lock and, for an interdomain
 * port, its peer's as a pair: the peer is read, both are locked, and the
 * port must still name the same peer (else again).
 */
static long with_port_and_peer(struct domain *d, unsigned int port, bool send)
{
    struct evtchn_notice n = { 0 };

    if (!port_valid(port))
        return close_or_send(d, port, send, &n);    /* its own refusal, without a lock */
    for (;;) {
        const struct evtchn *c = &d->evtchn[port];
        uint8_t state = __atomic_load_n(&c->state, __ATOMIC_RELAXED);
        domid_t peer = __atomic_load_n(&c->remote_dom, __ATOMIC_RELAXED);
        struct domain *rd = state == ECS_INTERDOMAIN ? domain_lookup_any(peer) : NULL;
        unsigned long flags;
        bool same;
        long rc = 0;

        if (!rd)
            rd = d;
        spin_lock_pair_irqsave(&d->event_lock, &rd->event_lock, &flags);
        same = c->state == state && (state != ECS_INTERDOMAIN || c->remote_dom == peer);
        if (same)
            rc = close_or_send(d, port, send, &n);
        spin_unlock_pair_irqrestore(&d->event_lock, &rd->event_lock, flags);
        if (same) {
            notice_deliver(&n);
            return rc;
        }
    }
}

static struct domain *lookup_domain(domid_t id)
{
    if (id == DOMID_SELF)
        return current->domain;
    return domain_lookup(id);
}

static long evtchn_alloc_unbound(struct evtchn_alloc_unbound *a)
{
    struct domain *d = lookup_domain(a->dom);
    unsigned long flags;
    int port;

    if (!d)    /* Xen finds a dying domain, then refuses it a port: -EINVAL */
        return domain_lookup_any(a->dom) ? -XEN_EINVAL : -XEN_ESRCH;
    if (d != current->domain && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    flags = spin_lock_irqsave(&d->event_lock);
    port = evtchn_port_bind(&evtchn_env, d->id, (struct evtchn){
        .state = ECS_UNBOUND,
        .remote_dom = a->remote_dom == DOMID_SELF ? current->domain->id : a->remote_dom,
    });
    spin_unlock_irqrestore(&d->event_lock, flags);
    if (port < 0)
        return port;
    a->port = (evtchn_port_t)port;
    return 0;
}

static long evtchn_bind_interdomain(struct evtchn_bind_interdomain *b)
{
    struct domain *ld = current->domain, *rd = lookup_domain(b->remote_dom);
    struct evtchn_notice n = { 0 };
    struct evtchn_env env = evtchn_env;
    unsigned long flags;
    int lport;

    if (!rd)
        return -XEN_ESRCH;
    /* Like Xen: the new channel starts with a pending notification. */
    env.ctx = &n;
    spin_lock_pair_irqsave(&ld->event_lock, &rd->event_lock, &flags);
    lport = evtchn_port_link(&env, ld->id, rd->id, b->remote_port);
    spin_unlock_pair_irqrestore(&ld->event_lock, &rd->event_lock, flags);
    notice_deliver(&n);
    if (lport < 0)
        return lport;
    b->local_port = (evtchn_port_t)lport;
    return 0;
}

static long evtchn_bind_virq(struct evtchn_bind_virq *b)
{
    struct domain *d = current->domain;
    struct vcpu *v;
    int port;

    if (b->virq >= NR_VIRQS)
        return -XEN_EINVAL;
    if (evtchn_virq_is_global(b->virq) && b->vcpu != 0)
        return -XEN_EINVAL;
    if (b->vcpu >= d->max_vcpus || !(v = d->vcpu[b->vcpu]))
        return -XEN_ENOENT;
    if (v->virq_to_port[b->virq])
        return -XEN_EEXIST;
    port = evtchn_port_bind(&evtchn_env, d->id,
                            (struct evtchn){ .state = ECS_VIRQ, .virq = (uint8_t)b->virq,
                                             .notify_vcpu = (uint16_t)b->vcpu });
    if (port < 0)
        return port;
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
    port = evtchn_port_bind(&evtchn_env, d->id,
                            (struct evtchn){ .state = ECS_IPI, .notify_vcpu = (uint16_t)b->vcpu });
    if (port < 0)
        return port;
    b->port = (evtchn_port_t)port;
    return 0;
}

/*
 * A physical IRQ of the domain (pirq.c), in Xen's order: the PIRQ's range
 * in the domain (-EINVAL), mapped and still its own (-EPERM), not bound yet
 * (-EEXIST), a free port, a pin that is neither the hypervisor's nor bound
 * by another (-EBUSY). The port goes to vCPU 0.
 */
static long evtchn_bind_pirq(struct evtchn_bind_pirq *b)
{
    struct domain *d = current->domain;
    long rc;
    int port;

    if (b->pirq >= pirq_count(d))
        return -XEN_EINVAL;
    rc = pirq_may_bind(d, b->pirq);
    if (rc)
        return rc;
    port = get_free_port(d);
    if (port < 0)
        return port;
    if (pirq_busy(d, b->pirq))
        return -XEN_EBUSY;
    port = evtchn_port_bind(&evtchn_env, d->id,
                            (struct evtchn){ .state = ECS_PIRQ, .pirq = (uint16_t)b->pirq });
    pirq_bind(d, b->pirq, (unsigned int)port);
    b->port = (evtchn_port_t)port;
    return 0;
}

/* Close a port of `d`; an interdomain peer falls back to unbound (toward us). */
static long evtchn_close_port(struct domain *d, unsigned int port)
{
    return with_port_and_peer(d, port, false);
}

static long evtchn_send(unsigned int port)
{
    return with_port_and_peer(current->domain, port, true);
}

static long evtchn_status(struct evtchn_status *s)
{
    struct domain *d = lookup_domain(s->dom);
    unsigned long flags;

    if (!d)
        return -XEN_ESRCH;
    if (d != current->domain && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    if (!port_valid(s->port))
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->event_lock);
    evtchn_port_status(&d->evtchn[s->port], s);
    spin_unlock_irqrestore(&d->event_lock, flags);
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

/* EVTCHNOP_bind_vcpu, Xen's order: the vCPU (-ENOENT), then the port (-EINVAL). */
static long evtchn_bind_vcpu(struct evtchn_bind_vcpu *b)
{
    struct domain *d = current->domain;

    if (b->vcpu >= d->max_vcpus || !d->vcpu[b->vcpu])
        return -XEN_ENOENT;
    if (!port_valid(b->port))
        return -XEN_EINVAL;
    return evtchn_port_set_vcpu(&d->evtchn[b->port], b->vcpu);
}

static const char *const state_names[] = {
    "free", "reserved", "unbound", "interdomain", "pirq", "virq", "ipi",
};

void evtchn_dump(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->event_lock);

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
    spin_unlock_irqrestore(&d->event_lock, flags);
}

/*
 * Copy the argument in, run the op, copy it back out when the op has
 * outputs. `own`: the op works on the caller's ports only and runs under
 * its event lock; the others lock what they name themselves.
 */
#define WITH_ARG(type, call, out, own)                              \
    do {                                                            \
        type a_;                                                    \
        long rc_;                                                   \
        unsigned long f_ = 0;                                       \
        if (copy_from_guest(&a_, arg, 1))                           \
            return -XEN_EFAULT;                                     \
        if (own)                                                    \
            f_ = spin_lock_irqsave(&current->domain->event_lock);   \
        rc_ = call(&a_);                                            \
        if (own)                                                    \
            spin_unlock_irqrestore(&current->domain->event_lock, f_); \
        if (rc_ == 0 && (out) && copy_to_guest(arg, &a_, 1))        \
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

void evtchn_close_all(struct domain *d)
{
    unsigned long flags;

    /* Port by port, each with its peer's lock (evtchn_ports_close_all's loop). */
    for (unsigned int p = 1; p < NR_EVTCHN; p++)
        if (evtchn_port_bound(&d->evtchn[p]))
            evtchn_close_port(d, p);
    flags = spin_lock_irqsave(&d->event_lock);
    evtchn_fifo_destroy(d);
    spin_unlock_irqrestore(&d->event_lock, flags);
}

/* Close every port of the domain; a FIFO domain goes back to 2-level, as on Xen. */
static long reset_arg(struct evtchn_reset *r)
{
    struct domain *d = lookup_domain(r->dom);

    if (!d)
        return -XEN_ESRCH;
    if (d != current->domain && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    evtchn_close_all(d);
    return 0;
}

long do_event_channel_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:    WITH_ARG(struct evtchn_alloc_unbound, evtchn_alloc_unbound, 1, 0);
    case EVTCHNOP_bind_interdomain: WITH_ARG(struct evtchn_bind_interdomain, evtchn_bind_interdomain, 1, 0);
    case EVTCHNOP_bind_virq:        WITH_ARG(struct evtchn_bind_virq, evtchn_bind_virq, 1, 1);
    case EVTCHNOP_bind_ipi:         WITH_ARG(struct evtchn_bind_ipi, evtchn_bind_ipi, 1, 1);
    case EVTCHNOP_close:            WITH_ARG(struct evtchn_close, close_arg, 0, 0);
    case EVTCHNOP_send:             WITH_ARG(struct evtchn_send, send_arg, 0, 0);
    case EVTCHNOP_status:           WITH_ARG(struct evtchn_status, evtchn_status, 1, 0);
    case EVTCHNOP_unmask:           WITH_ARG(struct evtchn_unmask, unmask_arg, 0, 1);
    case EVTCHNOP_bind_vcpu:        WITH_ARG(struct evtchn_bind_vcpu, evtchn_bind_vcpu, 0, 1);
    case EVTCHNOP_reset:            WITH_ARG(struct evtchn_reset, reset_arg, 0, 0);
    case EVTCHNOP_init_control:     WITH_ARG(struct evtchn_init_control, evtchn_fifo_init_control, 1, 1);
    case EVTCHNOP_expand_array:     WITH_ARG(struct evtchn_expand_array, expand_arg, 0, 1);
    case EVTCHNOP_set_priority:     WITH_ARG(struct evtchn_set_priority, set_priority_arg, 0, 1);
    case EVTCHNOP_bind_pirq:        WITH_ARG(struct evtchn_bind_pirq, evtchn_bind_pirq, 1, 1);
    default:
        return -XEN_ENOSYS;
    }
}
