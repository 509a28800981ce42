/*
 * hvm_op (34) and dm_op (41): the interfaces of HVM guests and their device
 * models. Every Xenolith domain is PV, so each operation reads and checks its
 * argument in Xen 4.17's order and then gives Xen's answer for a PV domain
 * (mostly -EINVAL: "not an HVM domain"). include/xen/hvm_op.h lists them.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/hvm_op.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/time.h>

/* A domain named by id, DOMID_SELF allowed; NULL if there is none. */
static struct domain *domain_any_id(domid_t id)
{
    if (id == DOMID_SELF)
        return current->domain;
    return domain_lookup(id);
}

/* set_param / get_param: the index is checked before the domain. */
static long hvm_param(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_hvm_param p;

    if (copy_from_guest(&p, arg, 1))
        return -XEN_EFAULT;
    if (p.index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    if (!domain_any_id(p.domid))
        return -XEN_ESRCH;
    return -XEN_EINVAL;                         /* not an HVM domain */
}

static long hvm_pagetable_dying(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_hvm_pagetable_dying p;
    struct domain *d;

    if (copy_from_guest(&p, arg, 1))
        return -XEN_EFAULT;
    d = domain_any_id(p.domid);
    if (!d)
        return -XEN_ESRCH;
    return d != current->domain ? -XEN_EOPNOTSUPP : -XEN_EINVAL;
}

static long hvm_get_mem_type(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_hvm_get_mem_type m;
    struct domain *d;

    if (copy_from_guest(&m, arg, 1))
        return -XEN_EFAULT;
    d = domain_any_id(m.domid);
    if (!d)
        return -XEN_ESRCH;
    if (d != current->domain && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    return -XEN_EINVAL;
}

static long hvm_xentrace(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_hvm_xentrace t;

    if (copy_from_guest(&t, arg, 1))
        return -XEN_EFAULT;
    if (t.extra_bytes > sizeof(t.extra) || (t.event >> 12))
        return -XEN_EINVAL;
    return 0;                                   /* no trace buffers: dropped */
}

long do_hvm_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch (cmd) {
    case HVMOP_set_param:
    case HVMOP_get_param:
        return hvm_param(arg);
    case HVMOP_flush_tlbs:
    case HVMOP_set_evtchn_upcall_vector:
        return -XEN_EINVAL;                     /* the caller is not HVM */
    case HVMOP_pagetable_dying:
        return hvm_pagetable_dying(arg);
    case HVMOP_get_time: {
        struct xen_hvm_get_time t = { .now = now_ns() };
        return copy_to_guest(arg, &t, 1) ? -XEN_EFAULT : 0;
    }
    case HVMOP_xentrace:
        return hvm_xentrace(arg);
    case HVMOP_get_mem_type:
        return hvm_get_mem_type(arg);
    case HVMOP_guest_request_vm_event:
        return guest_handle_is_null(arg) ? 0 : -XEN_EINVAL;  /* no monitor listens */
    case HVMOP_altp2m:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_ENOSYS;
    }
}

/* dm_op targets another domain's device model state; only HVM domains have one. */
long do_dm_op(uint64_t domid, uint64_t nr_bufs, XEN_GUEST_HANDLE_PARAM(xen_dm_op_buf_t) bufs)
{
    struct xen_dm_op_buf b[XEN_DM_OP_MAX_BUFS];
    domid_t id = (domid_t)domid;
    struct domain *d;

    nr_bufs = (uint32_t)nr_bufs;
    if (!nr_bufs)
        return -XEN_ENODATA;
    if (nr_bufs > XEN_DM_OP_MAX_BUFS)
        return -XEN_E2BIG;
    if (copy_from_guest(b, bufs, nr_bufs))
        return -XEN_EFAULT;
    d = domain_lookup(id);
    if (!d)
        return -XEN_ESRCH;
    if (d == current->domain)
        return -XEN_EPERM;
    return -XEN_EINVAL;                         /* not an HVM domain */
}
