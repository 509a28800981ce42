/* Per-CPU descriptor tables, the TSS and the SYSCALL set-up. */
#ifndef HV_CPU_H
#define HV_CPU_H
#include <stdint.h>
#include <asm/layout.h>

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

/*
 * Set up CPU cpu's record, GDT, TSS and GDT area, load them with the IDT on
 * the calling CPU (which runs on that CPU's stack) and point its SYSCALL
 * MSRs at its own entry.
 */
void cpu_tables_init(unsigned int cpu);

/* Highest CPUID feature facts we use. */
struct cpu_features {
    int has_x2apic, has_tsc_deadline, has_xsave, has_fsgsbase, has_nx, has_pge, has_smep, has_smap;
    char vendor[13];
};
extern struct cpu_features cpu_features;
extern uint8_t smap_enabled;
void cpu_features_init(void);
/* CR0 and CR4 as the hypervisor runs with them, on the calling CPU (every CPU). */
void cpu_control_regs_init(void);

/* C entry of the boot CPU, called by head.S with the loader's magic and info. */
void start_hv(uint32_t magic, uint32_t info);

#endif
