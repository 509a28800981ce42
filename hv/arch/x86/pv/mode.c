/*
 * Guest kernel and guest user mode. Both run in ring 3; they differ in their
 * page-table root (guest_table / guest_table_user) and in which GS base is live,
 * exactly as Xen's toggle_guest_mode.
 */
#include <hv/domain.h>
#include <asm/io.h>
#include <hv/sched.h>

/* Inline in vcpu_toggle_mode too: it runs twice in every guest system call. */
static inline __attribute__((always_inline)) void load_cr3(struct vcpu *v)
{
    mfn_t root = v->arch.kernel_mode || !v->arch.guest_table_user ? v->arch.guest_table : v->arch.guest_table_user;
    const struct paging_mode *pm = v->domain->arch.paging;

    if (pm->cr3_for)
        root = pm->cr3_for(v->domain, root);
    write_cr3(root << PAGE_SHIFT);
}

void vcpu_load_cr3(struct vcpu *v)
{
    load_cr3(v);
}

/* Entering the kernel with a runstate area that changed in user mode: its tables first. */
static void __attribute__((noinline)) enter_kernel_stale_runstate(struct vcpu *v)
{
    load_cr3(v);
    runstate_area_update(v);
}

void vcpu_toggle_mode(struct vcpu *v)
{
    if (v->arch.kernel_mode)
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->arch.gs_base_user = rdmsr(MSR_GS_BASE);
    v->arch.kernel_mode = !v->arch.kernel_mode;
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
    if (__builtin_expect(v->runstate_area_stale, 0) && v->arch.kernel_mode) {
        enter_kernel_stale_runstate(v);         /* changed while in user mode */
        return;
    }
    load_cr3(v);
}
