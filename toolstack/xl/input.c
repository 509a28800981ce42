/*
 * Console input for the shell: bytes typed on the serial line reach Dom0
 * through CONSOLEIO_read, announced by VIRQ_CONSOLE (on Xen 4.17 and on
 * Xenolith alike). A line ends with CR or LF; backspace erases; what is
 * typed is echoed, since the serial line does not echo.
 */
#include <os/events.h>
#include <os/hypercall.h>
#include <xen/event_channel.h>
#include <xl/string.h>
#include "xl.h"

static char line[256];
static unsigned int len;
static int last_was_cr;
static int prompt_shown;        /* inside xl_readline, the prompt on screen */
static int prompt_broken;       /* other output moved it away */

static void on_console_virq(unsigned int port, struct os_regs *regs, void *data)
{
    xl_event(XL_EV_INPUT);
}

void xl_input_init(void)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_CONSOLE, .vcpu = 0 };

    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind)) {
        os_printf("xl: no console input (VIRQ_CONSOLE cannot be bound)\n");
        return;
    }
    os_evtchn_bind(bind.port, on_console_virq, NULL);
    os_evtchn_unmask(bind.port);
}

void xl_output_begin(void)
{
    if (prompt_shown && !prompt_broken) {
        os_console_write("\n", 1);
        prompt_broken = 1;
    }
}

void xl_output_end(void)
{
    if (prompt_shown && prompt_broken) {
        os_console_write(XL_PROMPT, sizeof(XL_PROMPT) - 1);
        os_console_write(line, len);
        prompt_broken = 0;
    }
}

/* One typed byte; 1 when it ended the line. */
static int take(char c)
{
    int cr = last_was_cr;

    last_was_cr = c == '\r';
    if (c == '\n' && cr)
        return 0;                       /* CR LF: one end of line */
    if (c == '\r' || c == '\n') {
        os_console_write("\n", 1);
        return 1;
    }
    if (c == 0x7f || c == '\b') {
        if (len) {
            len--;
            os_console_write("\b \b", 3);
        }
        return 0;
    }
    if ((unsigned char)c < ' ' || len + 1 >= sizeof(line))
        return 0;
    line[len++] = c;
    os_console_write(&c, 1);
    return 0;
}

void xl_readline(char *buf, unsigned int size)
{
    static char chunk[64];
    static long have, at;

    len = 0;
    os_console_write(XL_PROMPT, sizeof(XL_PROMPT) - 1);
    prompt_shown = 1;
    for (;;) {
        while (at < have)
            if (take(chunk[at++])) {
                unsigned int n = len < size - 1 ? len : size - 1;

                memcpy(buf, line, n);
                buf[n] = 0;
                len = 0;
                prompt_shown = 0;
                return;
            }
        have = at = 0;
        xl_poll();
        have = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(chunk), chunk);
        if (have > 0)
            continue;
        have = 0;
        xl_wait();
    }
}
