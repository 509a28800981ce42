/*
 * Bringing up the other CPUs (Xen: arch/x86/smpboot.c, acpi/boot.c).
 *
 * The CPUs come from the ACPI MADT (hv/arch/x86/lib/acpi_madt.c parses it):
 * the RSDP is looked for in the first KiB of the EBDA, then in the BIOS area
 * 0xe0000-0xfffff; every processor the MADT marks enabled, other than the
 * boot CPU, gets the next CPU number (up to NR_CPUS). Each is started in
 * turn with INIT, then twice STARTUP naming the page below 1 MiB that holds
 * a copy of trampoline.S; it reaches long mode on page tables that map that
 * page at its own address as well as the hypervisor's slots, jumps to
 * ap_entry on its own stack block (below its struct cpu_info), and there
 * loads its GDT, TSS and IDT, its control registers and XCR0, turns on its
 * local APIC and timer, marks itself online and enters the scheduler's idle
 * loop on its own run queue. The boot CPU waits for each before starting the
 * next (the trampoline's values are shared).
 */
#include <asm/acpi_madt.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/pt_bits.h>
#include <hv/console.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <xl/string.h>

#define TRAMPOLINE_PHYS 0x8000                  /* conventional memory; STARTUP vector 0x08 */
#define AP_START_WAIT_MS 5000                   /* how long a CPU may take to report in */

unsigned int nr_cpus_online = 1;
cpumask_t cpu_online_mask = 1;                  /* the boot CPU */

extern const char trampoline_start[], trampoline_end[];
extern const char trampoline_cr3[], trampoline_rsp[], trampoline_entry[];
extern const uint64_t boot_identity_l3;        /* head.S: its identity map of the first 4 GiB */

/* The trampoline's page tables: the identity map in slot 0, the hypervisor's slots as they are. */
static pte_t ap_boot_l4[512] __attribute__((aligned(4096)));
static unsigned int ap_booting;                 /* the CPU number the started CPU takes */
static unsigned int ap_reported;                /* set by it once it is online */

static const uint8_t *acpi_map(uint64_t addr, size_t len, void *ctx)
{
    if (addr >= HV_DIRECTMAP_BYTES || len > HV_DIRECTMAP_BYTES - addr)
        return NULL;                            /* only the direct map's 4 GiB are readable */
    return maddr_to_virt(addr);
}

/* The MADT's processors, or false (then only the boot CPU runs). */
static bool find_cpus(struct madt_info *mi)
{
    uint64_t ebda = (uint64_t)*(const uint16_t *)maddr_to_virt(0x40e) << 4, rsdp, madt;
    uint32_t len;
    long off = -1;

    if (ebda >= 0x80000 && ebda < 0xa0000) {
        off = acpi_rsdp_scan(maddr_to_virt(ebda), 1024);
        rsdp = ebda + off;
    }
    if (off < 0) {
        off = acpi_rsdp_scan(maddr_to_virt(0xe0000), 0x20000);
        rsdp = 0xe0000 + off;
    }
    if (off < 0) {
        log_warn("acpi: no RSDP found: running on the boot CPU only");
        return false;
    }
    if (acpi_find_madt(maddr_to_virt(rsdp), acpi_map, NULL, &madt, &len)) {
        log_warn("acpi: no valid MADT: running on the boot CPU only");
        return false;
    }
    if (madt_parse(maddr_to_virt(madt), len, mi)) {
        log_warn("acpi: MADT at %#lx is malformed: running on the boot CPU only", (unsigned long)madt);
        return false;
    }
    log_info("acpi: RSDP at %#lx, MADT at %#lx: %u processors, %u enabled", (unsigned long)rsdp,
             (unsigned long)madt, mi->nr + mi->nr_dropped, mi->nr_enabled);
    return true;
}

static void delay_us(uint64_t us)
{
    uint64_t t0 = rdtsc(), ticks = tsc_khz * us / 1000;

    while (rdtsc() - t0 < ticks)
        cpu_relax();
}

/* A started CPU, on its own stack: set itself up, report, idle. */
static void __attribute__((noreturn)) ap_entry(void)
{
    unsigned int cpu = __atomic_load_n(&ap_booting, __ATOMIC_ACQUIRE);
    struct cpu_info *ci = cpu_info_of(cpu);

    paging_load_idle();                         /* the trampoline's tables are for the jump only */
    cpu_tables_init(cpu);
    cpu_control_regs_init();
    fpu_init_secondary();
    apic_init_secondary();
    if (apic_self_id() != ci->apic_id)
        log_warn("CPU%u: APIC id %u, the MADT said %u", cpu, apic_self_id(), ci->apic_id);
    sched_init_cpu();
    __atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
    __atomic_or_fetch(&cpu_online_mask, cpu_bit(cpu), __ATOMIC_SEQ_CST);
    log_info("CPU%u up (APIC id %u)", cpu, ci->apic_id);
    __atomic_store_n(&ap_reported, cpu, __ATOMIC_RELEASE);
    sched_idle_loop();
}

/* INIT, STARTUP, STARTUP (Intel SDM 8.4.4.1; the AMD manual's sequence is the same). */
static bool start_cpu(unsigned int cpu, uint32_t apic_id, uint32_t acpi_id)
{
    uint8_t *tramp = maddr_to_virt(TRAMPOLINE_PHYS);
    uint64_t t0;

    cpu_info_of(cpu)->apic_id = apic_id;
    cpu_info_of(cpu)->acpi_id = acpi_id;
    *(uint64_t *)(tramp + (trampoline_cr3 - trampoline_start)) = virt_to_maddr(ap_boot_l4);
    /*
     * Its stack starts below the guest frame (which a context switch fills),
     * as a call would leave it (8 past a 16-byte boundary): entered by a jump.
     */
    _Static_assert((HV_CPU_INFO_SIZE + REGS_SIZE) % 16 == 8, "the frame's start is 8 past a 16-byte boundary");
    *(uint64_t *)(tramp + (trampoline_rsp - trampoline_start)) =
        (uint64_t)((struct cpu_regs *)cpu_info_of(cpu) - 1);
    *(uint64_t *)(tramp + (trampoline_entry - trampoline_start)) = (uint64_t)ap_entry;
    __atomic_store_n(&ap_booting, cpu, __ATOMIC_RELEASE);
    __atomic_store_n(&ap_reported, 0, __ATOMIC_RELEASE);

    apic_send_ipi(apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT | APIC_LEVEL_TRIGGER);
    if (!apic_is_x2apic())
        apic_send_ipi(apic_id, APIC_DM_INIT | APIC_LEVEL_TRIGGER);     /* de-assert (xAPIC) */
    delay_us(10000);
    for (int i = 0; i < 2; i++) {
        apic_send_ipi(apic_id, APIC_DM_STARTUP | (TRAMPOLINE_PHYS >> 12));
        delay_us(200);
    }
    t0 = now_ns();
    while (__atomic_load_n(&ap_reported, __ATOMIC_ACQUIRE) != cpu) {
        if (now_ns() - t0 > AP_START_WAIT_MS * 1000000ULL)
            return false;
        cpu_relax();
    }
    return true;
}

void smp_boot_cpus(void)
{
    struct madt_info mi;
    uint32_t self = apic_self_id();
    unsigned int next = 1;

    cpu_info_of(0)->apic_id = self;
    log_info("CPU0 up (APIC id %u), the boot CPU", self);
    if (!find_cpus(&mi))
        return;
    for (unsigned int i = 0; i < mi.nr; i++)
        if (mi.cpu[i].apic_id == self)
            cpu_info_of(0)->acpi_id = mi.cpu[i].acpi_id;
    memcpy(maddr_to_virt(TRAMPOLINE_PHYS), trampoline_start, trampoline_end - trampoline_start);
    memcpy(ap_boot_l4, idle_l4(), sizeof(ap_boot_l4));
    ap_boot_l4[0] = boot_identity_l3 | PT_PRESENT | PT_RW;
    for (unsigned int i = 0; i < mi.nr; i++) {
        const struct madt_cpu *c = &mi.cpu[i];

        if (!c->enabled || c->apic_id == self)
            continue;
        if (next == NR_CPUS) {
            log_warn("CPU with APIC id %u left out: Xenolith runs at most %u CPUs", c->apic_id, NR_CPUS);
            continue;
        }
        if (!start_cpu(next, c->apic_id, c->acpi_id)) {
            log_err("CPU%u (APIC id %u) did not start", next, c->apic_id);
            continue;
        }
        next++;
    }
    log_info("%u CPU%s online", nr_cpus_online, nr_cpus_online == 1 ? "" : "s");
}
