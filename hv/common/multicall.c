/*
 * HYPERVISOR_multicall: run a batch of hypercalls, each result written back
 * into its entry. A fault reading or writing an entry ends the batch with
 * -EFAULT; an individual call's error is only that entry's result. A long
 * batch is preempted between entries and continues as a fresh multicall of
 * the entries left.
 *
 * An iret entry runs (it reads its frame from the guest stack as the
 * multicall found it) and ends the batch, as in Xen 4.17: its result, the
 * frame's rax, goes to the entry if it can, and its low 32 bits,
 * sign-extended, are the multicall's own result (Xen keeps the batch status
 * in an int), so the guest resumes at the frame with that rax; the entries
 * after it are not run. A multicall entry gives -EINVAL (no nesting).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) list, uint64_t nr)
{
    nr = (uint32_t)nr;
    if (!guest_handle_okay(list, nr))
        return -XEN_EFAULT;
    long rc = 0;

    struct vcpu *v = current;

    v->in_multicall = true;
    for (uint64_t i = 0; i < nr; i++) {
        multicall_entry_t e;
        if ((i & 7) == 0 && i && hypercall_preempt_wanted()) {
            rc = hypercall_continue(list.addr, nr - i, 0, 0, 0);   /* every 8 entries, if work or an upcall waits */
            break;
        }
        if (copy_from_guest(&e, list, 1)) {
            rc = -XEN_EFAULT;
            break;
        }
        if (e.op == __HYPERVISOR_multicall)
            e.result = (uint64_t)-XEN_EINVAL;   /* no nesting */
        else
            e.result = (uint64_t)hypercall_call(e.op, e.args);
        if (e.op == __HYPERVISOR_iret) {
            /* The guest no longer waits for the batch: best effort, like Xen. */
            (void)__copy_field_to_guest(list, &e, result);
            rc = (long)(int32_t)e.result;
            break;
        }
        if (__copy_field_to_guest(list, &e, result)) {
            rc = -XEN_EFAULT;
            break;
        }
        if (v->domain->is_shutdown)
            break;
        guest_handle_add_offset(list, 1);
    }
    v->in_multicall = false;
    return rc;
}

long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t a3, uint64_t a4, uint64_t a5)
{
    /* Types Xen accepts for a 64-bit PV domain. */
    const uint64_t valid = (1UL << VMASST_TYPE_4gb_segments) | (1UL << VMASST_TYPE_4gb_segments_notify) |
                           (1UL << VMASST_TYPE_writable_pagetables) | (1UL << VMASST_TYPE_pae_extended_cr3) |
                           (1UL << VMASST_TYPE_architectural_iopl) | (1UL << VMASST_TYPE_runstate_update_flag) |
                           (1UL << VMASST_TYPE_m2p_strict);
    struct domain *d = current->domain;

    if (type >= 64 || !((1UL << type) & valid))
        return -XEN_EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1UL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1UL << type);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}
