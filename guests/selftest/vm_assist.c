/*
 * VMASST: vm_assist (21).
 */
#include <xen/xen.h>
#include "test.h"

void suite_vm_assist(void)
{
    t_rc("VMASST0001", "enable writable_pagetables",
         HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    t_rc("VMASST0002", "disable writable_pagetables",
         HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
    t_rc("VMASST0003", "enable runstate_update_flag",
         HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
    t_rc("VMASST0004", "enable m2p_strict",
         HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_m2p_strict), 0);
    t_rc("VMASST0005", "disable m2p_strict",
         HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_m2p_strict), 0);
    t_rc("VMASST0006", "enable 4gb_segments (accepted on 64-bit)",
         HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments), 0);
    t_rc("VMASST0007", "unknown type 6 gives -EINVAL",
         HYPERVISOR_vm_assist(VMASST_CMD_enable, 6), -XEN_EINVAL);
    t_rc("VMASST0008", "unknown type 64 gives -EINVAL",
         HYPERVISOR_vm_assist(VMASST_CMD_enable, 64), -XEN_EINVAL);
    t_rc("VMASST0009", "unknown command gives -ENOSYS",
         HYPERVISOR_vm_assist(7, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
}
