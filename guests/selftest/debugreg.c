/*
 * DEBUG: set_debugreg (8) / get_debugreg (9) and a hardware breakpoint.
 */
#include <os/traps.h>
#include "test.h"

static volatile uint64_t watched;
static volatile unsigned long db_hits;

static int db_hook(struct os_regs *r)
{
    db_hits++;
    return 1;
}

static void breakpoint(void)
{
    /* DR7: L0 (bit 0), RW0 = 01 write (bits 16-17), LEN0 = 11 8 bytes. */
    uint64_t dr7 = 1 | (1ull << 16) | (3ull << 18);
    os_trap_hook_t old = os_set_trap_hook(1, db_hook);
    long rc;

    rc = HYPERVISOR_set_debugreg(0, (unsigned long)&watched);
    rc = rc ? rc : HYPERVISOR_set_debugreg(7, dr7);
    db_hits = 0;
    watched = 1;
    t_check("DEBUG0006", "a DR0 write breakpoint raises #DB once on a store",
            rc == 0 && db_hits == 1, "(rc=%ld hits=%lu)", rc, db_hits);
    t_check("DEBUG0007", "get_debugreg(6) then shows B0",
            (HYPERVISOR_get_debugreg(6) & 1) == 1, NULL);
    HYPERVISOR_set_debugreg(7, 0);
    HYPERVISOR_set_debugreg(6, 0xffff0ff0);
    db_hits = 0;
    watched = 2;
    t_check("DEBUG0008", "with DR7 cleared the store raises nothing", db_hits == 0,
            "(hits=%lu)", db_hits);
    os_set_trap_hook(1, old);
}

void suite_debugreg(void)
{
    long rc;

    rc = HYPERVISOR_set_debugreg(0, (unsigned long)&watched);
    t_check("DEBUG0001", "set_debugreg(0) takes a guest address and reads back",
            rc == 0 && HYPERVISOR_get_debugreg(0) == (long)&watched, "(rc=%ld)", rc);
    t_rc("DEBUG0002", "set_debugreg(0) with a hypervisor address gives -EPERM",
         HYPERVISOR_set_debugreg(0, HYPERVISOR_VIRT_START), -XEN_EPERM);
    t_rc("DEBUG0003", "set_debugreg(7) with upper bits set gives -EINVAL",
         HYPERVISOR_set_debugreg(7, 1ull << 32), -XEN_EINVAL);
    /* Xen reads it through its DR emulation, which rejects it as #UD. */
    t_rc("DEBUG0004", "get_debugreg(8) gives -ENODEV", HYPERVISOR_get_debugreg(8), -XEN_ENODEV);
    t_rc("DEBUG0005", "get_debugreg(7) is 0x400 at start",
         HYPERVISOR_get_debugreg(7), 0x400);
    breakpoint();
    HYPERVISOR_set_debugreg(0, 0);
}
