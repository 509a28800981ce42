/*
 * mode=bad-stack: with the os/ trap table in place (so #UD has a handler),
 * point %rsp at unmapped memory and execute ud2.  The hypervisor must
 * write the bounce frame on that stack, cannot, and must crash the domain
 * rather than fault itself.  The ud2's address is printed so that a test
 * can find it as rip in the hypervisor's register dump.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include <os/traps.h>
#include "crash.h"

extern char crash_bad_stack_ud2[];

void crash_bad_stack(void)
{
    /* Re-install the trap table (os_start did too): the handler must exist. */
    long rc = os_traps_init();

    if (rc) {
        os_printf("crash: trap table setup failed: %ld\n", rc);
        os_poweroff();
    }
    os_printf("crash: ud2 at rip=%#lx with rsp=%#lx\n",
              (unsigned long)crash_bad_stack_ud2, CRASH_UNMAPPED_VA);
    asm volatile ("mov %0, %%rsp\n\t"
                  ".globl crash_bad_stack_ud2\n"
                  "crash_bad_stack_ud2:\n\t"
                  "ud2" :: "r" (CRASH_UNMAPPED_VA) : "memory");
    __builtin_unreachable();
}
