/* Exceptions and interrupts: dispatch, dumps, and reflection to PV guests. */
#ifndef HV_TRAPS_H
#define HV_TRAPS_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/regs.h>
#include <asm/x86_vectors.h>

struct vcpu;

/* Print a full register dump with a title (error code, CR2, stack trace). */
void dump_regs(const char *title, const struct cpu_regs *regs);

/*
 * Queue an exception for the guest: the bounce frame is built on the guest
 * kernel stack now and the frame is redirected to the guest's handler.
 * Crashes the domain when the guest has no handler or its stack is bad.
 */
void pv_inject_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vector,
                    bool has_error, uint32_t error);
/*
 * A page fault found by emulation (instruction fetch, string I/O): CR2 and
 * vcpu_info arch.cr2 become va; the user bit of error follows the guest's mode.
 */
void pv_inject_page_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t va, uint32_t error);
/* Redirect the frame to `cb` with a Xen bounce frame (used for events, syscalls). */
/*
 * HYPERVISOR_iret's work for vCPU v, whose guest frame regs is on this CPU's
 * stack: returns the guest's rax from the iret frame (0 if the domain crashed).
 */
long pv_iret(struct vcpu *v, struct cpu_regs *regs);
bool pv_bounce(struct vcpu *v, struct cpu_regs *regs, uint64_t target, bool mask_events,
               bool has_error, uint32_t error);

/*
 * Enter the failsafe callback: reloading the vCPU's data segment selectors
 * (v->sel_*, all four in the frame as they were) failed. Xen's frame:
 * RCX, R11, DS, ES, FS, GS, RIP, CS, RFLAGS, RSP, SS. False if the domain
 * was crashed (its kernel stack is not writable).
 */
bool pv_failsafe(struct vcpu *v, struct cpu_regs *regs);

/* Privileged-instruction and forced-emulation handling for ring-3 #GP/#UD. */
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *regs);

/* Entry points called from entry.S with the saved frame. */
void handle_trap(struct cpu_regs *regs);
void handle_syscall(struct cpu_regs *regs);

/* Interrupt handlers. */
void timer_interrupt(void);
void serial_interrupt(void);
void smp_ipi_interrupt(unsigned int vector);     /* VEC_INVALIDATE, VEC_EVENT_CHECK (smp.c) */

#endif
