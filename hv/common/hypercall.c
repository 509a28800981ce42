/*
 * The hypercall table and the single place that dispatches, refuses and
 * traces. No state of its own: a continuation being prepared belongs to the
 * vCPU (v->hcall_*), its statistics to the CPU.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xl/string.h>

/*
 * Pending work on this CPU, or an event upcall the running vCPU is owed (as
 * Xen's local_events_need_delivery): either runs before the rest of a long
 * hypercall.
 */
bool hypercall_preempt_wanted(void)
{
    struct cpu_info *ci = this_cpu();

    return ci->softirq_pending || vcpu_upcall_due(ci->curr_vcpu);
}

/* Nested calls of a multicall never continue: the multicall is the unit. */
bool hypercall_preempt_check(void)
{
    return hypercall_preempt_wanted() && !current->in_multicall;
}

long hypercall_continue(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current;

    v->hcall_args[0] = a1;
    v->hcall_args[1] = a2;
    v->hcall_args[2] = a3;
    v->hcall_args[3] = a4;
    v->hcall_args[4] = a5;
    v->hcall_continue = true;
    v->hcall_continue_nr = -1;
    return HV_CONTINUATION;
}

long hypercall_continue_as(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    long rc = hypercall_continue(a1, a2, a3, a4, a5);

    current->hcall_continue_nr = (int)nr;
    return rc;
}



/* A row; the handler's own prototype is cast to the table's (see hv/hypercall.h). */
#define HC_FN(fn_) ((hypercall_fn)(void (*)(void))(fn_))
#define HC(nr, fn_, access_) [__HYPERVISOR_##nr] = { #nr, HC_FN(fn_), access_ }

/*
 * Xen 4.17's x86-64 PV table, row for row (xen/include/hypercall-defs.c with
 * the configuration of the reference build: no XSM, no Argo). Numbers with no
 * row answer -ENOSYS; hc_absent rows say so on purpose (Xen has no handler
 * for that caller either). Rows that Xenolith answers without serving the
 * operation are listed in docs/differences-from-xen.md.
 */
static const struct hypercall_def hypercall_table[NR_HYPERCALLS] = {
    HC(set_trap_table,       do_set_trap_table,     HC_ANY),
    HC(mmu_update,           do_mmu_update,         HC_ANY),
    HC(set_gdt,              do_set_gdt,            HC_ANY),
    HC(stack_switch,         do_stack_switch,       HC_ANY),
    HC(set_callbacks,        do_set_callbacks,      HC_ANY),
    HC(fpu_taskswitch,       do_fpu_taskswitch,     HC_ANY),
    HC(sched_op_compat,      do_sched_op_compat,    HC_ANY),
    HC(platform_op,          do_platform_op,        HC_OWN_CHECK),
    HC(set_debugreg,         do_set_debugreg,       HC_ANY),
    HC(get_debugreg,         do_get_debugreg,       HC_ANY),
    HC(update_descriptor,    do_update_descriptor,  HC_ANY),
    HC(memory_op,            do_memory_op,          HC_ANY),
    HC(multicall,            do_multicall,          HC_ANY),
    HC(update_va_mapping,    do_update_va_mapping,  HC_ANY),
    HC(set_timer_op,         do_set_timer_op,       HC_ANY),
    HC(event_channel_op_compat, do_event_channel_op_compat, HC_ANY),
    HC(xen_version,          do_xen_version,        HC_ANY),
    HC(console_io,           do_console_io,         HC_ANY),
    HC(physdev_op_compat,    do_physdev_op_compat,  HC_ANY),
    HC(grant_table_op,       do_grant_table_op,     HC_ANY),
    HC(vm_assist,            do_vm_assist,          HC_ANY),
    HC(update_va_mapping_otherdomain, do_update_va_mapping_otherdomain, HC_PRIV),
    HC(iret,                 do_iret,               HC_ANY),
    HC(vcpu_op,              do_vcpu_op,            HC_ANY),
    HC(set_segment_base,     do_set_segment_base,   HC_ANY),
    HC(mmuext_op,            do_mmuext_op,          HC_ANY),
    HC(xsm_op,               hc_absent,             HC_ANY),    /* Xen without XSM: -ENOSYS */
    HC(nmi_op,               do_nmi_op,             HC_ANY),
    HC(sched_op,             do_sched_op,           HC_ANY),
    HC(callback_op,          do_callback_op,        HC_ANY),
    HC(xenoprof_op,          do_xenoprof_op,        HC_ANY),
    HC(event_channel_op,     do_event_channel_op,   HC_ANY),
    HC(physdev_op,           do_physdev_op,         HC_ANY),
    HC(hvm_op,               do_hvm_op,             HC_ANY),
    HC(sysctl,               do_sysctl,             HC_OWN_CHECK),
    HC(domctl,               do_domctl,             HC_OWN_CHECK),
    HC(kexec_op,             do_kexec_op,           HC_PRIV),
    HC(argo_op,              hc_absent,             HC_ANY),    /* Xen without Argo: -ENOSYS */
    HC(xenpmu_op,            do_xenpmu_op,          HC_ANY),
    HC(dm_op,                do_dm_op,              HC_ANY),
    HC(hypfs_op,             do_hypfs_op,           HC_PRIV),
    [__HYPERVISOR_arch_0] = { "mca", HC_FN(do_mca), HC_PRIV },
    [__HYPERVISOR_arch_1] = { "paging_domctl_cont", HC_FN(do_paging_domctl_cont), HC_OWN_CHECK },
};

long hc_absent(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return -XEN_ENOSYS;
}

long hypercall_envelope_bytes(XEN_GUEST_HANDLE_PARAM(void) arg, void *buf, size_t size,
                              uint32_t version)
{
    uint32_t got;

    if (copy_from_guest((uint8_t *)buf, arg, size))
        return -XEN_EFAULT;
    memcpy(&got, (const char *)buf + 4, sizeof(got));
    return got == version ? 0 : -XEN_EACCES;
}

long hypercall_call(unsigned long nr, const uint64_t a[5])
{
    const struct hypercall_def *h;

    if (nr >= NR_HYPERCALLS || !hypercall_table[nr].fn)
        return -XEN_ENOSYS;
    h = &hypercall_table[nr];
    if (h->access == HC_PRIV && !domain_is_privileged(current->domain))
        return -XEN_EPERM;
    return h->fn(a[0], a[1], a[2], a[3], a[4]);
}

/* A handler asked to continue: rewind the guest to its SYSCALL with the remaining work. */
static bool continued(struct cpu_regs *regs, struct cpu_info *ci, struct vcpu *v, unsigned long nr,
                      long ret)
{
    if (ret != HV_CONTINUATION || !v->hcall_continue)
        return false;
    v->hcall_continue = false;
    ci->hypercall_continuations++;
    regs->rip -= 2;
    regs->rax = v->hcall_continue_nr < 0 ? nr : (unsigned long)v->hcall_continue_nr;
    regs->rdi = v->hcall_args[0];
    regs->rsi = v->hcall_args[1];
    regs->rdx = v->hcall_args[2];
    regs->r10 = v->hcall_args[3];
    regs->r8 = v->hcall_args[4];
    return true;
}

/* hypercall_dispatch with a trace line (the arguments as called: a handler may rewrite the frame). */
static void __attribute__((noinline)) dispatch_traced(struct cpu_regs *regs, struct cpu_info *ci,
                                                       struct vcpu *v, unsigned long nr)
{
    uint64_t args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };
    long ret = hypercall_call(nr, args);

    if (continued(regs, ci, v, nr, ret))
        return;
    if (nr != __HYPERVISOR_console_io &&
        (hypercall_trace != HYPERCALL_TRACE_ERRORS || (ret < 0 && nr != __HYPERVISOR_iret)))
        log_debug("d%uv%u %s(%#lx, %#lx, %#lx, %#lx) = %ld", v->domain->id, v->id,
                  nr < NR_HYPERCALLS && hypercall_table[nr].name ? hypercall_table[nr].name : "unknown",
                  args[0], args[1], args[2], args[3], ret);
    regs->rax = (uint64_t)ret;
}

/*
 * The guest frame is the one at the top of the stack: its CPU record is
 * right above it. hypercall_call's checks, with the arguments taken
 * straight from the frame.
 */
void hypercall_dispatch(struct cpu_regs *regs)
{
    struct cpu_info *ci = cpu_info_above(regs);
    struct vcpu *v = ci->curr_vcpu;
    unsigned long nr = regs->rax;
    const struct hypercall_def *h;
    long ret;

    if (__builtin_expect(hypercall_trace, 0)) {
        dispatch_traced(regs, ci, v, nr);
        return;
    }
    if (nr >= NR_HYPERCALLS || !(h = &hypercall_table[nr])->fn)
        ret = -XEN_ENOSYS;
    else if (h->access == HC_PRIV && !domain_is_privileged(v->domain))
        ret = -XEN_EPERM;
    else
        ret = h->fn(regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8);
    if (!continued(regs, ci, v, nr, ret))
        regs->rax = (uint64_t)ret;
}
