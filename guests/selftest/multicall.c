/*
 * MULTI: multicall (13).
 */
#include <xen/version.h>
#include <xen/vcpu.h>
#include <xen/xen.h>
#include <os/events.h>
#include <os/time.h>
#include "test.h"

#define LONG_BATCH 4096

/*
 * A batch during which the timer fires: its first entry sets the one-shot
 * timer to a time long past (set_timer_op(1)), so the timer interrupt comes
 * while the other 4095 entries run. The hypervisor may stop between entries
 * and carry on later (Xen and Xenolith both do), but every entry must still
 * run exactly once.
 */
static void long_batch(void)
{
    static struct multicall_entry mc[LONG_BATCH];
    unsigned int wrong = 0;
    long rc;

    mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_set_timer_op, .args = { 1 }, .result = 1 };
    for (unsigned int i = 1; i < LONG_BATCH; i++)
        mc[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                          .args = { XENVER_pagesize }, .result = 1 };
    rc = HYPERVISOR_multicall(mc, LONG_BATCH);
    for (unsigned int i = 1; i < LONG_BATCH; i++)
        wrong += mc[i].result != 4096;
    t_check("MULTI0008", "a 4096-entry batch with the timer firing in it runs every entry once",
            rc == 0 && mc[0].result == 0 && wrong == 0, "(rc=%ld wrong=%u)", rc, wrong);
}

void suite_multicall(void)
{
    static struct multicall_entry mc[4];
    static const char msg[] = "selftest: written from a multicall\n";
    long rc;

    mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                      .args = { XENVER_pagesize } };
    mc[1] = (struct multicall_entry){ .op = __HYPERVISOR_console_io,
                                      .args = { CONSOLEIO_write, sizeof(msg) - 1,
                                                (xen_ulong_t)msg } };
    mc[2] = (struct multicall_entry){ .op = 11 };      /* unused number */
    mc[3] = (struct multicall_entry){ .op = __HYPERVISOR_vm_assist,
                                      .args = { VMASST_CMD_enable, 6 } };
    rc = HYPERVISOR_multicall(mc, 4);
    t_rc("MULTI0001", "a batch of 4 entries returns 0", rc, 0);
    t_rc("MULTI0002", "entry 0 (xen_version pagesize) gives 4096",
         (long)mc[0].result, 4096);
    t_rc("MULTI0003", "entry 1 (console write) gives 0", (long)mc[1].result, 0);
    t_rc("MULTI0004", "entry 2 (unused hypercall 11) gives -ENOSYS",
         (long)mc[2].result, -XEN_ENOSYS);
    t_rc("MULTI0005", "entry 3 (vm_assist bad type) gives -EINVAL",
         (long)mc[3].result, -XEN_EINVAL);
    t_rc("MULTI0006", "multicall from an unmapped list gives -EFAULT",
         HYPERVISOR_multicall((void *)T_UNMAPPED_VA, 2), -XEN_EFAULT);
    t_rc("MULTI0007", "an empty multicall returns 0",
         HYPERVISOR_multicall(mc, 0), 0);
    long_batch();
}
