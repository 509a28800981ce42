/* The hypercall table and the single place that dispatches, refuses and traces. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/hypercall.h>

int hypercall_trace;
uint64_t hypercall_continuations;
bool in_multicall;                          /* nested calls of a multicall never continue */
static bool continuation_set;
static uint64_t continuation_args[5];

bool hypercall_preempt_check(void)
{
    return !in_multicall && this_cpu()->softirq_pending;
}

long hypercall_continue(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    continuation_args[0] = a1;
    continuation_args[1] = a2;
    continuation_args[2] = a3;
    continuation_args[3] = a4;
    continuation_args[4] = a5;
    continuation_set = true;
    return HV_CONTINUATION;
}



#define HC(nr, fn_, priv) [__HYPERVISOR_##nr] = { #nr, fn_, priv }

static const struct hypercall_def hypercall_table[NR_HYPERCALLS] = {
    HC(set_trap_table,       do_set_trap_table,     0),
    HC(mmu_update,           do_mmu_update,         0),
    HC(set_gdt,              do_set_gdt,            0),
    HC(update_descriptor,    do_update_descriptor,  0),
    HC(stack_switch,         do_stack_switch,       0),
    HC(set_callbacks,        do_set_callbacks,      0),
    HC(fpu_taskswitch,       do_fpu_taskswitch,     0),
    HC(set_debugreg,         do_set_debugreg,       0),
    HC(get_debugreg,         do_get_debugreg,       0),
    HC(memory_op,            do_memory_op,          0),
    HC(multicall,            do_multicall,          0),
    HC(update_va_mapping,    do_update_va_mapping,  0),
    HC(set_timer_op,         do_set_timer_op,       0),
    HC(xen_version,          do_xen_version,        0),
    HC(console_io,           do_console_io,         0),
    HC(grant_table_op,       do_grant_table_op,     0),
    HC(vm_assist,            do_vm_assist,          0),
    HC(update_va_mapping_otherdomain, do_update_va_mapping_otherdomain, 1),
    HC(iret,                 do_iret,               0),
    HC(vcpu_op,              do_vcpu_op,            0),
    HC(set_segment_base,     do_set_segment_base,   0),
    HC(mmuext_op,            do_mmuext_op,          0),
    HC(sched_op,             do_sched_op,           0),
    HC(callback_op,          do_callback_op,        0),
    HC(event_channel_op,     do_event_channel_op,   0),
    HC(physdev_op,           do_physdev_op,         0),
    HC(domctl,               do_domctl,             1),
};

long hypercall_call(unsigned long nr, const uint64_t a[5])
{
    const struct hypercall_def *h;

    if (nr >= NR_HYPERCALLS || !hypercall_table[nr].fn)
        return -XEN_ENOSYS;
    h = &hypercall_table[nr];
    if (h->privileged && !current->domain->privileged)
        return -XEN_EPERM;
    return h->fn(a[0], a[1], a[2], a[3], a[4]);
}

void hypercall_dispatch(struct cpu_regs *regs)
{
    unsigned long nr = regs->rax;
    uint64_t args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };
    long ret = hypercall_call(nr, args);

    if (ret == HV_CONTINUATION && continuation_set) {
        /* Re-issue the same hypercall with the remaining work: back to the SYSCALL. */
        continuation_set = false;
        hypercall_continuations++;
        regs->rip -= 2;
        regs->rax = nr;
        regs->rdi = continuation_args[0];
        regs->rsi = continuation_args[1];
        regs->rdx = continuation_args[2];
        regs->r10 = continuation_args[3];
        regs->r8 = continuation_args[4];
        return;
    }

    if (hypercall_trace && nr != __HYPERVISOR_console_io)
        log_debug("d%uv%u %s(%#lx, %#lx, %#lx, %#lx) = %ld", current->domain->id, current->id,
                  nr < NR_HYPERCALLS && hypercall_table[nr].name ? hypercall_table[nr].name : "unknown",
                  args[0], args[1], args[2], args[3], ret);
    regs->rax = (uint64_t)ret;
}
