/*
 * CONSOLE: console_io (hypercall 18).
 */
#include <xen/xen.h>
#include "test.h"

void suite_console(void)
{
    static const char msg[] = "selftest: console write\n";

    t_rc("CONSOLE0001", "CONSOLEIO_write of a string returns 0",
         HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), 0);
    t_rc("CONSOLE0002", "CONSOLEIO_write of 0 bytes returns 0",
         HYPERVISOR_console_io(CONSOLEIO_write, 0, msg), 0);
    t_rc("CONSOLE0003", "CONSOLEIO_write from an unmapped buffer gives -EFAULT",
         HYPERVISOR_console_io(CONSOLEIO_write, 16,
                               (const char *)T_UNMAPPED_VA), -XEN_EFAULT);
    t_rc("CONSOLE0004", "CONSOLEIO_write from hypervisor space gives -EFAULT",
         HYPERVISOR_console_io(CONSOLEIO_write, 16,
                               (const char *)(HYPERVISOR_VIRT_START + 0x1000000)),
         -XEN_EFAULT);
    t_rc("CONSOLE0005", "console_io with an unknown command gives -ENOSYS",
         HYPERVISOR_console_io(99, 1, msg), -XEN_ENOSYS);
}
