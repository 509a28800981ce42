/*
 * Trap table, callback registration and the C side of every bounce.
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <os/sched.h>
#include <os/traps.h>
#include <os/user.h>
#include <xen/callback.h>

volatile unsigned long os_trap_count[OS_NR_VECTORS];
static os_trap_hook_t hooks[OS_NR_VECTORS];

extern char os_trap_de[], os_trap_db[], os_trap_nmi[], os_trap_of[];
extern char os_trap_br[], os_trap_df[], os_trap_ts[], os_trap_np[];
extern char os_trap_ss[], os_trap_mf[], os_trap_ac[], os_trap_mc[];
extern char os_trap_xm[], os_trap_ve[], os_trap_cp[];

/*
 * The virtual IDT.  int3/into are usable from any ring (DPL 3), as on
 * native; vectors 0x20 and 0x80 are software interrupts for the tests.
 */
#define TRAP(vec, dpl, fn) { (vec), (dpl), FLAT_KERNEL_CS, (uint64_t)(fn) }
static const struct trap_info trap_table[] = {
    TRAP(0,  0, os_trap_de),  TRAP(1,  0, os_trap_db),
    TRAP(2,  0, os_trap_nmi), TRAP(3,  3, os_trap_bp),
    TRAP(4,  3, os_trap_of),  TRAP(5,  0, os_trap_br),
    TRAP(6,  0, os_trap_ud),  TRAP(7,  0, os_trap_nm),
    TRAP(8,  0, os_trap_df),  TRAP(10, 0, os_trap_ts),
    TRAP(11, 0, os_trap_np),  TRAP(12, 0, os_trap_ss),
    TRAP(13, 0, os_trap_gp),  TRAP(14, 0, os_trap_pf),
    TRAP(16, 0, os_trap_mf),  TRAP(17, 0, os_trap_ac),
    TRAP(18, 0, os_trap_mc),  TRAP(19, 0, os_trap_xm),
    TRAP(20, 0, os_trap_ve),  TRAP(21, 0, os_trap_cp),
    TRAP(0x20, 3, os_trap_soft_0x20),
    TRAP(0x80, 3, os_trap_soft_0x80),
    { 0, 0, 0, 0 },
};

static long register_callback(unsigned int type, const void *fn, int mask)
{
    struct callback_register cb = {
        .type = (uint16_t)type,
        .flags = mask ? CALLBACKF_mask_events : 0,
        .address = (xen_callback_t)fn,
    };

    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

/*
 * Install our trap table and the event, failsafe and syscall callbacks.
 * Returns 0 or the first Xen error.
 */
long os_traps_init(void)
{
    long rc = HYPERVISOR_set_trap_table(trap_table);

    if (rc)
        return rc;
    rc = register_callback(CALLBACKTYPE_event, os_hypervisor_callback, 1);
    if (rc)
        return rc;
    rc = register_callback(CALLBACKTYPE_failsafe, os_failsafe_callback, 1);
    if (rc)
        return rc;
    return register_callback(CALLBACKTYPE_syscall, os_syscall_callback, 1);
}

/* Our virtual IDT as a vcpu_guest_context's trap_ctxt (indexed by vector), for another vCPU. */
void os_traps_fill(struct trap_info *ctxt)
{
    for (const struct trap_info *t = trap_table; t->address; t++)
        ctxt[t->vector] = *t;
}

/* Set the hook of vector and return the previous one. */
os_trap_hook_t os_set_trap_hook(unsigned int vector, os_trap_hook_t hook)
{
    os_trap_hook_t old;

    if (vector >= OS_NR_VECTORS)
        return NULL;
    old = hooks[vector];
    hooks[vector] = hook;
    return old;
}

static void __attribute__((noreturn)) fatal(const struct os_regs *r)
{
    os_printf("FATAL: unhandled vector %#lx err=%#lx rip=%#lx cs=%#lx "
              "rflags=%#lx rsp=%#lx cr2=%#lx\n",
              (unsigned long)r->vector, (unsigned long)r->error_code,
              (unsigned long)r->rip, (unsigned long)r->cs,
              (unsigned long)r->rflags, (unsigned long)r->rsp,
              (unsigned long)os_vcpu_info->arch.cr2);
    os_crash();
}

/*
 * Route one bounce: a test hook first, then events, then the user-mode
 * exit syscall; software interrupts are just counted; exceptions go to
 * the exception table, else we report and crash.
 */
void os_trap_dispatch(struct os_regs *r)
{
    uint64_t vec = r->vector, fixup;

    if (vec < OS_NR_VECTORS) {
        os_trap_count[vec]++;
        if (hooks[vec] && hooks[vec](r))
            return;
    }
    if (vec == OS_VEC_EVENT) {
        os_evtchn_upcall(r);
        return;
    }
    if (vec == OS_VEC_SYSCALL && os_user_syscall_exit(r))
        return;
    /* Software interrupts (int $n, n >= 32) are only counted. */
    if (vec >= 32 && vec < 256)
        return;
    if (vec < 256 && (fixup = os_extable_find(r->rip)) != 0) {
        r->rip = fixup;
        r->rax = OS_EXINFO(vec, r->error_code);
        return;
    }
    fatal(r);
}
