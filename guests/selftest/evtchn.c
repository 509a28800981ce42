/*
 * EVTCHN: event_channel_op (32) within one domain, and upcall delivery.
 */
#include <os/events.h>
#include <xen/event_channel.h>
#include "test.h"

static volatile unsigned long hits[OS_NR_PORTS];

static void count_hit(unsigned int port, struct os_regs *regs, void *data)
{
    hits[port]++;
}

static long op(int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static long status_of(evtchn_port_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
    return op(EVTCHNOP_status, st);
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };

    os_evtchn_unbind(port);
    op(EVTCHNOP_close, &c);
}

static void interdomain(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    struct evtchn_send send;
    struct evtchn_status st;
    long rc;

    rc = op(EVTCHNOP_alloc_unbound, &au);
    t_check("EVTCHN0001", "alloc_unbound for ourselves gives a port > 0",
            rc == 0 && au.port > 0, "(rc=%ld port=%u)", rc, au.port);
    rc = status_of(au.port, &st);
    t_check("EVTCHN0002", "status of it is unbound, remote dom 0",
            rc == 0 && st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 0,
            "(rc=%ld status=%u dom=%u)", rc, st.status, st.u.unbound.dom);
    send.port = au.port;
    rc = op(EVTCHNOP_send, &send);
    t_check("EVTCHN0003", "send on an unbound port is dropped: 0, nothing pending",
            rc == 0 && !os_evtchn_is_pending(au.port), "(rc=%ld)", rc);

    bi.remote_port = au.port;
    rc = op(EVTCHNOP_bind_interdomain, &bi);
    t_check("EVTCHN0004", "bind_interdomain to our own unbound port",
            rc == 0 && bi.local_port > 0 && bi.local_port != au.port,
            "(rc=%ld local=%u)", rc, bi.local_port);
    rc = status_of(bi.local_port, &st);
    t_check("EVTCHN0005", "status shows the interdomain peer",
            rc == 0 && st.status == EVTCHNSTAT_interdomain &&
            st.u.interdomain.port == au.port, "(rc=%ld status=%u peer=%u)",
            rc, st.status, st.u.interdomain.port);

    os_evtchn_bind(au.port, count_hit, NULL);
    os_evtchn_bind(bi.local_port, count_hit, NULL);
    os_evtchn_unmask(au.port);
    os_evtchn_unmask(bi.local_port);
    hits[au.port] = 0;
    send.port = bi.local_port;
    rc = op(EVTCHNOP_send, &send);
    t_check("EVTCHN0006", "send on one end delivers an upcall on the other",
            rc == 0 && hits[au.port] == 1, "(rc=%ld hits=%lu)", rc, hits[au.port]);
    close_port(bi.local_port);
    rc = status_of(au.port, &st);
    t_check("EVTCHN0007", "closing one end makes the peer unbound again",
            rc == 0 && st.status == EVTCHNSTAT_unbound, "(rc=%ld status=%u)",
            rc, st.status);
    close_port(au.port);
}

static void ipi(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_send send;
    struct evtchn_status st;
    long rc;

    rc = op(EVTCHNOP_bind_ipi, &bi);
    t_check("EVTCHN0008", "bind_ipi on vCPU 0 gives a port", rc == 0 && bi.port > 0,
            "(rc=%ld port=%u)", rc, bi.port);
    os_evtchn_bind(bi.port, count_hit, NULL);
    os_evtchn_unmask(bi.port);
    hits[bi.port] = 0;
    send.port = bi.port;
    rc = op(EVTCHNOP_send, &send);
    t_check("EVTCHN0009", "send to self over IPI delivers the upcall",
            rc == 0 && hits[bi.port] == 1, "(rc=%ld hits=%lu)", rc, hits[bi.port]);

    os_evtchn_mask(bi.port);
    rc = op(EVTCHNOP_send, &send);
    t_check("EVTCHN0010", "send to a masked port sets pending, no upcall",
            rc == 0 && hits[bi.port] == 1 && os_evtchn_is_pending(bi.port),
            "(rc=%ld hits=%lu)", rc, hits[bi.port]);
    os_evtchn_unmask(bi.port);
    t_check("EVTCHN0011", "EVTCHNOP_unmask delivers the pending event",
            hits[bi.port] == 2 && !os_evtchn_is_pending(bi.port),
            "(hits=%lu)", hits[bi.port]);

    rc = status_of(bi.port, &st);
    t_check("EVTCHN0012", "status of the IPI port is ipi on vCPU 0",
            rc == 0 && st.status == EVTCHNSTAT_ipi && st.vcpu == 0,
            "(rc=%ld status=%u)", rc, st.status);
    close_port(bi.port);
    rc = status_of(bi.port, &st);
    t_check("EVTCHN0013", "a closed port reports status closed",
            rc == 0 && st.status == EVTCHNSTAT_closed, "(rc=%ld status=%u)",
            rc, st.status);
    rc = op(EVTCHNOP_send, &send);
    t_rc("EVTCHN0014", "send on a closed port gives -EINVAL", rc, -XEN_EINVAL);
}

static void virq(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_status st;
    long rc;

    t_rc("EVTCHN0015", "binding VIRQ_TIMER twice gives -EEXIST",
         op(EVTCHNOP_bind_virq, &bv), -XEN_EEXIST);
    rc = status_of(os_timer_port, &st);
    t_check("EVTCHN0016", "status of the timer port is virq VIRQ_TIMER",
            rc == 0 && st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER,
            "(rc=%ld status=%u virq=%u)", rc, st.status, st.u.virq);
    bv.virq = VIRQ_DEBUG;
    rc = op(EVTCHNOP_bind_virq, &bv);
    t_check("EVTCHN0017", "bind_virq VIRQ_DEBUG gives a port", rc == 0 && bv.port > 0,
            "(rc=%ld)", rc);
    if (rc == 0)
        close_port(bv.port);
    bv.virq = 99;
    t_rc("EVTCHN0018", "bind_virq of an invalid VIRQ gives -EINVAL",
         op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL);
}

void suite_evtchn(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 7 };
    struct evtchn_send send = { .port = OS_NR_PORTS - 1 };
    struct evtchn_close cl = { .port = 100000 };

    interdomain();
    ipi();
    virq();
    t_rc("EVTCHN0019", "bind_ipi to a vCPU we lack gives -ENOENT",
         op(EVTCHNOP_bind_ipi, &bi), -XEN_ENOENT);
    t_rc("EVTCHN0020", "send on an out-of-range port gives -EINVAL",
         op(EVTCHNOP_send, &send), -XEN_EINVAL);
    t_rc("EVTCHN0021", "close of an out-of-range port gives -EINVAL",
         op(EVTCHNOP_close, &cl), -XEN_EINVAL);
    t_rc("EVTCHN0022", "status from an unmapped argument gives -EFAULT",
         op(EVTCHNOP_status, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("EVTCHN0023", "unknown event_channel_op gives -ENOSYS",
         op(99, &cl), -XEN_ENOSYS);
}
