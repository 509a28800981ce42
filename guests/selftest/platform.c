/*
 * PLAT: platform_op (7) as Xen 4.17 answers the initial domain on a PC that
 * booted by BIOS (QEMU): the firmware facts (none collected past the list:
 * -ESRCH; EFI on a BIOS boot: -ENOSYS; the keyboard shift flags), the
 * physical CPUs, the wallclock (settime), the argument checks of
 * enter_acpi_sleep, and the power-management cmds Xen keeps to itself.
 * Linux's Dom0 asks all of these while it boots.
 */
#include <xl/string.h>
#include <xen/platform.h>
#include <xen/arch-x86/xen-mca.h>
#include <os/time.h>
#include "test.h"

static struct xen_platform_op op;

static long pf(uint32_t cmd)
{
    op.cmd = cmd;
    op.interface_version = XENPF_INTERFACE_VERSION;
    return os_hypercall1(__HYPERVISOR_platform_op, (uint64_t)&op);
}

/*
 * The physical CPUs online, as get_cpuinfo lists them (CPU 0's max_present,
 * then each one's flags). The cases that depend on the count (PLAT, PIRQ) are
 * checked against it, so the same lines pass on one CPU and on several, and
 * both hypervisors must agree on it under the same QEMU (the cross-check).
 */
unsigned int selftest_online_cpus(void)
{
    unsigned int max, n = 0;

    memset(&op.u, 0, sizeof(op.u));
    if (pf(XENPF_get_cpuinfo))
        return 1;
    max = op.u.pcpu_info.max_present;
    for (unsigned int cpu = 0; cpu <= max && cpu < 256; cpu++) {
        memset(&op.u, 0, sizeof(op.u));
        op.u.pcpu_info.xen_cpuid = cpu;
        if (pf(XENPF_get_cpuinfo) == 0 && (op.u.pcpu_info.flags & XEN_PCPU_FLAGS_ONLINE))
            n++;
    }
    return n ? n : 1;
}

static long fw(uint32_t type, uint32_t index)
{
    memset(&op.u, 0, sizeof(op.u));
    op.u.firmware_info.type = type;
    op.u.firmware_info.index = index;
    return pf(XENPF_firmware_info);
}

static void firmware(void)
{
    t_rc("PLAT0001", "firmware_info disk_info of disk 0 gives -ESRCH (no EDD data)",
         fw(XEN_FW_DISK_INFO, 0), -XEN_ESRCH);
    t_rc("PLAT0002", "firmware_info MBR signature 0 gives -ESRCH",
         fw(XEN_FW_DISK_MBR_SIGNATURE, 0), -XEN_ESRCH);
    t_rc("PLAT0003", "firmware_info EFI info on a BIOS boot gives -ENOSYS",
         fw(XEN_FW_EFI_INFO, 0), -XEN_ENOSYS);
    t_rc("PLAT0004", "firmware_info keyboard shift flags of index 1 gives -ESRCH",
         fw(XEN_FW_KBD_SHIFT_FLAGS, 1), -XEN_ESRCH);
    t_rc("PLAT0017", "firmware_info keyboard shift flags of index 0 is okay",
         fw(XEN_FW_KBD_SHIFT_FLAGS, 0), 0);
    t_rc("PLAT0005", "firmware_info of an unknown type gives -EINVAL", fw(99, 0), -XEN_EINVAL);
    t_rc("PLAT0006", "firmware_info VBE EDID of index 1 gives -ESRCH",
         fw(XEN_FW_VBEDDC_INFO, 1), -XEN_ESRCH);
}

static void cpus(void)
{
    unsigned int ncpus = selftest_online_cpus();
    uint32_t r[4];
    long rc;

    memset(&op.u, 0, sizeof(op.u));
    op.u.pcpu_info.xen_cpuid = 0;
    rc = pf(XENPF_get_cpuinfo);
    t_check("PLAT0007", "get_cpuinfo of CPU 0: online, the highest present is the last online",
            rc == 0 && op.u.pcpu_info.flags == XEN_PCPU_FLAGS_ONLINE &&
            op.u.pcpu_info.max_present == ncpus - 1, "(rc=%ld flags=%u max=%u)", rc,
            op.u.pcpu_info.flags, op.u.pcpu_info.max_present);
    memset(&op.u, 0, sizeof(op.u));
    op.u.pcpu_info.xen_cpuid = ncpus;
    rc = pf(XENPF_get_cpuinfo);
    t_check("PLAT0008", "get_cpuinfo of the CPU past the last (absent): flags invalid",
            rc == 0 && op.u.pcpu_info.flags == XEN_PCPU_FLAGS_INVALID,
            "(rc=%ld flags=%u)", rc, op.u.pcpu_info.flags);
    memset(&op.u, 0, sizeof(op.u));
    rc = pf(XENPF_get_cpu_version);
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(0), "c"(0));
    t_check("PLAT0009", "get_cpu_version of CPU 0: the CPU's vendor string and a family",
            rc == 0 && memcmp(op.u.pcpu_version.vendor_id, &r[1], 4) == 0 &&
            memcmp(op.u.pcpu_version.vendor_id + 4, &r[3], 4) == 0 &&
            memcmp(op.u.pcpu_version.vendor_id + 8, &r[2], 4) == 0 &&
            op.u.pcpu_version.family != 0, "(rc=%ld family=%u)", rc,
            op.u.pcpu_version.family);
}

static uint64_t wc_sec(void)
{
    return os_shared_info->wc_sec | (uint64_t)os_shared_info->wc_sec_hi << 32;
}

static void settime(void)
{
    uint64_t before = wc_sec(), now = os_now_ns(), secs, after;
    long rc;

    memset(&op.u, 0, sizeof(op.u));
    op.u.settime64.mbz = 1;
    t_rc("PLAT0010", "settime64 with mbz set gives -EINVAL", pf(XENPF_settime64), -XEN_EINVAL);
    /* The wallclock 1000 s later than it is: system time 0 moves by 1000 s. */
    secs = before + now / 1000000000ull + 1000;
    op.u.settime64.mbz = 0;
    op.u.settime64.secs = secs;
    op.u.settime64.nsecs = (uint32_t)(now % 1000000000ull);
    op.u.settime64.system_time = now;
    rc = pf(XENPF_settime64);
    after = wc_sec();
    t_check("PLAT0011", "settime64 moves every domain's wallclock (shared_info wc_sec)",
            rc == 0 && after >= before + 999 && after <= before + 1001,
            "(rc=%ld before=%lu after=%lu)", rc, (unsigned long)before, (unsigned long)after);
    memset(&op.u, 0, sizeof(op.u));
    op.u.settime32.secs = (uint32_t)(secs - 1000);
    op.u.settime32.nsecs = (uint32_t)(now % 1000000000ull);
    op.u.settime32.system_time = now;
    rc = pf(XENPF_settime32);
    after = wc_sec();
    t_check("PLAT0012", "settime32 sets it back", rc == 0 && after >= before - 1 &&
            after <= before + 1, "(rc=%ld before=%lu after=%lu)", rc, (unsigned long)before,
            (unsigned long)after);
}

static void others(void)
{
    memset(&op.u, 0, sizeof(op.u));
    op.u.enter_acpi_sleep.sleep_state = 5;
    op.u.enter_acpi_sleep.flags = 2;
    t_rc("PLAT0013", "enter_acpi_sleep with an unknown flag gives -EINVAL",
         pf(XENPF_enter_acpi_sleep), -XEN_EINVAL);
    op.u.enter_acpi_sleep.flags = 0;
    op.u.enter_acpi_sleep.val_a = 0x2000;
    op.u.enter_acpi_sleep.val_b = 0x0001;
    t_rc("PLAT0014", "enter_acpi_sleep with PM1a/PM1b disagreeing on SLP_EN gives -EINVAL",
         pf(XENPF_enter_acpi_sleep), -XEN_EINVAL);
    memset(&op.u, 0, sizeof(op.u));
    t_rc("PLAT0015", "getidletime gives -ENOSYS (the hypervisor controls CPU frequency)",
         pf(XENPF_getidletime), -XEN_ENOSYS);
    op.u.set_pminfo.type = 9;
    t_rc("PLAT0016", "set_processor_pminfo of an unknown type gives -EINVAL",
         pf(XENPF_set_processor_pminfo), -XEN_EINVAL);
}

/* mca XEN_MC_physcpuinfo: what Linux's mcelog reads of the physical CPUs. */
static void mca_cpus(void)
{
    static struct xen_mc mc;
    static struct xen_mc_logical_cpu info[4];
    unsigned int ncpus = selftest_online_cpus();
    int numbered = 1;
    uint32_t r[4];
    long rc;

    mc = (struct xen_mc){ .cmd = XEN_MC_physcpuinfo, .interface_version = XEN_MCA_INTERFACE_VERSION };
    rc = os_hypercall1(__HYPERVISOR_arch_0, (uint64_t)&mc);
    t_check("PLAT0018", "mca physcpuinfo without a buffer: okay, the count of CPUs online",
            rc == 0 && mc.u.mc_physcpuinfo.ncpus == ncpus, "(rc=%ld ncpus=%u)", rc,
            mc.u.mc_physcpuinfo.ncpus);
    mc.u.mc_physcpuinfo.ncpus = 0;
    mc.u.mc_physcpuinfo.info = (uint64_t)info;
    t_rc("PLAT0019", "mca physcpuinfo with a buffer for 0 CPUs gives -EINVAL",
         os_hypercall1(__HYPERVISOR_arch_0, (uint64_t)&mc), -XEN_EINVAL);
    mc.u.mc_physcpuinfo.ncpus = 4;
    rc = os_hypercall1(__HYPERVISOR_arch_0, (uint64_t)&mc);
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(0), "c"(0));
    for (unsigned int i = 0; i < ncpus && i < 4; i++)
        numbered &= info[i].mc_cpunr == i;
    t_check("PLAT0020", "mca physcpuinfo for 4: a record per CPU online (at most 4) in order, "
            "CPU 0 with the CPUID vendor and MCG_CAP",
            rc == 0 && mc.u.mc_physcpuinfo.ncpus == (ncpus < 4 ? ncpus : 4) && numbered &&
            memcmp(info[0].mc_vendorid, &r[1], 4) == 0 && info[0].mc_family != 0 &&
            info[0].mc_nmsrvals >= 1 && info[0].mc_msrvalues[0].reg == 0x179 &&
            info[0].mc_cpuid_level == (int32_t)r[0],
            "(rc=%ld ncpus=%u family=%u nmsr=%d)", rc, mc.u.mc_physcpuinfo.ncpus,
            info[0].mc_family, info[0].mc_nmsrvals);
    mc.u.mc_physcpuinfo.info = T_UNMAPPED_VA;
    t_rc("PLAT0021", "mca physcpuinfo into an unmapped buffer gives -EFAULT",
         os_hypercall1(__HYPERVISOR_arch_0, (uint64_t)&mc), -XEN_EFAULT);
}

void suite_platform(void)
{
    mca_cpus();
    firmware();
    cpus();
    settime();
    others();
}
