/*
 * mode=hypercall-one nr=N a1=.. a2=.. a3=.. a4=.. a5=..: make exactly one
 * hypercall with the given raw arguments, print its result and power off.
 * This replays a single call that hypercall-garbage's trace=1 output
 * points at, to tell which call upsets the hypervisor.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include "crash.h"

void crash_hypercall_one(void)
{
    static const char *const names[5] = { "a1", "a2", "a3", "a4", "a5" };
    char buf[32];
    uint64_t a[5] = { 0 };
    unsigned int nr = 0;
    long rc;

    if (crash_cmdline_get("nr", buf, sizeof(buf)))
        nr = (unsigned int)crash_parse_u64(buf, 0);
    for (int k = 0; k < 5; k++)
        if (crash_cmdline_get(names[k], buf, sizeof(buf)))
            a[k] = crash_parse_u64(buf, 0);
    os_printf("crash: hypercall %u(%#lx, %#lx, %#lx, %#lx, %#lx)\n", nr,
              (unsigned long)a[0], (unsigned long)a[1], (unsigned long)a[2],
              (unsigned long)a[3], (unsigned long)a[4]);
    rc = os_hypercall_dyn(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3],
                          (long)a[4]);
    os_printf("crash: hypercall %u returned %ld\n", nr, rc);
    os_poweroff();
}
