/*
 * start_hv: from the boot loader to the first guest instruction.
 * Order matters: console first (so everything after can report), memory,
 * CPU tables, time, the other CPUs, then Dom0 from the first boot module.
 */
#include <xen/xen.h>
#include <asm/apic.h>
#include <asm/bootinfo.h>
#include <hv/cmdline.h>
#include <hv/console.h>
#include <asm/cpu.h>
#include <hv/domain.h>
#include <asm/flushtlb.h>
#include <asm/fpu.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <xl/string.h>
#include <hv/machine.h>
#include <asm/paging.h>
#include <asm/pirq.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>
#include <asm/shadow.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>

static struct boot_info boot_info;

unsigned int boot_ram_ranges(void)
{
    return boot_info.nr_ram;
}

void boot_ram_range(unsigned int i, uint64_t *addr, uint64_t *size)
{
    *addr = i < boot_info.nr_ram ? boot_info.ram[i].start : 0;
    *size = i < boot_info.nr_ram ? boot_info.ram[i].end - boot_info.ram[i].start : 0;
}
unsigned int boot_map_entries(void)
{
    return boot_info.nr_map;
}

void boot_map_entry(unsigned int i, uint64_t *addr, uint64_t *size, uint32_t *type)
{
    const struct boot_map_entry *e = &boot_info.map[i < boot_info.nr_map ? i : 0];

    *addr = i < boot_info.nr_map ? e->start : 0;
    *size = i < boot_info.nr_map ? e->end - e->start : 0;
    *type = i < boot_info.nr_map ? e->type : 0;
}

char hv_command_line[BOOT_CMDLINE_MAX];

#define DEFAULT_DOM0_MEM (64UL << 20)

uint8_t smap_enabled;
int hypercall_trace;                    /* the hypercall_trace option (hv/hypercall.h) */

/*
 * Every option this hypervisor reads (each is looked up where it is used).
 * "console" and "com1" are Xen's and accepted as they are: our console is
 * always COM1 at 115200 8n1. Anything else is reported, never guessed at.
 */
static const char *const known_options[] = {
    "console", "com1", "loglvl", "guest_loglvl", "noreboot", "hypercall_trace",
    "dom0_mem", "dom0_max_vcpus", "dom0_paging", "dom0_ptwr", "domu", "domu_mem",
    "destroy_budget", "sched_credit_tslice_ms", "sched_ratelimit_us",
};

static void log_unknown_options(void)
{
    const char *p = hv_command_line;
    char key[48];

    while (cmdline_next_key(&p, key, sizeof(key))) {
        bool known = false;
        for (size_t i = 0; i < ARRAY_SIZE(known_options) && !known; i++)
            known = strcmp(key, known_options[i]) == 0;
        if (!known)
            log_warn("command line: unknown option '%s' ignored", key);
    }
}

/*
 * Dom0's pages from dom0_mem, read as Xen reads it, against the memory free
 * now. Unlike Xen, which quietly gives Dom0 all there is when asked for more,
 * an amount beyond the free memory stops the boot: a Dom0 smaller than
 * configured is a misconfiguration better seen at once.
 */
static unsigned long dom0_pages(void)
{
    struct dom0_mem dm;
    uint64_t avail = frames_free(), wanted, pages;
    char val[64] = "";

    cmdline_get_str(hv_command_line, "dom0_mem", val, sizeof(val));
    if (!cmdline_get_dom0_mem(hv_command_line, &dm))
        log_warn("command line: dom0_mem=%s is malformed and ignored (as Xen does)", val);
    if (!dm.set)
        return DEFAULT_DOM0_MEM >> PAGE_SHIFT;
    pages = dom0_mem_pages(&dm, avail, &wanted);
    if (wanted > avail)
        panic("dom0_mem=%s asks for %lu MiB for Domain 0, but only %lu MiB are free",
              val, (unsigned long)(wanted >> 8), (unsigned long)(avail >> 8));
    if (pages < (4UL << 20) >> PAGE_SHIFT)
        pages = (4UL << 20) >> PAGE_SHIFT;
    return pages;
}

/*
 * Xen's dom0_max_vcpus arithmetic (dom0_vcpus_count) over the CPUs up: every
 * one is by now, as on Xen, so without the option Dom0 gets a vCPU per CPU;
 * at most MAX_VCPUS, Xen's MAX_VIRT_CPUS for a PV Dom0.
 */
static unsigned int dom0_vcpus(void)
{
    uint32_t lo, hi, wanted, n;

    cmdline_get_dom0_max_vcpus(hv_command_line, &lo, &hi);
    n = dom0_vcpus_count(nr_cpus_online, lo, hi, MAX_VCPUS, &wanted);
    if (n == 0)         /* as Xen, which cannot create a domain without one */
        panic("dom0_max_vcpus leaves Domain 0 no vCPU");
    if (wanted > n)
        log_warn("command line: dom0_max_vcpus asks for %u vCPUs; Domain 0 gets %u "
                 "(the PV limit, Xen's too)", wanted, n);
    return n;
}

/*
 * CR0 and CR4 as every CPU of ours runs: SMEP, the hypervisor never executes
 * guest (user) pages; SMAP, it never touches them either, except inside
 * raw_copy, the one door for guest memory; OSXSAVE. The boot CPU decides
 * (enable_cpu_features), the others copy it (smpboot.c).
 */
void cpu_control_regs_init(void)
{
    uint64_t cr4 = read_cr4();

    /*
     * CR0 as Xen runs with it (PE MP ET NE WP AM PG, caches on): PV kernels
     * read it through the emulated `mov %cr0` and may only flip TS.
     */
    write_cr0((read_cr0() | (1UL << 5) | (1UL << 18)) & ~((1UL << 29) | (1UL << 30)));

    if (cpu_features.has_smep)
        cr4 |= 1UL << 20;
    if (cpu_features.has_smap)
        cr4 |= 1UL << 21;
    if (cpu_features.has_xsave)
        cr4 |= 1UL << 18;                           /* OSXSAVE: guests may use XSAVE/AVX */
    write_cr4(cr4);
}

static void enable_cpu_features(void)
{
    if (cpu_features.has_smap) {
        smap_enabled = 1;
    } else {
        /* No SMAP: STAC/CLAC would be #UD. Patch them to 3-byte NOPs (0f 1f 00). */
        extern uint8_t raw_copy_stac[], raw_copy_clac[];
        static const uint8_t nop3[3] = { 0x0f, 0x1f, 0x00 };
        /* Text is read-only in the image: write through the direct map. */
        memcpy(maddr_to_virt(virt_to_maddr(raw_copy_stac)), nop3, 3);
        memcpy(maddr_to_virt(virt_to_maddr(raw_copy_clac)), nop3, 3);
    }
    cpu_control_regs_init();
    fpu_init();
}

/*
 * A DomU started by the hypervisor itself (no toolstack yet): domain 1, built
 * from a boot module with the domU layout, run beside Dom0 in turn.
 */
static void boot_domu(const struct boot_module *m)
{
    uint64_t mem = 16UL << 20;
    struct domain *d;
    int rc;
    const char *sp = strchr(m->cmdline, ' ');
    struct pv_image img = {
        .kernel = maddr_to_virt(m->start),
        .kernel_len = m->end - m->start,
        .cmdline = bootinfo_cmdlines_start_with_name(&boot_info) ? (sp ? sp + 1 : "") : m->cmdline,
    };

    cmdline_get_size(hv_command_line, "domu_mem", &mem);
    img.nr_pages = (mem < (4UL << 20) ? (4UL << 20) : mem) >> PAGE_SHIFT;
    /* Destroying it must give back exactly this much (tests/system/test_destroy.py). */
    log_info("domain 1: %lu frames free before it is created", frames_free());
    rc = domain_create(1, false, 1, &d);
    if (rc)
        panic("cannot create domain 1: error %d", rc);
    if (pv_build(d, &img))
        panic("could not build domain 1 from the last boot module");
    /* Left paused by the control interface: Dom0 starts it (XEN_DOMCTL_unpausedomain). */
    log_info("domain 1 built (%lu pages), paused until Dom0 unpauses it", img.nr_pages);
}

void start_hv(uint32_t magic, uint32_t info)
{
    char opt[64];
    struct domain *d0;
    int rc;

    serial_init();
    if (bootinfo_parse(magic, info, &boot_info))
        panic("not started by a multiboot loader (magic %#x)", magic);
    /* Loaders put the image's file name first; options start after it. */
    const char *opts = boot_info.cmdline;
    const char *first_space = strchr(opts, ' ');
    size_t first_len = first_space ? (size_t)(first_space - opts) : strlen(opts);
    bool has_eq = false;
    for (size_t i = 0; i < first_len; i++)
        has_eq |= opts[i] == '=';
    if (bootinfo_cmdlines_start_with_name(&boot_info) && first_len && !has_eq)
        opts = first_space ? first_space + 1 : "";
    memcpy(hv_command_line, opts, strnlen(opts, sizeof(hv_command_line) - 1));
    if (cmdline_get_str(hv_command_line, "loglvl", opt, sizeof(opt)))
        console_set_loglvl(opt);
    if (cmdline_get_str(hv_command_line, "hypercall_trace", opt, sizeof(opt)) &&
        !strcmp(opt, "errors"))
        hypercall_trace = HYPERCALL_TRACE_ERRORS;
    else
        hypercall_trace = cmdline_get_bool(hv_command_line, "hypercall_trace", false);
    machine_noreboot = cmdline_get_bool(hv_command_line, "noreboot", false);

    log_info("Xenolith hypervisor (Xen 4.17 PV ABI), booted by %s%s%s", boot_info.loader,
             boot_info.loader_name[0] ? " from " : "", boot_info.loader_name);
    log_info("command line: %s", hv_command_line);
    log_unknown_options();

    cpu_features_init();
    log_info("cpu: %s, x2apic %d, tsc-deadline %d, xsave %d, smep %d, smap %d", cpu_features.vendor,
             cpu_features.has_x2apic, cpu_features.has_tsc_deadline, cpu_features.has_xsave,
             cpu_features.has_smep, cpu_features.has_smap);
    paging_init();
    mm_init(&boot_info);
    pv_mmu_init();
    m2p_init();
    cpu_tables_init(0);
    paging_drop_identity_map();
    enable_cpu_features();
    time_init();
    apic_init();
    serial_enable_input();
    /* Every CPU up before Dom0 is built, as Xen does: Dom0 gets a vCPU per CPU. */
    sched_init_cpu();
    smp_boot_cpus();

    if (boot_info.nr_modules == 0)
        panic("no Dom0 kernel: pass it as the first multiboot module");
    unsigned long dom0_nr_pages = dom0_pages();
    unsigned int dom0_max_vcpus = dom0_vcpus();

    rc = domain_create(0, true, dom0_max_vcpus, &d0);
    if (rc)
        panic("cannot create domain 0: error %d", rc);
    if (domain_vcpus_create(d0))
        panic("no memory for Domain 0's %u vCPUs", dom0_max_vcpus);
    log_info("Dom0 has maximum %u VCPUs", dom0_max_vcpus);
    const struct boot_module *km = &boot_info.modules[0];
    struct pv_image img = {
        .kernel = maddr_to_virt(km->start),
        .kernel_len = km->end - km->start,
        .cmdline = km->cmdline,
        .nr_pages = dom0_nr_pages,
    };
    /* The module's command line may start with its file name (loader dependent): skip it. */
    if (bootinfo_cmdlines_start_with_name(&boot_info)) {
        const char *sp = strchr(img.cmdline, ' ');
        img.cmdline = sp ? sp + 1 : "";
    }
    /* "domu": the last module is a second, unprivileged domain started at boot. */
    bool domu = cmdline_get_bool(hv_command_line, "domu", false) && boot_info.nr_modules > 1;
    if (boot_info.nr_modules > (domu ? 2u : 1u)) {
        img.initrd = maddr_to_virt(boot_info.modules[1].start);
        img.initrd_len = boot_info.modules[1].end - boot_info.modules[1].start;
    }
    rc = dom0_build(d0, &img);
    if (rc)     /* As on Xen: without Dom0 there is nothing to run; stop cleanly. */
        panic("could not build Domain 0 (error %d): see the reason above", rc);
    if (domu)
        boot_domu(&boot_info.modules[boot_info.nr_modules - 1]);
    mm_release_boot_modules(&boot_info);
    if (cmdline_get_str(hv_command_line, "dom0_paging", opt, sizeof(opt)) && !strcmp(opt, "shadow")) {
        if (shadow_enable(d0, SHADOW_POOL_DEFAULT))
            panic("cannot put Domain 0 in shadow paging mode");
    }
    if (cmdline_get_str(hv_command_line, "dom0_ptwr", opt, sizeof(opt)) && !strcmp(opt, "batched"))
        d0->arch.ptwr_batched = true;
    pirq_set_limit(nr_cpus_online, d0->max_vcpus);
    /* Xen's boot unpauses Dom0 as the controller would. */
    d0->controller_pause_count = 0;
    BUG_ON(domain_unpause(d0));
    log_info("starting Domain 0%s", d0->arch.ptwr_batched ? " (batched writable page tables)" : "");
    sched_start();
}
