/*
 * Helpers of the selftest guest (its CASE lines are os/cases.h).
 */
#include <stdarg.h>
#include <xl/format.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <os/events.h>
#include <os/smp.h>
#include "test.h"

unsigned int t_vcpu_absent(void)
{
    unsigned int id = 1;

    while (id < 8192 && HYPERVISOR_vcpu_op(VCPUOP_is_up, id, NULL) != -XEN_ENOENT)
        id++;
    return id;
}

long t_ipi_open(os_evtchn_handler_t handler)
{
    struct evtchn_bind_ipi bi = { .vcpu = os_vcpu_id() };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi);

    if (rc)
        return rc;
    os_evtchn_bind(bi.port, handler, NULL);
    os_evtchn_unmask(bi.port);
    return bi.port;
}

void t_ipi_close(unsigned int port)
{
    struct evtchn_close cl = { .port = port };

    os_evtchn_unbind(port);
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
}

void t_event_due_undelivered(unsigned int port)
{
    struct evtchn_send send = { .port = port };
    struct vcpu_info *vi = os_this_vcpu_info();

    os_irq_disable();
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    os_barrier();
    vi->evtchn_upcall_mask = 0;
    os_barrier();
}

long t_domctl(struct xen_domctl *dc, uint32_t cmd, domid_t dom)
{
    dc->cmd = cmd;
    dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc->domain = dom;
    return os_hypercall1(__HYPERVISOR_domctl, dc);
}

long t_create_domain(struct xen_domctl *dc, domid_t dom, uint32_t max_vcpus)
{
    *dc = (struct xen_domctl){ 0 };
    dc->u.createdomain.max_vcpus = max_vcpus;
    dc->u.createdomain.max_evtchn_port = 1023;
    dc->u.createdomain.max_grant_frames = -1;
    dc->u.createdomain.max_maptrack_frames = -1;
    dc->u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    return t_domctl(dc, XEN_DOMCTL_createdomain, dom);
}
