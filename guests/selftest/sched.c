/*
 * SCHED: sched_op (hypercall 29), except shutdown proper.
 */
#include <os/events.h>
#include <os/time.h>
#include <xen/sched.h>
#include "test.h"

static void poll(void)
{
    evtchn_port_t port = os_timer_port;
    struct sched_poll p = { .nr_ports = 1 };
    uint64_t start, took;
    long rc;

    xen_set_guest_handle(p.ports, &port);
    /* Xen insists on events masked around poll: it does not deliver them. */
    os_irq_disable();
    start = os_now_ns();
    p.timeout = start + 2000000;            /* 2 ms */
    rc = HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    took = os_now_ns() - start;
    os_irq_enable();
    t_check("SCHED0002", "poll on a quiet port returns 0 after its timeout",
            rc == 0 && took >= 1500000, "(rc=%ld took=%luns)", rc,
            (unsigned long)took);

    p.nr_ports = 129;
    os_irq_disable();
    rc = HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    os_irq_enable();
    t_rc("SCHED0003", "poll of more than 128 ports gives -EINVAL", rc, -XEN_EINVAL);

    p.nr_ports = 1;
    p.timeout = 0;
    xen_set_guest_handle(p.ports, (evtchn_port_t *)T_UNMAPPED_VA);
    os_irq_disable();
    rc = HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    os_irq_enable();
    t_rc("SCHED0004", "poll with an unmapped port list gives -EFAULT", rc, -XEN_EFAULT);
}

void suite_sched(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };

    t_rc("SCHED0001", "yield returns 0", HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    poll();
    t_rc("SCHED0005", "shutdown_code records a reason and returns 0",
         HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &sd), 0);
    t_rc("SCHED0006", "shutdown from an unmapped argument gives -EFAULT",
         HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("SCHED0007", "unknown sched_op gives -ENOSYS",
         HYPERVISOR_sched_op(99, NULL), -XEN_ENOSYS);
}
