/*
 * mode=echo: Dom0 reads the hypervisor console's input (VIRQ_CONSOLE, then
 * CONSOLEIO_read) and prints each line back as "echo: <line>" until a line
 * "q", then powers off. Lets a test type at the machine: serial input to the
 * guest, and the hypervisor's Ctrl-A x3 debug keys in between.
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include <xen/event_channel.h>
#include "crash.h"

static volatile int input_ready;

static void console_virq(unsigned int port, struct os_regs *regs, void *data)
{
    input_ready = 1;
}

void crash_echo(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
    char line[128];
    unsigned int len = 0;
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind);

    if (rc) {
        os_printf("echo: bind VIRQ_CONSOLE failed (%ld)\n", rc);
        os_poweroff();
    }
    os_evtchn_bind(bind.port, console_virq, NULL);
    os_evtchn_unmask(bind.port);
    os_printf("echo: ready\n");
    for (;;) {
        char buf[32];
        os_irq_disable();
        if (!input_ready)
            os_block();                         /* enables events and sleeps */
        input_ready = 0;
        os_irq_enable();
        while ((rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf)) > 0) {
            for (long i = 0; i < rc; i++) {
                char c = buf[i];
                if (c != '\r' && c != '\n') {
                    if (len < sizeof(line) - 1)
                        line[len++] = c;
                    continue;
                }
                line[len] = 0;
                if (len == 1 && line[0] == 'q') {
                    os_printf("echo: bye\n");
                    os_poweroff();
                }
                if (len)
                    os_printf("echo: %s\n", line);
                len = 0;
            }
        }
    }
}
