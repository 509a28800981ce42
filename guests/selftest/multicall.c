/*
 * MULTI: multicall (13).
 */
#include <xen/version.h>
#include <xen/xen.h>
#include "test.h"

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
}
