/*
 * A PV kernel's view of its "IDT" and entry points: set_trap_table, the
 * callbacks (event, failsafe, syscall, ...), stack_switch, segment bases and
 * the virtual CR0.TS.
 */
#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/errno.h>
#include <asm/guest_range.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/pv.h>

/* A guest entry point must be canonical and outside the hypervisor's slots. */
static bool guest_entry_ok(uint64_t va)
{
    return guest_addr_ok(va);                   /* implies canonical */
}

long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(trap_info_t) list)
{
    struct vcpu *v = current;
    struct trap_info ti;

    if (guest_handle_is_null(list)) {
        memset(v->arch.traps, 0, sizeof(v->arch.traps));  /* NULL: clear the whole table */
        return 0;
    }
    for (unsigned int i = 0; i < 256; i++, guest_handle_add_offset(list, 1)) {
        if (copy_from_guest(&ti, list, 1))
            return -XEN_EFAULT;
        if (ti.address == 0)
            return 0;                           /* terminator */
        if (!guest_entry_ok(ti.address))
            return -XEN_EINVAL;
        ti.cs |= 3;
        v->arch.traps[ti.vector] = ti;
    }
    return 0;
}

long pv_register_callback(struct vcpu *v, const struct callback_register *r)
{
    struct callback cb = { r->address, (r->flags & CALLBACKF_mask_events) != 0 };

    if (r->address && !guest_entry_ok(r->address))
        return -XEN_EINVAL;
    switch (r->type) {
    case CALLBACKTYPE_event:
        v->arch.event_cb = cb;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->arch.failsafe_cb = cb;
        return 0;
    case CALLBACKTYPE_syscall:
        v->arch.syscall_cb = cb;
        return 0;
    case CALLBACKTYPE_syscall32:
        v->arch.syscall32_cb = cb;
        return 0;
    case CALLBACKTYPE_sysenter:
        v->arch.sysenter_cb = cb;
        return 0;
    case CALLBACKTYPE_nmi:
        pv_set_nmi_callback(v, r->address);     /* vector 2 of the trap table, as Xen */
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_callback_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(const_void) arg)
{
    switch (cmd) {
    case CALLBACKOP_register: {
        struct callback_register r;
        if (copy_from_guest(&r, arg, 1))
            return -XEN_EFAULT;
        return pv_register_callback(current, &r);
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister u;
        if (copy_from_guest(&u, arg, 1))
            return -XEN_EFAULT;
        if (u.type != CALLBACKTYPE_nmi)
            return -XEN_EINVAL;
        pv_set_nmi_callback(current, 0);
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall, uint64_t a4, uint64_t a5)
{
    struct callback_register r[3] = {
        { .type = CALLBACKTYPE_event, .address = event },
        { .type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events, .address = failsafe },
        { .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events, .address = syscall },
    };
    for (int i = 0; i < 3; i++)
        if (r[i].address && !guest_entry_ok(r[i].address))
            return -XEN_EINVAL;
    for (int i = 0; i < 3; i++)
        pv_register_callback(current, &r[i]);
    return 0;
}

long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t a3, uint64_t a4, uint64_t a5)
{
    current->arch.kernel_ss = ss | 3;
    current->arch.kernel_sp = sp;
    return 0;
}

/* Load a user %gs selector for the guest; a bad selector loads the null one. */
static uint64_t load_user_gs_selector(uint16_t sel)
{
    uint64_t base, reg = sel;
    __asm__ volatile(
        "1: movl %k0, %%gs\n"
        "2:\n"
        ".section .fixup_gs, \"ax\"\n"
        "3: xorl %k0, %k0\n"
        "   movl %k0, %%gs\n"
        "   jmp 2b\n"
        ".previous\n"
        EX_TABLE("1b", "3b")
        : "+r"(reg) :: "memory");
    base = rdmsr(MSR_GS_BASE);
    return base;
}

long do_set_segment_base(uint64_t which, uint64_t base, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current;

    switch (which) {
    case SEGBASE_FS:
        if (!is_canonical(base))
            return -XEN_EINVAL;
        wrmsr(MSR_FS_BASE, base);
        v->arch.fs_base = base;
        return 0;
    case SEGBASE_GS_USER:
        if (!is_canonical(base))
            return -XEN_EINVAL;
        v->arch.gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        if (!is_canonical(base))
            return -XEN_EINVAL;
        v->arch.gs_base_kernel = base;
        wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL:
        v->arch.gs_base_kernel = rdmsr(MSR_GS_BASE);
        v->arch.gs_base_user = load_user_gs_selector((uint16_t)(base | 3));
        wrmsr(MSR_GS_BASE, v->arch.gs_base_kernel);
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

long do_fpu_taskswitch(uint64_t set, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    current->arch.guest_ts = set != 0;
    if (set)
        write_cr0(read_cr0() | 8);              /* CR0.TS: the next FPU use traps (#NM) */
    else
        __asm__ volatile("clts");
    return 0;
}
