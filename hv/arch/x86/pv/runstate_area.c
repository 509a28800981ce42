/*
 * The guest's copy of a vCPU's runstate (VCPUOP_register_runstate_memory_area),
 * rewritten at every change of runstate as Xen's update_runstate_area: the
 * area is a guest-virtual address of the guest kernel, reachable only while
 * the kernel's page tables are loaded. In guest user mode the write waits for
 * the next entry into the kernel (Xen's need_update_runstate_area).
 */
#include <xen/xen.h>
#include <xen/vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/sched.h>

/* See sched.h. v's address space is the CPU's. */
void runstate_area_update(struct vcpu *v)
{
    struct vcpu_runstate_info r;
    bool flag = v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);

    if (guest_handle_is_null(v->runstate_guest))
        return;
    if (!v->arch.kernel_mode) {
        v->runstate_area_stale = true;
        return;
    }
    v->runstate_area_stale = false;
    runstate_snapshot(v, &r, false);
    /* As Xen's: a fault is no error here (the guest may unmap its area). */
    if (flag) {
        /* A reader seeing the flag knows a copy is under way and reads again. */
        r.state_entry_time |= XEN_RUNSTATE_UPDATE;
        (void)copy_field_to_guest(v->runstate_guest, &r, state_entry_time);
        __atomic_thread_fence(__ATOMIC_RELEASE);
    }
    (void)copy_to_guest(v->runstate_guest, &r, 1);
    if (flag) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
        r.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
        (void)copy_field_to_guest(v->runstate_guest, &r, state_entry_time);
    }
}
