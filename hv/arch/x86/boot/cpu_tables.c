/*
 * GDT, TSS, IDT and stack of each CPU (only the boot CPU is brought up yet).
 * The GDT is Xen-shaped: entries below selector 0xe000 are the guest's
 * (set_gdt), our own live in the reserved page from 0xe000 on, so guest
 * selectors 0xe02b/0xe033 mean the same as on Xen. Each CPU has its own
 * reserved page, TSS and GDT area (pv/descriptors.c), and one stack block
 * holding its IST stacks, its hypervisor stack, the guest frame and its
 * struct cpu_info (hv/percpu.h).
 */
#include <asm/cpu.h>
#include <asm/io.h>
#include <xl/string.h>
#include <asm/regs.h>
#include <asm/descriptors.h>
#include <hv/console.h>
#include <hv/percpu.h>

/* Aligned to HV_STACK_SIZE by the link map (hv.lds), which places this section first in .bss. */
uint8_t cpu_stacks[NR_CPUS][HV_STACK_SIZE] __attribute__((section(".bss.cpu_stacks"), aligned(4096)));
static struct tss64 cpu_tss[NR_CPUS] __attribute__((aligned(128)));
static uint64_t cpu_gdt[NR_CPUS][512] __attribute__((aligned(4096)));  /* the reserved pages, selector 0xe000 on */
static uint64_t idt[256][2] __attribute__((aligned(16)));
struct cpu_features cpu_features;

extern char idt_stubs[];
extern char syscall_entry[], syscall_entries[];

#define GDT(cpu, sel) cpu_gdt[cpu][((sel) >> 3) - HV_GDT_FIRST_RESERVED]

static void set_gate(int vec, int ist, int dpl)
{
    uint64_t addr = (uint64_t)idt_stubs + 16 * vec;
    idt[vec][0] = (addr & 0xffff) | ((uint64_t)HV_CS << 16) | ((uint64_t)ist << 32) |
                  ((uint64_t)(0x8e | (dpl << 5)) << 40) | ((addr >> 16 & 0xffff) << 48);
    idt[vec][1] = addr >> 32;
}

/* The IDT is shared; the first CPU fills it. */
static void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, 0, 0);
    set_gate(3, 0, 3);      /* int3 and into may be used from ring 3 directly */
    set_gate(4, 0, 3);
    set_gate(2, 1, 0);      /* NMI */
    set_gate(8, 2, 0);      /* double fault */
    set_gate(18, 3, 0);     /* machine check */
}

void cpu_tables_init(unsigned int cpu)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr, idtr;
    struct cpu_info *ci = cpu_info_of(cpu);
    struct tss64 *t = &cpu_tss[cpu];
    uint64_t tss = (uint64_t)t;

    BUG_ON((uintptr_t)cpu_stacks % HV_STACK_SIZE);
    ci->id = cpu;
    ci->gdt = cpu_gdt[cpu];
    ci->tss = t;
    spin_lock_init(&ci->timer_lock, LOCK_TIMER, "timer_lock");
    runq_init(&ci->runq);

    GDT(cpu, HV_CS)      = 0x00af9a000000ffff;   /* ring 0, 64-bit code */
    GDT(cpu, HV_DS)      = 0x00cf92000000ffff;   /* ring 0, data */
    GDT(cpu, HV_CS32)    = 0x00cf9a000000ffff;   /* ring 0, 32-bit code */
    GDT(cpu, GUEST_CS32) = 0x00cffa000000ffff;   /* ring 3, 32-bit code */
    GDT(cpu, GUEST_DS)   = 0x00cff2000000ffff;   /* ring 3, data */
    GDT(cpu, GUEST_CS64) = 0x00affa000000ffff;   /* ring 3, 64-bit code */
    GDT(cpu, HV_TSS)     = (sizeof(*t) - 1) | ((tss & 0xffffff) << 16) |
                           (0x89UL << 40) | ((tss >> 24 & 0xff) << 56);
    GDT(cpu, HV_TSS + 8) = tss >> 32;

    t->rsp[0] = (uint64_t)ci;                   /* the guest frame ends where the record begins */
    for (int i = 0; i < 3; i++)                 /* the block's first pages, below the stack */
        t->ist[i] = (uint64_t)cpu_stacks[cpu] + (i + 1) * HV_IST_STACK_SIZE;
    t->iomap_base = sizeof(*t);                 /* no I/O bitmap: all ports refused in ring 3 */

    if (cpu == 0)
        idt_init();

    gdt_area_init(cpu);
    gdtr.limit = HV_GDT_BYTES - 1;
    gdtr.base = ci->gdt_virt;
    idtr.limit = sizeof(idt) - 1;
    idtr.base = (uint64_t)idt;
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %2\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1: movl %3, %%eax\n\t"
        "movl %%eax, %%ds\n\t movl %%eax, %%es\n\t movl %%eax, %%ss\n\t"
        "xorl %%eax, %%eax\n\t movl %%eax, %%fs\n\t movl %%eax, %%gs\n\t"
        "lidt %1\n\t"
        "ltr %w4"
        :: "m"(gdtr), "m"(idtr), "i"(HV_CS), "i"(HV_DS), "r"(HV_TSS) : "rax", "memory");

    /* SYSCALL: enter at this CPU's own entry (entry.S) with CS 0xe008; SYSRET uses 0xe033/0xe02b. */
    uint64_t entry = cpu ? (uint64_t)syscall_entries + (cpu - 1) * SYSCALL_ENTRY_SIZE
                         : (uint64_t)syscall_entry;
    wrmsr(MSR_STAR, ((uint64_t)GUEST_CS32 << 48) | ((uint64_t)HV_CS << 32));
    wrmsr(MSR_LSTAR, entry);
    wrmsr(MSR_CSTAR, entry);
    wrmsr(MSR_FMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_NT |
                     X86_EFLAGS_AC | X86_EFLAGS_IOPL);
}

void cpu_features_init(void)
{
    uint32_t r[4];

    cpuid_count(0, 0, r);
    memcpy(cpu_features.vendor, &r[1], 4);
    memcpy(cpu_features.vendor + 4, &r[3], 4);
    memcpy(cpu_features.vendor + 8, &r[2], 4);
    cpuid_count(1, 0, r);
    cpu_features.has_x2apic = !!(r[2] & (1u << 21));
    cpu_features.has_tsc_deadline = !!(r[2] & (1u << 24));
    cpu_features.has_xsave = !!(r[2] & (1u << 26));
    cpu_features.has_pge = !!(r[3] & (1u << 13));
    cpuid_count(7, 0, r);
    cpu_features.has_fsgsbase = !!(r[1] & 1u);
    cpu_features.has_smep = !!(r[1] & (1u << 7));
    cpu_features.has_smap = !!(r[1] & (1u << 20));
    cpuid_count(0x80000001, 0, r);
    cpu_features.has_nx = !!(r[3] & (1u << 20));
}
