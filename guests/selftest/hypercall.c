/*
 * HCALL: the hypercall table itself.
 */
#include "test.h"

void suite_hypercall(void)
{
    t_rc("HCALL0001", "unused hypercall 11 gives -ENOSYS",
         os_hypercall_dyn(11, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0002", "unassigned hypercall 56 gives -ENOSYS",
         os_hypercall_dyn(56, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0003", "hypercall 127 (last slot) gives -ENOSYS",
         os_hypercall_dyn(127, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0004", "retired tmem_op (38) gives -ENOSYS",
         os_hypercall_dyn(38, 0, 0, 0, 0, 0), -XEN_ENOSYS);
}
