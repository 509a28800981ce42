/*
 * VCPUOP_register_vcpu_time_memory_area: a second copy of a vCPU's
 * vcpu_time_info at a guest virtual address (Linux maps it into user space
 * for its vDSO pvclock), rewritten with the version protocol whenever the
 * hypervisor publishes the vCPU's time (Xen's update_secondary_system_time).
 * Xenolith publishes it when the vCPU is created, when it moves its
 * vcpu_info and when the area is registered; the scale never changes after
 * boot, so one copy stays right. Each write goes through the address space
 * of the domain's vCPU making the hypercall (a fault is no error: the guest
 * may unmap its area; Xen saves a write that faults in guest user mode for
 * the next kernel entry, which hypercalls, made from kernel mode, never need).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/time.h>
#include <asm/pv.h>

/* See pv.h. */
void pv_time_area_update(struct vcpu *v, const struct vcpu_time_info *t)
{
    XEN_GUEST_HANDLE(vcpu_time_info_t) area = v->arch.time_area;
    struct vcpu_time_info copy = *t;

    if (guest_handle_is_null(area) || !current || current->domain != v->domain)
        return;
    copy.version = t->version | 1;              /* odd: a reader retries */
    if (copy_field_to_guest(area, &copy, version))
        return;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    (void)copy_to_guest(area, &copy, 1);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    copy.version = t->version;
    (void)copy_field_to_guest(area, &copy, version);
}

/*
 * The op, for any vCPU of the caller's domain, as Xen's: -EFAULT for an
 * argument that cannot be read or an area outside the guest's part of the
 * address space (a null one stops the copies); then written at once.
 */
long pv_register_time_area(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_register_time_memory_area area;

    if (copy_from_guest(&area, arg, 1))
        return -XEN_EFAULT;
    if (!guest_handle_okay(area.addr.h, 1))
        return -XEN_EFAULT;
    v->arch.time_area = area.addr.h;
    time_update_vcpu(v);
    return 0;
}
