/*
 * selftest: run every suite, then print the XTF-style verdict.
 */
#include <xl/string.h>
#include "test.h"
#include "pt_suite.h"

static const struct suite {
    const char *name;
    void (*run)(void);
} suites[] = {
    { "console", suite_console },
    { "version", suite_version },
    { "hypercall", suite_hypercall },
    { "traps", suite_traps },
    { "exceptions", suite_exceptions },
    { "cpuid", suite_cpuid },
    { "segments", suite_segments },
    { "multicall", suite_multicall },
    { "vm_assist", suite_vm_assist },
    { "memory", suite_memory },
    { "mmu", suite_mmu },
    { "descriptors", suite_descriptors },
    { "debugreg", suite_debugreg },
    { "ioports", suite_ioports },
    { "time", suite_time },
    { "evtchn", suite_evtchn },
    { "gnttab", suite_gnttab },
    { "memory_exchange", suite_memory_exchange },
    { "timers", suite_timers },
    { "usermode", suite_usermode },
    { "trapgates", suite_trapgates },       /* after usermode: uses its user root */
    { "privop", suite_privop },
    { "iomem", suite_iomem },
    { "platform", suite_platform },
    { "physdev", suite_physdev },
    { "pirq", suite_pirq },
    { "vcpu", suite_vcpu },                 /* moves vcpu_info */
    { "smp", suite_smp },                   /* a second vCPU only; before FIFO (2-level there) */
    { "vcpu_ops", suite_vcpu_ops },         /* NMIs, the time area, get_physid; vCPU 1 only if it never ran */
    { "smp_many", suite_smp_many },         /* more than 32 vCPUs only; 2-level too */
    { "vcpu_ids", suite_vcpu_ids },         /* more than 256 vCPUs only */
    { "pt", suite_pt },
    { "evtchn_fifo", suite_evtchn_fifo },   /* switches to FIFO events for good: after every 2-level user */
    { "smp_fifo", suite_smp_fifo },         /* several vCPUs: a FIFO control block for each */
    { "domctl", suite_domctl },             /* leaves three paused domains behind */
    { "domctl_iocaps", suite_domctl_iocaps },   /* on domain 1, and some taken from Dom0 for good */
    { "sysctl", suite_sysctl },             /* lists those domains */
    { "sysctl_sched", suite_sysctl_sched },   /* puts the defaults back */
    { "shadow_op", suite_shadow_op },       /* on domctl's domains */
    { "sched", suite_sched },               /* last: shutdown_code overrides later crashes */
};

/*
 * The command line may name the suites to run: "suites=vcpu,smp" (their
 * names without suite_); without it every suite runs.
 */
static int wanted(const char *name)
{
    const char *list = (const char *)os_start_info->cmd_line, *p;
    size_t n = strlen(name);

    for (p = list; *p; p++)
        if ((p == list || p[-1] == ' ') && !strncmp(p, "suites=", 7))
            break;
    if (!*p)
        return 1;
    for (p += 7; *p && *p != ' '; p++)
        if ((p[-1] == '=' || p[-1] == ',') && !strncmp(p, name, n) &&
            (p[n] == ',' || p[n] == ' ' || !p[n]))
            return 1;
    return 0;
}

void os_main(void)
{
    unsigned int i;

    os_printf("selftest: Xenolith PV ABI conformance suite\n");
    for (i = 0; i < OS_ARRAY_SIZE(suites); i++)
        if (wanted(suites[i].name))
            suites[i].run();
    os_printf("Test result: %s\n", t_failures ? "FAILURE" : "SUCCESS");
}
