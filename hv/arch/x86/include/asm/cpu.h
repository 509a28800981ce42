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

extern uint8_t cpu0_stack[HV_STACK_SIZE];
extern struct tss64 cpu0_tss;
extern uint64_t cpu0_gdt[512];

/* Load our GDT, TSS and IDT on this CPU and program the SYSCALL MSRs. */
void cpu_tables_init(void);
/* Address of the guest frame at the top of this CPU's stack. */
struct cpu_regs *guest_regs(void);

/* Highest CPUID feature facts we use. */
struct cpu_features {
    int has_x2apic, has_tsc_deadline, has_xsave, has_fsgsbase, has_nx, has_pge, has_smep, has_smap;
    char vendor[13];
};
extern struct cpu_features cpu_features;
extern uint8_t smap_enabled;
void cpu_features_init(void);

/* C entry of the boot CPU, called by head.S with the loader's magic and info. */
void start_hv(uint32_t magic, uint32_t info);

#endif
