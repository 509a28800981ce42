/*
 * Guest kernel and guest user mode. Both run in ring 3; they differ in their
 * page-table root (guest_table / guest_table_user) and in which GS base is live,
 * exactly as Xen's toggle_guest_mode.
 */
#include <hv/domain.h>
#include <hv/io.h>

void vcpu_load_cr3(struct vcpu *v)
{
    mfn_t root = v->kernel_mode || !v->guest_table_user ? v->guest_table : v->guest_table_user;
    write_cr3(v->domain->paging->cr3_for(v->domain, root) << PAGE_SHIFT);
}

void vcpu_toggle_mode(struct vcpu *v)
{
    if (v->kernel_mode)
        v->gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->gs_base_user = rdmsr(MSR_GS_BASE);
    v->kernel_mode = !v->kernel_mode;
    wrmsr(MSR_GS_BASE, v->kernel_mode ? v->gs_base_kernel : v->gs_base_user);
    vcpu_load_cr3(v);
}
