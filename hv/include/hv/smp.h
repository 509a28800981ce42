/*
 * The CPUs that are up, and the IPIs between them (hv/arch/x86/smpboot.c,
 * hv/arch/x86/smp.c). CPU 0 is the boot CPU; the others are numbered in the
 * order the firmware lists them (ACPI MADT) and come up at the end of boot.
 * Every CPU runs the same scheduler on its own run queue; none has a thread.
 */
#ifndef HV_SMP_H
#define HV_SMP_H
#include <hv/percpu.h>

extern unsigned int nr_cpus_online;     /* 1 until the others are up */
extern cpumask_t cpu_online_mask;

static inline bool cpu_online(unsigned int cpu)
{
    return cpu < NR_CPUS && (__atomic_load_n(&cpu_online_mask, __ATOMIC_ACQUIRE) & cpu_bit(cpu));
}

#define for_each_online_cpu(c) \
    for ((c) = 0; (c) < NR_CPUS; (c)++) if (!cpu_online(c)) {} else

/* Bring up every other CPU the firmware lists as enabled; each ends in its idle loop. */
void smp_boot_cpus(void);

/*
 * Make `cpu` look at its softirqs and run queue soon: an event-check IPI
 * (nothing when cpu is this CPU, whose exit path looks anyway).
 */
void smp_send_event_check(unsigned int cpu);
/* Raise softirq nr on `cpu`, with an event-check IPI when it is another CPU. */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
/* Log the IPIs sent so far (at power-off, with more than one CPU up). */
void smp_report(void);

#endif
