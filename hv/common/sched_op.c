/* HYPERVISOR_sched_op: yield, block, poll, shutdown (the scheduler itself is sched.c). */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <hv/sched.h>
#include <hv/time.h>

/* SCHEDOP_block: enable events and sleep until one is pending. */
static long sched_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    /*
     * Blocked first, then the look for an upcall: a sender on another CPU
     * sets the upcall before it looks at `blocked` (event_channel.c), so
     * one of the two sees the other and no wake is lost.
     */
    v->blocked = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (v->vcpu_info->evtchn_upcall_pending)
        __atomic_store_n(&v->blocked, false, __ATOMIC_SEQ_CST);    /* still running: nothing to wake */
    return 0;
}

/*
 * SCHEDOP_poll in Xen's order: the count (at most 128) and the list's
 * range, then an upcall already due (events open, one pending: 0 at once),
 * then each port (unreadable -EFAULT, not bound -EINVAL, pending: 0 at once);
 * else block until one of them (any port of the domain that becomes pending
 * when more or fewer than one were named) or a new upcall comes, or the
 * timeout passes.
 */
static long sched_poll(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct sched_poll sp;
    struct domain *d = v->domain;

    if (copy_from_guest(&sp, arg, 1))
        return -XEN_EFAULT;
    if (sp.nr_ports > 128)
        return -XEN_EINVAL;
    if (!guest_handle_okay(sp.ports, sp.nr_ports))
        return -XEN_EFAULT;
    if (!v->vcpu_info->evtchn_upcall_mask && v->vcpu_info->evtchn_upcall_pending)
        return 0;
    v->nr_poll_ports = 0;
    for (unsigned int i = 0; i < sp.nr_ports; i++) {
        evtchn_port_t port;
        int rc;

        if (copy_from_guest_offset(&port, sp.ports, i, 1))
            return -XEN_EFAULT;
        rc = evtchn_port_poll(d, port);
        if (rc)
            return rc < 0 ? rc : 0;
        v->poll_port_list[v->nr_poll_ports++] = (uint16_t)port;
    }
    if (sp.timeout && sp.timeout <= now_ns())
        return 0;
    v->polling = true;
    v->blocked = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /*
     * A port or an upcall that became pending meanwhile (set on another CPU,
     * which then saw no blocked vCPU): no sleep (as sched_block).
     */
    bool due = !v->vcpu_info->evtchn_upcall_mask && v->vcpu_info->evtchn_upcall_pending;
    for (unsigned int i = 0; i < v->nr_poll_ports && !due; i++)
        due = evtchn_port_poll(d, v->poll_port_list[i]) == 1;
    if (due) {
        v->polling = false;
        __atomic_store_n(&v->blocked, false, __ATOMIC_SEQ_CST);
        return 0;
    }
    if (sp.timeout)
        set_timer(&v->poll_timer, sp.timeout);
    return 0;
}

long do_sched_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu *v = current;

    switch (cmd) {
    case SCHEDOP_yield:
        /* Give the CPU to the next runnable vCPU of its priority, or to one of the next one down. */
        v->yielding = true;
        this_cpu()->need_resched = true;
        raise_softirq(SOFTIRQ_SCHEDULE);
        return 0;
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, 1))
            return -XEN_EFAULT;
        if (s.reason > SHUTDOWN_MAX)
            return -XEN_EINVAL;
        domain_shutdown(v->domain, s.reason);
        return 0;
    }
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, 1))
            return -XEN_EFAULT;
        if (s.reason > SHUTDOWN_MAX)
            return -XEN_EINVAL;
        v->domain->shutdown_code = s.reason;
        return 0;
    }
    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown s;
        if (!domain_is_privileged(v->domain))
            return -XEN_EPERM;
        if (copy_from_guest(&s, arg, 1))
            return -XEN_EFAULT;
        if (s.reason > SHUTDOWN_MAX)
            return -XEN_EINVAL;
        struct domain *d = domain_lookup(s.domain_id);
        if (!d)
            return -XEN_ESRCH;
        domain_shutdown(d, s.reason);
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}
