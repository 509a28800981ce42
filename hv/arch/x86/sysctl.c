/*
 * The x86 part of XEN_SYSCTL_physinfo (Xen: arch/x86/sysctl.c,
 * arch_do_physinfo, and the CPU fields common code fills from x86 masks)
 * and the count of CPUs XEN_SYSCTL_getcpuinfo reports on.
 */
#include <xen/xen.h>
#include <xen/sysctl.h>
#include <asm/cpu_policy.h>
#include <hv/smp.h>
#include <asm/pv_policy.h>
#include <hv/hypercall.h>

/* The CPUs there may be: those brought up (no hot-plug). */
unsigned int arch_nr_cpu_ids(void)
{
    return nr_cpus_online;
}

void arch_do_physinfo(struct xen_sysctl_physinfo *pi)
{
    uint32_t fs[FS_WORDS];

    /*
     * Xen counts the online CPUs sharing CPU 0's core and package. We keep
     * no package map: every online CPU is taken as a core of CPU 0's package,
     * one thread each (what QEMU's -smp N gives; docs/differences-from-xen.md).
     */
    pi->threads_per_core = 1;
    pi->cores_per_socket = nr_cpus_online;
    pi->nr_cpus = nr_cpus_online;
    pi->max_cpu_id = arch_nr_cpu_ids() - 1;
    /*
     * Xen's boot CPU features: the known ones, read before Xen sets
     * CR4.OSXSAVE (so that dynamic bit reads 0).
     */
    cpu_policy_host_fs(host_raw_policy(), fs);
    fs_clear(fs, X86_FEAT_OSXSAVE);
    for (unsigned int i = 0; i < 8; i++)
        pi->hw_cap[i] = fs[i] & cpu_fs_masks[i].known;
    /* PV guests, and shadow paging (dom0_paging=shadow, log-dirty); no HVM, so no HAP. */
    pi->capabilities |= XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_shadow;
}
