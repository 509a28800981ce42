/*
 * TRAPS: set_trap_table (0), callback_op (30), set_callbacks (4),
 * stack_switch (3).
 */
#include <os/traps.h>
#include <xen/callback.h>
#include "test.h"

/* Run `int $0x20`; returns the exinfo of a fault (0 if none). */
static uint64_t soft_int_0x20(void)
{
    uint64_t ex = 0;

    asm volatile ("1: int $0x20\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex) :: "memory");
    return ex;
}

static long set_one(uint8_t vec, uint8_t dpl, const void *fn)
{
    struct trap_info t[2] = {
        { vec, dpl, FLAT_KERNEL_CS, (uint64_t)fn },
        { 0, 0, 0, 0 },
    };

    return HYPERVISOR_set_trap_table(t);
}

static volatile int mask_seen = -1;

static int record_mask(struct os_regs *r)
{
    mask_seen = os_vcpu_info->evtchn_upcall_mask;
    return 1;
}

/* Trap entries with flags bit 2 behave as interrupt gates: events masked. */
static void masking_entry(void)
{
    os_trap_hook_t old = os_set_trap_hook(0x20, record_mask);
    long rc = set_one(0x20, 3 | 4, os_trap_soft_0x20);

    mask_seen = -1;
    soft_int_0x20();
    t_check("TRAPS0017", "an entry with the mask-events flag runs with events masked",
            rc == 0 && mask_seen == 1, "(rc=%ld mask=%d)", rc, mask_seen);
    t_check("TRAPS0018", "iret from it unmasks events again (IF in the frame)",
            os_vcpu_info->evtchn_upcall_mask == 0, NULL);
    set_one(0x20, 3, os_trap_soft_0x20);
    mask_seen = -1;
    soft_int_0x20();
    t_check("TRAPS0019", "an entry without the flag runs with events enabled",
            mask_seen == 0, "(mask=%d)", mask_seen);
    os_set_trap_hook(0x20, old);
}

static void trap_table(void)
{
    unsigned long before;
    uint64_t ex;
    long rc;

    before = os_trap_count[0x20];
    ex = soft_int_0x20();
    t_check("TRAPS0001", "int $0x20 with a DPL 3 entry is bounced to it",
            ex == 0 && os_trap_count[0x20] == before + 1, "(exinfo=%#lx)",
            (unsigned long)ex);

    rc = set_one(0x20, 0, os_trap_soft_0x20);
    before = os_trap_count[0x20];
    ex = soft_int_0x20();
    t_check("TRAPS0002", "after lowering the entry to DPL 0, int $0x20 raises #GP (0x20<<3)|2",
            rc == 0 && OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == ((0x20 << 3) | 2) &&
            os_trap_count[0x20] == before,
            "(rc=%ld exinfo=%#lx)", rc, (unsigned long)ex);
    rc = set_one(0x20, 3, os_trap_soft_0x20);
    t_rc("TRAPS0003", "set_trap_table updating one entry returns 0", rc, 0);

    t_rc("TRAPS0004", "set_trap_table from an unmapped table gives -EFAULT",
         HYPERVISOR_set_trap_table((const void *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("TRAPS0005", "a trap entry with a non-canonical address gives -EINVAL",
         set_one(0x21, 3, (const void *)T_NONCANON_VA), -XEN_EINVAL);
}

static long reg(unsigned int type, const void *fn)
{
    struct callback_register cb = {
        .type = (uint16_t)type, .flags = CALLBACKF_mask_events,
        .address = (xen_callback_t)fn,
    };

    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static void callbacks(void)
{
    struct callback_unregister un = { .type = CALLBACKTYPE_event };

    t_rc("TRAPS0006", "register the event callback", reg(CALLBACKTYPE_event, os_hypervisor_callback), 0);
    t_rc("TRAPS0007", "register the failsafe callback", reg(CALLBACKTYPE_failsafe, os_failsafe_callback), 0);
    t_rc("TRAPS0008", "register the syscall callback", reg(CALLBACKTYPE_syscall, os_syscall_callback), 0);
    t_rc("TRAPS0009", "register the syscall32 callback", reg(CALLBACKTYPE_syscall32, os_syscall_callback), 0);
    t_rc("TRAPS0010", "register the sysenter callback", reg(CALLBACKTYPE_sysenter, os_syscall_callback), 0);
    t_rc("TRAPS0011", "register an unknown callback type gives -ENOSYS", reg(99, os_syscall_callback), -XEN_ENOSYS);
    t_rc("TRAPS0012", "unregister the event callback gives -EINVAL",
         HYPERVISOR_callback_op(CALLBACKOP_unregister, &un), -XEN_EINVAL);
    t_rc("TRAPS0013", "unknown callback_op command gives -ENOSYS",
         HYPERVISOR_callback_op(7, &un), -XEN_ENOSYS);
    t_rc("TRAPS0014", "callback_op with an unmapped argument gives -EFAULT",
         HYPERVISOR_callback_op(CALLBACKOP_register, (const void *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("TRAPS0015", "set_callbacks(event, failsafe, syscall) returns 0",
         HYPERVISOR_set_callbacks((unsigned long)os_hypervisor_callback,
                                  (unsigned long)os_failsafe_callback,
                                  (unsigned long)os_syscall_callback), 0);
}

/* The stack Xen switches to when bouncing from guest user mode. */
static char user_entry_stack[4096] __attribute__((aligned(16)));

void suite_traps(void)
{
    trap_table();
    masking_entry();
    callbacks();
    t_rc("TRAPS0016", "stack_switch to our entry stack returns 0",
         HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
                                 (unsigned long)(user_entry_stack + sizeof(user_entry_stack))), 0);
}
