/*
 * mode=wild-jump: clear the whole trap table, then jump into unmapped
 * memory.  The instruction fetch page-faults and the guest has no #PF
 * handler, so the hypervisor has nowhere to deliver it: it must crash the
 * domain (with a register dump showing rip at the target) and carry on.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include "crash.h"

void crash_wild_jump(void)
{
    long rc = HYPERVISOR_set_trap_table(NULL);

    if (rc) {
        os_printf("crash: set_trap_table(NULL) failed: %ld\n", rc);
        os_poweroff();
    }
    os_printf("crash: jumping to %#lx with no trap handlers\n", CRASH_UNMAPPED_VA);
    asm volatile ("jmp *%0" :: "r" (CRASH_UNMAPPED_VA) : "memory");
    __builtin_unreachable();
}
