/*
 * idle: the toolstack's small DomU. It says hello on its console (the
 * ring Dom0's back end reads, see os/core/console.c), with its command
 * line and memory, then waits for events forever (blocked: "b" in xl list).
 * Words on its command line change the ending:
 *   exit    power off after the greeting (xl.cfg's on_poweroff then applies)
 *   crash   crash after the greeting (on_crash)
 *   reboot  ask for a reboot (on_reboot)
 */
#include <os/console.h>
#include <os/events.h>
#include <os/os.h>
#include <os/sched.h>
#include <os/hypercall.h>
#include <xen/sched.h>

static int has_word(const char *s, const char *w)
{
    for (; *s; s++) {
        unsigned int i = 0;

        if (s != (const char *)os_start_info->cmd_line && s[-1] != ' ')
            continue;
        while (w[i] && s[i] == w[i])
            i++;
        if (!w[i] && (s[i] == ' ' || !s[i]))
            return 1;
    }
    return 0;
}

void os_main(void)
{
    const char *cmdline = (const char *)os_start_info->cmd_line;
    struct sched_shutdown reboot = { .reason = SHUTDOWN_reboot };

    os_printf("idle: up, %lu pages, cmdline \"%s\"\n",
              (unsigned long)os_start_info->nr_pages, cmdline);
    if (has_word(cmdline, "exit")) {
        os_printf("idle: powering off\n");
        os_poweroff();
    }
    if (has_word(cmdline, "crash")) {
        os_printf("idle: crashing\n");
        os_crash();
    }
    if (has_word(cmdline, "reboot")) {
        os_printf("idle: rebooting\n");
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &reboot);
    }
    os_printf("idle: waiting\n");
    for (;;) {
        os_irq_disable();
        os_block();
    }
}
