/*
 * selftest: run every suite, then print the XTF-style verdict.
 */
#include "test.h"
#include "pt_suite.h"

static void (*const suites[])(void) = {
    suite_console,
    suite_version,
    suite_hypercall,
    suite_traps,
    suite_exceptions,
    suite_cpuid,
    suite_segments,
    suite_multicall,
    suite_vm_assist,
    suite_memory,
    suite_mmu,
    suite_descriptors,
    suite_debugreg,
    suite_ioports,
    suite_time,
    suite_evtchn,
    suite_gnttab,
    suite_memory_exchange,
    suite_timers,
    suite_usermode,
    suite_trapgates,    /* after usermode: uses its user root */
    suite_privop,
    suite_iomem,
    suite_platform,
    suite_physdev,
    suite_pirq,
    suite_vcpu,         /* moves vcpu_info */
    suite_pt,
    suite_evtchn_fifo,  /* switches to FIFO events for good: after every 2-level user */
    suite_domctl,       /* leaves three paused domains behind */
    suite_sysctl,       /* lists those domains */
    suite_shadow_op,    /* on domctl's domains */
    suite_sched,        /* last: shutdown_code overrides later crashes */
};

void os_main(void)
{
    unsigned int i;

    os_printf("selftest: Xenolith PV ABI conformance suite\n");
    for (i = 0; i < OS_ARRAY_SIZE(suites); i++)
        suites[i]();
    os_printf("Test result: %s\n", t_failures ? "FAILURE" : "SUCCESS");
}
