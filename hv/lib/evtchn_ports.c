/* Event-channel port states (see hv/evtchn_ports.h); Xen 4.17's semantics. */
#include <hv/evtchn_ports.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/xen.h>

int evtchn_port_alloc(const struct evtchn_env *env, uint16_t dom)
{
    struct evtchn *t = env->ports(env->ctx, dom, true);
    unsigned int max;

    if (!t)
        return -XEN_ESRCH;
    max = env->max_port ? env->max_port(env->ctx, dom) : NR_EVTCHN - 1;
    /* The lowest free port up to the domain's limit; one the mechanism still holds after its
       close is skipped, as on Xen. */
    for (unsigned int p = 1; p <= max && p < NR_EVTCHN; p++)
        if (t[p].state == ECS_FREE && !(env->busy && env->busy(env->ctx, dom, p)))
            return (int)p;
    return -XEN_ENOSPC;
}

int evtchn_port_bind(const struct evtchn_env *env, uint16_t dom, struct evtchn c)
{
    int port = evtchn_port_alloc(env, dom);

    if (port < 0)
        return port;
    env->ports(env->ctx, dom, true)[port] = c;
    if (env->bound)
        env->bound(env->ctx, dom, (unsigned int)port);
    return port;
}

int evtchn_port_link(const struct evtchn_env *env, uint16_t ldom, uint16_t rdom,
                     unsigned int rport)
{
    struct evtchn *rt = env->ports(env->ctx, rdom, false), *rc;
    int lport;

    if (!rt)
        return -XEN_ESRCH;
    if (!evtchn_port_valid(rport))
        return -XEN_EINVAL;
    rc = &rt[rport];
    if (rc->state != ECS_UNBOUND || rc->remote_dom != ldom)
        return -XEN_EINVAL;
    lport = evtchn_port_bind(env, ldom, (struct evtchn){ .state = ECS_INTERDOMAIN,
                                                         .remote_dom = rdom,
                                                         .remote_port = (uint16_t)rport });
    if (lport < 0)
        return lport;
    rc->state = ECS_INTERDOMAIN;
    rc->remote_dom = ldom;
    rc->remote_port = (uint16_t)lport;
    env->raise(env->ctx, ldom, (unsigned int)lport);
    return lport;
}

int evtchn_port_close(const struct evtchn_env *env, uint16_t dom, unsigned int port)
{
    struct evtchn *t = env->ports(env->ctx, dom, true), *c;

    if (!t || !evtchn_port_valid(port))
        return -XEN_EINVAL;
    c = &t[port];
    switch (c->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        return -XEN_EINVAL;
    case ECS_VIRQ:
    case ECS_PIRQ:
        if (env->unbind)
            env->unbind(env->ctx, dom, port, c);
        break;
    case ECS_INTERDOMAIN: {
        struct evtchn *rt = env->ports(env->ctx, c->remote_dom, true);
        /* The peer's end, if its domain is still there: unbound again, toward us. */
        if (rt && rt[c->remote_port].state == ECS_INTERDOMAIN) {
            rt[c->remote_port].state = ECS_UNBOUND;
            rt[c->remote_port].remote_dom = dom;
        }
        break;
    }
    default:
        break;
    }
    env->clear(env->ctx, dom, port);
    *c = (struct evtchn){ .state = ECS_FREE };
    return 0;
}

unsigned int evtchn_ports_close_all(const struct evtchn_env *env, uint16_t dom)
{
    struct evtchn *t = env->ports(env->ctx, dom, true);
    unsigned int n = 0;

    for (unsigned int p = 1; t && p < NR_EVTCHN; p++)
        if (evtchn_port_bound(&t[p]) && evtchn_port_close(env, dom, p) == 0)
            n++;
    return n;
}

int evtchn_port_send(const struct evtchn_env *env, uint16_t dom, unsigned int port)
{
    struct evtchn *t = env->ports(env->ctx, dom, true), *c;

    if (!t || !evtchn_port_valid(port))
        return -XEN_EINVAL;
    c = &t[port];
    switch (c->state) {
    case ECS_INTERDOMAIN:
        if (env->ports(env->ctx, c->remote_dom, true))
            env->raise(env->ctx, c->remote_dom, c->remote_port);
        return 0;
    case ECS_IPI:
        env->raise(env->ctx, dom, port);
        return 0;
    case ECS_UNBOUND:
        return 0;                               /* nobody listens yet: dropped, as on Xen */
    default:
        return -XEN_EINVAL;
    }
}

void evtchn_port_status(const struct evtchn *c, struct evtchn_status *s)
{
    uint8_t *u = (uint8_t *)&s->u;

    for (unsigned int i = 0; i < sizeof(s->u); i++)
        u[i] = 0;
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
}

bool evtchn_virq_is_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF;
}

int evtchn_port_set_vcpu(struct evtchn *c, unsigned int vcpu)
{
    switch (c->state) {
    case ECS_VIRQ:
        if (!evtchn_virq_is_global(c->virq))
            return -XEN_EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        break;
    default:
        return -XEN_EINVAL;
    }
    c->notify_vcpu = (uint16_t)vcpu;
    return 0;
}
