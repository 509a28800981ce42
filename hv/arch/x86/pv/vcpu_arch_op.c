/*
 * The x86 VCPUOPs (Xen's arch_do_vcpu_op): send_nmi (pv/nmi.c),
 * register_vcpu_time_memory_area (pv/time_area.c) and get_physid.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/percpu.h>
#include <hv/smp.h>
#include <asm/pv.h>

#define BAD_ID 0xffffffffu                      /* Xen's BAD_APICID / INVALID_ACPIID */

/*
 * Xen's is_hwdom_pinned_vcpu: a vCPU of the hardware domain whose hard
 * affinity names exactly one CPU (of those there could be). Such a Dom0
 * pins its vCPU n to CPU n, hence the rule.
 */
static bool hwdom_pinned(const struct vcpu *v)
{
    unsigned int n = arch_nr_cpu_ids();
    cpumask_t hard = ~v->cpu_hard_excluded;

    if (n < 64)
        hard &= (1ull << n) - 1;
    return v->domain->id == 0 && hard && !(hard & (hard - 1));    /* one bit */
}

/*
 * VCPUOP_get_physid, as Xen: for a pinned vCPU of the hardware domain, the
 * APIC id (low half) and ACPI id (high half) of the CPU numbered as the
 * vCPU (not the one it is pinned to); -EINVAL for any other vCPU, -EFAULT
 * if the answer cannot be written.
 */
static long get_physid(const struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct vcpu_get_physid id;
    uint32_t apic = BAD_ID, acpi = BAD_ID;

    if (!hwdom_pinned(v))
        return -XEN_EINVAL;
    if (cpu_online(v->id)) {
        apic = cpu_info_of(v->id)->apic_id;
        acpi = cpu_info_of(v->id)->acpi_id;
    }
    id.phys_id = apic | ((uint64_t)acpi << 32);
    return copy_to_guest(arg, &id, 1) ? -XEN_EFAULT : 0;
}

/* See hypercall.h. */
long arch_do_vcpu_op(uint32_t cmd, struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch (cmd) {
    case VCPUOP_send_nmi:
        if (!guest_handle_is_null(arg))
            return -XEN_EINVAL;
        pv_send_nmi(v);
        return 0;
    case VCPUOP_register_vcpu_time_memory_area:
        return pv_register_time_area(v, arg);
    case VCPUOP_get_physid:
        return get_physid(v, arg);
    default:
        return -XEN_ENOSYS;
    }
}
