/*
 * The first forms of hypercalls that were later replaced: sched_op_compat (6),
 * event_channel_op_compat (16), physdev_op_compat (19) and nmi_op (28). Old
 * kernels still use them; each is a thin door into its successor, with Xen
 * 4.17's argument rules.
 */
#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/nmi.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/pv.h>

/* yield and block take no argument; shutdown takes the reason itself, not a pointer. */
long do_sched_op_compat(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    switch ((int32_t)cmd) {
    case SCHEDOP_yield:
    case SCHEDOP_block:
        return do_sched_op(cmd, guest_handle_from_va(void, 0));
    case SCHEDOP_shutdown:
        domain_shutdown(current->domain, (uint8_t)arg);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

/* The command and its argument in one block; only the ten original commands. */
long do_event_channel_op_compat(XEN_GUEST_HANDLE_PARAM(evtchn_op_t) op)
{
    struct evtchn_op e;

    if (copy_from_guest(&e, op, 1))
        return -XEN_EFAULT;
    switch (e.cmd) {
    case EVTCHNOP_bind_interdomain:
    case EVTCHNOP_bind_virq:
    case EVTCHNOP_bind_pirq:
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_status:
    case EVTCHNOP_alloc_unbound:
    case EVTCHNOP_bind_ipi:
    case EVTCHNOP_bind_vcpu:
    case EVTCHNOP_unmask:
        return do_event_channel_op(e.cmd, guest_handle_for_field(op, void, u));
    default:
        return -XEN_ENOSYS;
    }
}

long do_physdev_op_compat(XEN_GUEST_HANDLE_PARAM(physdev_op_t) op)
{
    struct physdev_op p;

    if (copy_from_guest(&p, op, 1))
        return -XEN_EFAULT;
    return do_physdev_op(p.cmd, guest_handle_for_field(op, void, u));
}

/* nmi_op: the NMI callback, as callback_op(CALLBACKTYPE_nmi) registers it. */
long do_nmi_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ((uint32_t)cmd) {
    case XENNMI_register_callback: {
        struct xennmi_callback cb;
        struct callback_register r = { .type = CALLBACKTYPE_nmi };

        if (copy_from_guest(&cb, arg, 1))
            return -XEN_EFAULT;
        r.address = cb.handler_address;
        return pv_register_callback(current, &r);
    }
    case XENNMI_unregister_callback:
        pv_set_nmi_callback(current, 0);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}
