/*
 * mode=reboot: SCHEDOP_shutdown with reason reboot; Dom0's reboot takes
 * the machine with it (the launcher reports exit 12).
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include <xen/sched.h>
#include "crash.h"

void crash_reboot(void)
{
    struct sched_shutdown arg = { .reason = SHUTDOWN_reboot };
    long rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg);

    os_printf("crash: SCHEDOP_shutdown(reboot) returned %ld\n", rc);
    os_poweroff();
}
