/*
 * Scripted mode (for tests): xl.script in the initrd holds commands, one a
 * line ('#' starts a comment). Each is printed after the prompt, as if
 * typed, and run once the guests have settled: every DomU blocked, paused
 * or shut down (Dom0 gives them the CPU until then: it yields, and after a
 * few turns sleeps 1 ms a turn, so a guest on another CPU gets scheduled
 * there; at most SETTLE_TURNS turns) and their console output printed. So the same script gives the
 * same lines on every run and on both hypervisors. The shell follows, unless
 * the script ends with exit.
 */
#include <os/hypercall.h>
#include <os/time.h>
#include <xen/sched.h>
#include <xl/string.h>
#include "xl.h"

#define SETTLE_TURNS 2000
#define YIELD_TURNS  100            /* then sleep a little each turn */

/* Whether every domain but us waits for something (or is stopped). */
static int all_idle(void)
{
    struct xen_domctl_getdomaininfo info;
    uint32_t id = 1;

    while (xc_domain_getinfo(id, &info) == 0) {
        if (!(info.flags & (XEN_DOMINF_blocked | XEN_DOMINF_paused | XEN_DOMINF_shutdown |
                            XEN_DOMINF_dying)))
            return 0;
        id = (uint32_t)info.domain + 1;
    }
    return 1;
}

static void settle(void)
{
    for (unsigned int turn = 0; turn < SETTLE_TURNS; turn++) {
        xl_poll();
        if (all_idle())
            break;
        if (turn < YIELD_TURNS)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        else
            os_sleep_until(os_now_ns() + 1000000);
    }
    xl_poll();
}

int xl_run_script(void)
{
    static char line[256];
    struct cpio_file f;
    const char *p, *end;

    if (!xl_initrd_find("xl.script", &f))
        return 0;
    os_printf("xl: running xl.script from the initrd\n");
    for (p = f.data, end = p + f.size; p < end;) {
        size_t n = 0;

        while (p < end && *p != '\n') {
            if (n + 1 < sizeof(line))
                line[n++] = *p;
            p++;
        }
        p++;
        line[n] = 0;
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (!n || line[0] == '#')
            continue;
        settle();
        os_printf("%s%s\n", XL_PROMPT, line);
        xl_run_command(line);
    }
    settle();
    os_printf("xl: end of xl.script\n");
    return 1;
}
