/*
 * XEVT: an interdomain event channel between Dom0 and the DomU.
 *
 * Dom0 allocates an unbound port for the DomU and passes its number in the
 * control page; the DomU binds it (after binds that must fail: a port
 * offered to someone else, a domain that does not exist, its own domain);
 * the two then bounce XDOM_PINGS events, one at a time so none coalesce,
 * and each counts exactly XDOM_PINGS. When one end closes, the other end
 * is unbound again, toward the domain that closed (EVTCHNOP_status); both
 * directions are checked, on two channels.
 */
#include <os/events.h>
#include "xdom.h"

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

static long evclose(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };
    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

static long bind_interdomain(domid_t dom, evtchn_port_t rport, evtchn_port_t *lport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = dom, .remote_port = rport };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    if (lport)
        *lport = rc ? 0 : b.local_port;
    return rc;
}

/* Wait (blocked) until port has been delivered `n` times since `base`. */
static void wait_count(evtchn_port_t port, unsigned long base, unsigned long n)
{
    os_irq_disable();
    while (os_evtchn_count[port] - base < n) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
}

/* ---- DomU ---- */

enum {                      /* the DomU's results in xdom_ctrl->res */
    R_NOT_OFFERED, R_ABSENT_DOM, R_SELF_DOM, R_BIND, R_PENDING, R_STATUS, R_STATUS_DOM,
    R_STATUS_PORT, R_TWICE, R_SEND, R_CLOSE,
};

void xdom_evtchn_domu(enum xdom_step s)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    evtchn_port_t l = c->local_port;
    struct evtchn_status st;
    unsigned long base;

    switch (s) {
    case XS_EVT_BIND:
        c->res[R_NOT_OFFERED] = bind_interdomain(0, c->port_other, NULL);
        c->res[R_ABSENT_DOM] = bind_interdomain(XDOM_ABSENT, c->port, NULL);
        c->res[R_SELF_DOM] = bind_interdomain(DOMID_SELF, c->port, NULL);
        c->res[R_BIND] = bind_interdomain(0, c->port, &l);
        c->local_port = l;
        if (c->res[R_BIND])
            break;
        /* The binder's new end starts pending (Xen's evtchn_bind_interdomain). */
        c->res[R_PENDING] = os_evtchn_is_pending(l);
        os_evtchn_clear(l);
        c->res[R_STATUS] = xdom_evtchn_status(DOMID_SELF, l, &st);
        c->res[R_STATUS_DOM] = st.status == EVTCHNSTAT_interdomain ? st.u.interdomain.dom : -1;
        c->res[R_STATUS_PORT] = st.status == EVTCHNSTAT_interdomain ? (long)st.u.interdomain.port : -1;
        c->res[R_TWICE] = bind_interdomain(0, c->port, NULL);
        break;
    case XS_EVT_PINGPONG:
        base = os_evtchn_count[l];
        os_evtchn_bind(l, NULL, NULL);
        os_evtchn_unmask(l);
        c->res[R_SEND] = 0;
        for (unsigned long i = 1; i <= XDOM_PINGS; i++) {
            wait_count(l, base, i);
            c->res[R_SEND] |= send(l);
        }
        c->count = os_evtchn_count[l] - base;
        break;
    case XS_EVT_CLOSE:
        os_evtchn_mask(l);
        os_evtchn_unbind(l);
        c->res[R_CLOSE] = evclose(l);
        break;
    case XS_EVT_BIND2:
        c->res[R_BIND] = bind_interdomain(0, c->port, &l);
        c->local_port = l;
        os_evtchn_clear(l);
        break;
    case XS_EVT_PEER_GONE:
        c->res[R_STATUS] = xdom_evtchn_status(DOMID_SELF, l, &st);
        c->res[R_STATUS_DOM] = st.status == EVTCHNSTAT_unbound ? st.u.unbound.dom : -1;
        c->res[R_SEND] = send(l);
        c->res[R_CLOSE] = evclose(l);
        break;
    default:
        break;
    }
}

/* ---- Dom0 ---- */

static long alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    *port = rc ? 0 : a.port;
    return rc;
}

static int status_is(domid_t dom, evtchn_port_t port, uint32_t status, domid_t rdom)
{
    struct evtchn_status st;
    long rc = xdom_evtchn_status(dom, port, &st);

    if (rc || st.status != status)
        return 0;
    if (status == EVTCHNSTAT_unbound)
        return st.u.unbound.dom == rdom;
    if (status == EVTCHNSTAT_interdomain)
        return st.u.interdomain.dom == rdom;
    return 1;
}

void xdom_evtchn_dom0(void)
{
    volatile struct xdom_ctrl *c = xdom_ctrl;
    evtchn_port_t p, q;
    struct evtchn_status st;
    unsigned long base;
    long rc, send_rc = 0;

    rc = alloc_unbound(XDOM_DOMU, &p);
    t_check("XEVT0001", "alloc_unbound for the DomU (remote_dom 1): okay",
            rc == 0 && p != 0, "(rc=%ld)", rc);
    t_check("XEVT0002", "the port is unbound toward domain 1 (EVTCHNOP_status)",
            status_is(DOMID_SELF, p, EVTCHNSTAT_unbound, XDOM_DOMU), NULL);
    rc = alloc_unbound(0, &q);
    t_check("XEVT0003", "alloc_unbound toward ourselves: okay", rc == 0 && q != 0,
            "(rc=%ld)", rc);

    c->port = p;
    c->port_other = q;
    xdom_run_step(XS_EVT_BIND);
    t_rc("XEVT0004", "DomU: bind_interdomain to a port offered to another domain: -EINVAL",
         c->res[R_NOT_OFFERED], -XEN_EINVAL);
    t_rc("XEVT0005", "DomU: bind_interdomain naming an absent domain: -ESRCH",
         c->res[R_ABSENT_DOM], -XEN_ESRCH);
    t_rc("XEVT0006", "DomU: bind_interdomain naming itself for Dom0's port: -EINVAL",
         c->res[R_SELF_DOM], -XEN_EINVAL);
    t_rc("XEVT0007", "DomU: bind_interdomain to the port offered to it: okay",
         c->res[R_BIND], 0);
    t_check("XEVT0008", "DomU: its new end starts pending", c->res[R_PENDING] == 1,
            "(pending=%ld)", (long)c->res[R_PENDING]);
    t_check("XEVT0009", "DomU: status of its end: interdomain to Dom0's port",
            c->res[R_STATUS] == 0 && c->res[R_STATUS_DOM] == 0 && c->res[R_STATUS_PORT] == p,
            "(rc=%ld dom=%ld port=%ld)", (long)c->res[R_STATUS], (long)c->res[R_STATUS_DOM],
            (long)c->res[R_STATUS_PORT]);
    t_rc("XEVT0010", "DomU: binding the same port twice: -EINVAL", c->res[R_TWICE], -XEN_EINVAL);
    rc = xdom_evtchn_status(DOMID_SELF, p, &st);
    t_check("XEVT0011", "Dom0's end: interdomain to the DomU's port",
            rc == 0 && st.status == EVTCHNSTAT_interdomain &&
            st.u.interdomain.dom == XDOM_DOMU && st.u.interdomain.port == c->local_port,
            "(rc=%ld status=%u)", rc, st.status);
    t_check("XEVT0012", "Dom0's end is not pending after the DomU's bind",
            !os_evtchn_is_pending(p), NULL);
    rc = xdom_evtchn_status(XDOM_DOMU, c->local_port, &st);
    t_check("XEVT0013", "Dom0 reads the status of the DomU's end (privileged)",
            rc == 0 && st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == 0 &&
            st.u.interdomain.port == p, "(rc=%ld status=%u)", rc, st.status);

    /* Ping-pong, strictly alternating: every event must arrive, once. */
    base = os_evtchn_count[p];
    os_evtchn_bind(p, NULL, NULL);
    os_evtchn_unmask(p);
    c->step = XS_EVT_PINGPONG;
    for (unsigned long i = 1; i <= XDOM_PINGS; i++) {
        send_rc |= send(p);
        wait_count(p, base, i);
    }
    while (c->done != XS_EVT_PINGPONG)
        xdom_yield();
    t_rc("XEVT0014", "Dom0's 100 EVTCHNOP_send: okay", send_rc, 0);
    t_rc("XEVT0015", "DomU's 100 EVTCHNOP_send: okay", c->res[R_SEND], 0);
    t_check("XEVT0016", "the DomU received exactly 100 events", c->count == XDOM_PINGS,
            "(count=%lu)", (unsigned long)c->count);
    t_check("XEVT0017", "Dom0 received exactly 100 events",
            os_evtchn_count[p] - base == XDOM_PINGS, "(count=%lu)",
            (unsigned long)(os_evtchn_count[p] - base));

    /* The DomU closes its end: ours is unbound again, toward domain 1. */
    xdom_run_step(XS_EVT_CLOSE);
    t_rc("XEVT0018", "DomU: close of its end: okay", c->res[R_CLOSE], 0);
    t_check("XEVT0019", "Dom0's end is unbound toward domain 1 after the DomU closed",
            status_is(DOMID_SELF, p, EVTCHNSTAT_unbound, XDOM_DOMU), NULL);
    t_check("XEVT0020", "the DomU's end is closed", status_is(XDOM_DOMU, c->local_port,
            EVTCHNSTAT_closed, 0), NULL);
    t_rc("XEVT0021", "send on the now unbound end: okay (dropped)", send(p), 0);

    /* Bound again (a second channel on the same port), then Dom0 closes first. */
    xdom_run_step(XS_EVT_BIND2);
    t_rc("XEVT0022", "DomU binds the port again after its close: okay", c->res[R_BIND], 0);
    t_check("XEVT0023", "Dom0's end is interdomain again",
            status_is(DOMID_SELF, p, EVTCHNSTAT_interdomain, XDOM_DOMU), NULL);
    os_evtchn_mask(p);
    os_evtchn_unbind(p);
    t_rc("XEVT0024", "Dom0 closes its end: okay", evclose(p), 0);
    t_check("XEVT0025", "Dom0's port is closed", status_is(DOMID_SELF, p, EVTCHNSTAT_closed, 0),
            NULL);
    xdom_run_step(XS_EVT_PEER_GONE);
    t_check("XEVT0026", "DomU: its end is unbound toward Dom0 after Dom0 closed",
            c->res[R_STATUS] == 0 && c->res[R_STATUS_DOM] == 0, "(rc=%ld dom=%ld)",
            (long)c->res[R_STATUS], (long)c->res[R_STATUS_DOM]);
    t_rc("XEVT0027", "DomU: send on its unbound end: okay (dropped)", c->res[R_SEND], 0);
    t_rc("XEVT0028", "DomU: close of its unbound end: okay", c->res[R_CLOSE], 0);
    t_rc("XEVT0029", "close of the port offered to ourselves: okay", evclose(q), 0);
    t_rc("XEVT0030", "close of an already closed port: -EINVAL", evclose(p), -XEN_EINVAL);
}
