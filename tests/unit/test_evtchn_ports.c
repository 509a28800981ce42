/*
 * Event-channel port states (hv/lib/evtchn_ports.c) on a mocked machine:
 * three domains' port tables (domain 2 can be made dying or absent), the
 * mechanism's calls recorded (raise, clear, bound, unbind) and busy ports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/evtchn_ports.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/xen.h>

#define NDOM 3

struct rig {
    struct evtchn ports[NDOM][NR_EVTCHN];
    bool present[NDOM], dying[NDOM];
    bool busy[NDOM][NR_EVTCHN];
    unsigned int raised[NDOM][NR_EVTCHN], cleared[NDOM][NR_EVTCHN], bound[NDOM][NR_EVTCHN];
    unsigned int unbinds;
    struct evtchn last_unbind;
    unsigned int max_port[NDOM];
};

static struct rig r;

static struct evtchn *ports(void *ctx, uint16_t dom, bool any)
{
    if (dom >= NDOM || !r.present[dom] || (r.dying[dom] && !any))
        return NULL;
    return r.ports[dom];
}

static unsigned int max_port(void *ctx, uint16_t dom) { return r.max_port[dom]; }
static bool busy(void *ctx, uint16_t dom, unsigned int port) { return r.busy[dom][port]; }
static void bound(void *ctx, uint16_t dom, unsigned int port) { r.bound[dom][port]++; }
static void raise_(void *ctx, uint16_t dom, unsigned int port) { r.raised[dom][port]++; }
static void clear(void *ctx, uint16_t dom, unsigned int port) { r.cleared[dom][port]++; }

static void unbind(void *ctx, uint16_t dom, unsigned int port, const struct evtchn *c)
{
    r.unbinds++;
    r.last_unbind = *c;
}

static const struct evtchn_env env = {
    .ports = ports, .max_port = max_port, .busy = busy, .bound = bound, .raise = raise_, .clear = clear,
    .unbind = unbind,
};

static int setup(void **state)
{
    memset(&r, 0, sizeof(r));
    for (unsigned int d = 0; d < NDOM; d++) {
        r.present[d] = true;
        r.ports[d][0].state = ECS_RESERVED;
        r.max_port[d] = 0x7fffffff;
    }
    return 0;
}

static int alloc_unbound(uint16_t dom, uint16_t remote)
{
    return evtchn_port_bind(&env, dom, (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote });
}

static void status_of(uint16_t dom, unsigned int port, struct evtchn_status *s)
{
    memset(s, 0xa5, sizeof(*s));
    evtchn_port_status(&r.ports[dom][port], s);
}

static void test_alloc_lowest_free(void **state)
{
    assert_int_equal(evtchn_port_alloc(&env, 0), 1);        /* port 0 is reserved */
    assert_int_equal(alloc_unbound(0, 1), 1);
    assert_int_equal(alloc_unbound(0, 1), 2);
    assert_int_equal(r.bound[0][1], 1);
    assert_int_equal(r.ports[0][2].state, ECS_UNBOUND);
    assert_int_equal(r.ports[0][2].remote_dom, 1);
    assert_int_equal(evtchn_port_close(&env, 0, 1), 0);
    assert_int_equal(alloc_unbound(0, 1), 1);               /* the lowest free again */
    r.busy[0][3] = true;                                    /* FIFO: closed but still linked */
    assert_int_equal(alloc_unbound(0, 1), 4);
    assert_int_equal(evtchn_port_alloc(&env, NDOM), -XEN_ESRCH);
}

static void test_alloc_full(void **state)
{
    for (unsigned int p = 1; p < NR_EVTCHN; p++)
        assert_int_equal(alloc_unbound(1, 0), (int)p);
    assert_int_equal(alloc_unbound(1, 0), -XEN_ENOSPC);
    assert_int_equal(evtchn_port_link(&env, 1, 0, 0), -XEN_EINVAL);     /* 0 is reserved */
    int p0 = alloc_unbound(0, 1);
    assert_int_equal(evtchn_port_link(&env, 1, 0, (unsigned int)p0), -XEN_ENOSPC);
    assert_int_equal(r.ports[0][p0].state, ECS_UNBOUND);   /* untouched by the failure */
}

/* createdomain's max_evtchn_port: ports above it are never handed out (Xen's get_free_port). */
static void test_alloc_limit(void **state)
{
    r.max_port[1] = 2;
    assert_int_equal(alloc_unbound(1, 0), 1);
    assert_int_equal(alloc_unbound(1, 0), 2);
    assert_int_equal(alloc_unbound(1, 0), -XEN_ENOSPC);
    assert_int_equal(r.ports[1][3].state, ECS_FREE);
    assert_int_equal(evtchn_port_close(&env, 1, 2), 0);
    assert_int_equal(alloc_unbound(1, 0), 2);               /* freed below the limit: again */
    r.max_port[1] = 0;
    assert_int_equal(evtchn_port_alloc(&env, 1), -XEN_ENOSPC);
}

/* alloc_unbound -> bind_interdomain -> send both ways -> close one side, then the other. */
static void test_interdomain_life(void **state)
{
    struct evtchn_status s;
    int p = alloc_unbound(0, 1), l;

    status_of(0, (unsigned int)p, &s);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);

    l = evtchn_port_link(&env, 1, 0, (unsigned int)p);
    assert_int_equal(l, 1);
    assert_int_equal(r.raised[1][l], 1);                    /* the binder's end starts pending */
    assert_int_equal(r.raised[0][p], 0);
    status_of(0, (unsigned int)p, &s);
    assert_int_equal(s.status, EVTCHNSTAT_interdomain);
    assert_int_equal(s.u.interdomain.dom, 1);
    assert_int_equal(s.u.interdomain.port, (unsigned int)l);
    status_of(1, (unsigned int)l, &s);
    assert_int_equal(s.status, EVTCHNSTAT_interdomain);
    assert_int_equal(s.u.interdomain.dom, 0);
    assert_int_equal(s.u.interdomain.port, (unsigned int)p);

    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)p), 0);
    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)p), 0);
    assert_int_equal(evtchn_port_send(&env, 1, (unsigned int)l), 0);
    assert_int_equal(r.raised[1][l], 3);
    assert_int_equal(r.raised[0][p], 1);

    /* The binder closes: the other end is unbound again toward it. */
    assert_int_equal(evtchn_port_close(&env, 1, (unsigned int)l), 0);
    assert_int_equal(r.cleared[1][l], 1);
    status_of(1, (unsigned int)l, &s);
    assert_int_equal(s.status, EVTCHNSTAT_closed);
    status_of(0, (unsigned int)p, &s);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);
    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)p), 0);    /* dropped */
    assert_int_equal(r.raised[1][l], 3);
    assert_int_equal(evtchn_port_close(&env, 1, (unsigned int)l), -XEN_EINVAL);

    /* Bound again; now the allocator's side closes first. */
    l = evtchn_port_link(&env, 1, 0, (unsigned int)p);
    assert_int_equal(l, 1);
    assert_int_equal(evtchn_port_close(&env, 0, (unsigned int)p), 0);
    status_of(1, (unsigned int)l, &s);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 0);                   /* domain 0 could bind it now */
    int q = evtchn_port_link(&env, 0, 1, (unsigned int)l);
    assert_int_equal(q, p);
    assert_int_equal(r.ports[1][l].remote_port, (unsigned int)q);
}

static void test_link_refusals(void **state)
{
    int p = alloc_unbound(0, 1), other = alloc_unbound(0, 2);

    assert_int_equal(evtchn_port_link(&env, 1, 0, (unsigned int)other), -XEN_EINVAL);   /* not offered */
    assert_int_equal(evtchn_port_link(&env, 1, NDOM, (unsigned int)p), -XEN_ESRCH);
    assert_int_equal(evtchn_port_link(&env, 1, 1, (unsigned int)p), -XEN_EINVAL);       /* wrong domain */
    assert_int_equal(evtchn_port_link(&env, 1, 0, NR_EVTCHN), -XEN_EINVAL);
    assert_int_equal(evtchn_port_link(&env, 1, 0, 77), -XEN_EINVAL);                    /* free */
    assert_int_equal(evtchn_port_link(&env, 1, 0, (unsigned int)p), 1);
    assert_int_equal(evtchn_port_link(&env, 1, 0, (unsigned int)p), -XEN_EINVAL);       /* twice */
    assert_int_equal(evtchn_port_link(&env, 2, 0, (unsigned int)p), -XEN_EINVAL);       /* taken */
    r.dying[0] = true;                                      /* no new links to a dying domain */
    assert_int_equal(evtchn_port_link(&env, 2, 0, (unsigned int)other), -XEN_ESRCH);
    for (unsigned int d = 0; d < NDOM; d++)                 /* no other port was touched */
        for (unsigned int port = 3; port < NR_EVTCHN; port++)
            assert_int_equal(r.ports[d][port].state, ECS_FREE);
}

/* A dying peer's end is still undone when the survivor closes; an absent one is skipped. */
static void test_close_with_dying_or_gone_peer(void **state)
{
    int p = alloc_unbound(2, 0), l = evtchn_port_link(&env, 0, 2, (unsigned int)p);

    r.dying[2] = true;
    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)l), 0);
    assert_int_equal(r.raised[2][p], 1);
    assert_int_equal(evtchn_port_close(&env, 0, (unsigned int)l), 0);
    assert_int_equal(r.ports[2][p].state, ECS_UNBOUND);
    assert_int_equal(r.ports[2][p].remote_dom, 0);

    p = alloc_unbound(1, 0);
    l = evtchn_port_link(&env, 0, 1, (unsigned int)p);
    r.present[1] = false;
    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)l), 0);
    assert_int_equal(r.raised[1][p], 0);
    assert_int_equal(evtchn_port_close(&env, 0, (unsigned int)l), 0);
    assert_int_equal(r.ports[0][l].state, ECS_FREE);
}

static void test_virq_and_ipi(void **state)
{
    struct evtchn_status s;
    int v = evtchn_port_bind(&env, 0, (struct evtchn){ .state = ECS_VIRQ, .virq = VIRQ_DOM_EXC });
    int t = evtchn_port_bind(&env, 0, (struct evtchn){ .state = ECS_VIRQ, .virq = VIRQ_TIMER });
    int i = evtchn_port_bind(&env, 0, (struct evtchn){ .state = ECS_IPI, .notify_vcpu = 0 });
    int q = evtchn_port_bind(&env, 0, (struct evtchn){ .state = ECS_PIRQ, .pirq = 9 });

    status_of(0, (unsigned int)v, &s);
    assert_int_equal(s.status, EVTCHNSTAT_virq);
    assert_int_equal(s.u.virq, VIRQ_DOM_EXC);
    status_of(0, (unsigned int)i, &s);
    assert_int_equal(s.status, EVTCHNSTAT_ipi);
    assert_int_equal(s.u.interdomain.port, 0);              /* the union is cleared */
    status_of(0, (unsigned int)q, &s);
    assert_int_equal(s.status, EVTCHNSTAT_pirq);
    assert_int_equal(s.u.pirq, 9);

    /* Sends: an IPI raises itself, a VIRQ or PIRQ port cannot be sent on. */
    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)i), 0);
    assert_int_equal(r.raised[0][i], 1);
    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)v), -XEN_EINVAL);
    assert_int_equal(evtchn_port_send(&env, 0, (unsigned int)q), -XEN_EINVAL);
    assert_int_equal(evtchn_port_send(&env, 0, 500), -XEN_EINVAL);
    assert_int_equal(evtchn_port_send(&env, 0, NR_EVTCHN), -XEN_EINVAL);

    /* bind_vcpu: global VIRQs, unbound, interdomain and PIRQ ports move; the others do not. */
    assert_true(evtchn_virq_is_global(VIRQ_DOM_EXC));
    assert_false(evtchn_virq_is_global(VIRQ_TIMER));
    assert_false(evtchn_virq_is_global(VIRQ_DEBUG));
    assert_int_equal(evtchn_port_set_vcpu(&r.ports[0][v], 1), 0);
    assert_int_equal(r.ports[0][v].notify_vcpu, 1);
    assert_int_equal(evtchn_port_set_vcpu(&r.ports[0][t], 1), -XEN_EINVAL);
    assert_int_equal(evtchn_port_set_vcpu(&r.ports[0][i], 1), -XEN_EINVAL);
    assert_int_equal(evtchn_port_set_vcpu(&r.ports[0][q], 1), 0);
    assert_int_equal(evtchn_port_set_vcpu(&r.ports[0][600], 1), -XEN_EINVAL);
    status_of(0, (unsigned int)v, &s);
    assert_int_equal(s.vcpu, 1);
    /* vCPU ids go up to Xen's 8191: not cut to a byte. */
    assert_int_equal(evtchn_port_set_vcpu(&r.ports[0][q], 8191), 0);
    status_of(0, (unsigned int)q, &s);
    assert_int_equal(s.vcpu, 8191);

    /* Closing a VIRQ or PIRQ port undoes the other half; an IPI has none. */
    assert_int_equal(evtchn_port_close(&env, 0, (unsigned int)v), 0);
    assert_int_equal(r.unbinds, 1);
    assert_int_equal(r.last_unbind.state, ECS_VIRQ);
    assert_int_equal(r.last_unbind.virq, VIRQ_DOM_EXC);
    assert_int_equal(evtchn_port_close(&env, 0, (unsigned int)q), 0);
    assert_int_equal(r.unbinds, 2);
    assert_int_equal(r.last_unbind.pirq, 9);
    assert_int_equal(evtchn_port_close(&env, 0, (unsigned int)i), 0);
    assert_int_equal(r.unbinds, 2);
    assert_int_equal(evtchn_port_close(&env, 0, 0), -XEN_EINVAL);       /* reserved */
    assert_int_equal(evtchn_port_close(&env, 0, NR_EVTCHN), -XEN_EINVAL);
}

/* EVTCHNOP_reset: every bound port closed, peers unbound toward us, port 0 still reserved. */
static void test_reset(void **state)
{
    int p = alloc_unbound(1, 0), l = evtchn_port_link(&env, 0, 1, (unsigned int)p);

    evtchn_port_bind(&env, 0, (struct evtchn){ .state = ECS_VIRQ, .virq = VIRQ_CONSOLE });
    evtchn_port_bind(&env, 0, (struct evtchn){ .state = ECS_IPI });
    alloc_unbound(0, 2);
    assert_int_equal(evtchn_ports_close_all(&env, 0), 4);
    for (unsigned int port = 1; port < NR_EVTCHN; port++)
        assert_int_equal(r.ports[0][port].state, ECS_FREE);
    assert_int_equal(r.ports[0][0].state, ECS_RESERVED);
    assert_int_equal(r.cleared[0][l], 1);
    assert_int_equal(r.unbinds, 1);
    assert_int_equal(r.ports[1][p].state, ECS_UNBOUND);
    assert_int_equal(r.ports[1][p].remote_dom, 0);
    assert_int_equal(evtchn_ports_close_all(&env, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_alloc_lowest_free, setup),
        cmocka_unit_test_setup(test_alloc_full, setup),
        cmocka_unit_test_setup(test_alloc_limit, setup),
        cmocka_unit_test_setup(test_interdomain_life, setup),
        cmocka_unit_test_setup(test_link_refusals, setup),
        cmocka_unit_test_setup(test_close_with_dying_or_gone_peer, setup),
        cmocka_unit_test_setup(test_virq_and_ipi, setup),
        cmocka_unit_test_setup(test_reset, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
