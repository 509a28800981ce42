/*
 * mode=bad-iret: HYPERVISOR_iret with CS and SS selectors 0x4/0x4 (LDT
 * index 0, and the guest has no LDT).  The hypervisor forces RPL 3 and
 * its own IRETQ to the guest then faults on the selectors: that fault is
 * the guest's doing and must end in a domain crash, not a panic.
 *
 * Xen 4.17 does not crash the domain itself here: it reflects the fault
 * to the guest as #GP (error code = the selector) at the frame's rip, and
 * the os/ library's fatal handler then prints "FATAL: unhandled vector
 * 0xd" and crashes the domain.  Either way the run ends as a Dom0 crash.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include "crash.h"

#define BAD_SELECTOR 0x4ul

/* Where the frame returns to, should the return ever succeed. */
extern char crash_bad_iret_target[];

void crash_bad_iret(void)
{
    os_printf("crash: iret to rip=%#lx with cs=%#lx ss=%#lx\n",
              (unsigned long)crash_bad_iret_target, BAD_SELECTOR, BAD_SELECTOR);
    /*
     * The frame as HYPERVISOR_iret reads it, lowest address first:
     * rax, r11, rcx (pushed by the hypercall page's iret slot), then what
     * we push: flags, rip, cs, rflags, rsp, ss.  rsp is the stack as it is
     * before the pushes, so landing at the target resumes this function.
     */
    asm volatile ("mov %%rsp, %%rax\n\t"
                  "push %[sel]\n\t"        /* ss */
                  "push %%rax\n\t"         /* rsp */
                  "pushq $0x202\n\t"       /* rflags: IF */
                  "push %[sel]\n\t"        /* cs */
                  "lea crash_bad_iret_target(%%rip), %%rax\n\t"
                  "push %%rax\n\t"         /* rip */
                  "pushq $0\n\t"           /* flags: not in a syscall */
                  "jmp hypercall_page + %c[slot]\n"
                  ".globl crash_bad_iret_target\n"
                  "crash_bad_iret_target:"
                  :: [sel] "r" (BAD_SELECTOR),
                     [slot] "i" (__HYPERVISOR_iret * 32)
                  : "rax", "memory");
    os_printf("crash: iret with bad selectors returned to the guest\n");
    os_poweroff();
}
