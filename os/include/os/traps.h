/*
 * Exceptions, callbacks and the exception table of the os/ library.
 *
 * struct os_regs is what os/arch/x86/entry.S saves: the GPRs, then the
 * vector and error code it pushed, then the native frame Xen bounced
 * (rip, cs with the saved upcall mask in bits 32-39, rflags, rsp, ss).
 * Handlers may edit it; the entry code returns to it by HYPERVISOR_iret.
 */
#ifndef OS_TRAPS_H
#define OS_TRAPS_H

#include <stdint.h>

struct os_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Pseudo-vectors for the callbacks (above the 256 real ones). */
#define OS_VEC_EVENT    0x100
#define OS_VEC_FAILSAFE 0x101
#define OS_VEC_SYSCALL  0x102
#define OS_NR_VECTORS   0x103

/*
 * A hook sees every entry for its vector first; returning nonzero means
 * "handled, return to the (possibly edited) frame".  Returning zero falls
 * back to the exception table and then to the fatal default.
 */
typedef int (*os_trap_hook_t)(struct os_regs *regs);

/* Install (or with NULL remove) the hook of vector; returns the old one. */
os_trap_hook_t os_set_trap_hook(unsigned int vector, os_trap_hook_t hook);

/* Install the trap table and register the callbacks; 0 or a Xen errno. */
long os_traps_init(void);
/* Our virtual IDT as a vcpu_guest_context's trap_ctxt (indexed by vector), for another vCPU. */
struct trap_info;
void os_traps_fill(struct trap_info *ctxt);

/* C dispatcher called by entry.S for every bounce. */
void os_trap_dispatch(struct os_regs *regs);

/* Entry stubs (entry.S), for tests that build their own trap_info. */
extern char os_trap_bp[], os_trap_ud[], os_trap_gp[], os_trap_pf[];
extern char os_trap_nm[], os_trap_soft_0x20[], os_trap_soft_0x80[];
extern char os_hypervisor_callback[], os_failsafe_callback[];
extern char os_syscall_callback[];
/* Return to the native frame at the stack pointer through HYPERVISOR_iret. */
extern char os_iret_to_frame[];

/* The selectors (ds, es, fs, gs) of the last failsafe callback's frame. */
extern volatile uint64_t os_failsafe_sel[4];

/* Count of bounces per vector since boot (tests compare before/after). */
extern volatile unsigned long os_trap_count[OS_NR_VECTORS];

/*
 * Exception table: a faulting instruction at `fault` resumes at `fixup`
 * with rax = OS_EXINFO(vector, error code).  Code that probes must start
 * with rax = 0, so rax == 0 afterwards means "no exception".
 */
#define OS_EXINFO(vec, err) ((1ul << 63) | ((uint64_t)(vec) << 32) | (uint32_t)(err))
#define OS_EXINFO_VEC(x)    ((unsigned int)(((x) >> 32) & 0xff))
#define OS_EXINFO_ERR(x)    ((uint32_t)(x))

#define OS_EXTABLE(fault, fixup)                                         \
    ".pushsection .os_extable, \"a\"\n"                                  \
    ".balign 8\n .quad " #fault ", " #fixup "\n"                         \
    ".popsection\n"

/* Fixup lookup used by the dispatcher: new rip, or 0 when none. */
uint64_t os_extable_find(uint64_t rip);

#endif /* OS_TRAPS_H */
