/*
 * Domain shutdown (SCHEDOP_shutdown) and structured assertions.
 */
#include <os/assert.h>
#include <os/console.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include <xen/sched.h>

static void __attribute__((noreturn)) shutdown(unsigned int reason)
{
    struct sched_shutdown arg = { .reason = reason };

    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg);
}

/* Power the domain off; an initial domain takes the machine down with it. */
void os_poweroff(void)
{
    shutdown(SHUTDOWN_poweroff);
}

/* Crash the domain on purpose (the hypervisor logs it). */
void os_crash(void)
{
    shutdown(SHUTDOWN_crash);
}

/* Print the machine-readable ASSERT line, then crash. */
void os_assert_fail(const char *file, int line, const char *cond,
                    int has_values, uint64_t a, uint64_t b)
{
    if (has_values)
        os_printf("ASSERT %s:%d: %s (a=%#lx b=%#lx)\n", file, line, cond,
                  (unsigned long)a, (unsigned long)b);
    else
        os_printf("ASSERT %s:%d: %s\n", file, line, cond);
    os_crash();
}
