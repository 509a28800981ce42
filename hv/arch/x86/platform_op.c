/*
 * The hardware domain's platform interfaces: platform_op (7) and mca (48).
 * Both answer Xen 4.17's checks in Xen's order. Of platform_op Xenolith serves
 * what Linux's Dom0 asks at boot and poweroff (settime, firmware_info,
 * enter_acpi_sleep S5, get_cpuinfo, get_cpu_version) and core_parking; the
 * other cmds answer -ENOSYS (Xen's "unknown" answer; docs/linux-dom0.md).
 * mca collects no machine-check telemetry: fetch reports no data, as Xen
 * does on a machine without errors; physcpuinfo describes the CPU; the
 * injections answer -EOPNOTSUPP, unknown cmds -EINVAL as Xen's.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/platform.h>
#include <xen/sched.h>
#include <xen/arch-x86/xen-mca.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <xl/string.h>
#include <hv/time.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/smp.h>

/*
 * Xenolith runs on one CPU, so there is nothing to park. Xen does SET on CPU 0
 * in a context of its own while the caller's vCPU steps off the CPU, so the
 * caller comes back through a full reload of its segment state (and its
 * failsafe callback if a selector no longer loads): do the same.
 */
static long core_parking(XEN_GUEST_HANDLE_PARAM(xen_platform_op_t) arg, struct xen_platform_op *op)
{
    switch (op->u.core_parking.type) {
    case XEN_CORE_PARKING_SET:
        segments_reload(current, guest_regs());
        return 0;
    case XEN_CORE_PARKING_GET:
        op->u.core_parking.idle_nums = 0;
        return copy_field_to_guest(arg, op, u.core_parking) ? -XEN_EFAULT : 0;
    default:
        return -XEN_EINVAL;
    }
}

/*
 * The firmware facts Xen gathered in real mode before it started: EDD disk
 * parameters, MBR signatures, the VBE EDID block, the keyboard shift flags.
 * Xenolith starts from multiboot in protected mode and collects none, so it
 * answers as Xen on a machine whose BIOS reported no disk and no EDID: every
 * index is past the list (-ESRCH); the shift flags come from the BIOS data
 * area; EFI information on a BIOS boot is -ENOSYS.
 */
static long firmware_info(XEN_GUEST_HANDLE_PARAM(xen_platform_op_t) arg, struct xen_platform_op *op)
{
    struct xenpf_firmware_info *fw = &op->u.firmware_info;

    switch (fw->type) {
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
    case XEN_FW_VBEDDC_INFO:
        return -XEN_ESRCH;
    case XEN_FW_KBD_SHIFT_FLAGS:
        /* What the BIOS keeps in its data area (0x417), which Xen asked it at boot. */
        if (fw->index != 0)
            return -XEN_ESRCH;
        fw->u.kbd_shift_flags = *(const uint8_t *)maddr_to_virt(0x417);
        return copy_field_to_guest(arg, op, u.firmware_info.u.kbd_shift_flags) ? -XEN_EFAULT : 0;
    case XEN_FW_EFI_INFO:
        return -XEN_ENOSYS;
    default:
        return -XEN_EINVAL;
    }
}

#define ACPI_SLEEP_ENABLE 0x2000u       /* PM1 control: SLP_EN */
#define ACPI_STATE_S5     5

/*
 * enter_acpi_sleep with Xen's argument checks. S5 is the machine's
 * poweroff: Dom0's fate is the machine's, so it ends as Dom0's
 * SCHEDOP_shutdown(poweroff) does. Xenolith does not suspend (S1-S4).
 */
static long enter_acpi_sleep(const struct xenpf_enter_acpi_sleep *s)
{
    if (s->flags & XENPF_ACPI_SLEEP_EXTENDED) {
        if (s->flags & ~XENPF_ACPI_SLEEP_EXTENDED)
            return -XEN_EINVAL;
    } else if (s->val_b && ((s->val_a ^ s->val_b) & ACPI_SLEEP_ENABLE)) {
        return -XEN_EINVAL;
    } else if (s->flags) {
        return -XEN_EINVAL;
    }
    if (s->sleep_state == 0 || s->sleep_state > ACPI_STATE_S5)
        return -XEN_EINVAL;
    if (s->sleep_state != ACPI_STATE_S5)
        return -XEN_EOPNOTSUPP;
    domain_shutdown(current->domain, SHUTDOWN_poweroff);
    return 0;
}

/* Family and model from CPUID leaf 1's EAX, with the extended fields as the SDM adds them. */
static void cpu_signature(uint32_t eax, uint32_t *family, uint32_t *model)
{
    *family = (eax >> 8) & 0xf;
    *model = (eax >> 4) & 0xf;
    if (*family == 0xf)
        *family += (eax >> 20) & 0xff;
    if (*family >= 6)
        *model |= ((eax >> 16) & 0xf) << 4;
}

/* Every CPU Xenolith found is brought up: present and online are the same CPUs, 0 to n - 1. */
static void pcpu_info(struct xenpf_pcpuinfo *pi)
{
    pi->max_present = nr_cpus_online - 1;
    if (!cpu_online(pi->xen_cpuid)) {
        pi->flags = XEN_PCPU_FLAGS_INVALID;
        return;
    }
    pi->apic_id = cpu_info_of(pi->xen_cpuid)->apic_id;
    pi->acpi_id = cpu_info_of(pi->xen_cpuid)->acpi_id;
    pi->flags = XEN_PCPU_FLAGS_ONLINE;
}

static void pcpu_version(struct xenpf_pcpu_version *pv)
{
    uint32_t r[4];

    pv->max_present = nr_cpus_online - 1;
    if (!cpu_online(pv->xen_cpuid)) {
        memset(pv->vendor_id, 0, sizeof(pv->vendor_id));
        pv->family = pv->model = pv->stepping = 0;
        return;
    }
    cpuid_count(0, 0, r);
    memcpy(pv->vendor_id, &r[1], 4);
    memcpy(pv->vendor_id + 4, &r[3], 4);
    memcpy(pv->vendor_id + 8, &r[2], 4);
    cpuid_count(1, 0, r);
    cpu_signature(r[0], &pv->family, &pv->model);
    pv->stepping = r[0] & 0xf;
}

long do_platform_op(XEN_GUEST_HANDLE_PARAM(xen_platform_op_t) arg)
{
    struct xen_platform_op op;
    long rc = hypercall_envelope(arg, &op, XENPF_INTERFACE_VERSION);

    if (rc)
        return rc;
    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    switch (op.cmd) {
    case XENPF_settime32:
        time_set_wallclock(op.u.settime32.secs, op.u.settime32.nsecs, op.u.settime32.system_time);
        return 0;
    case XENPF_settime64:
        if (op.u.settime64.mbz)
            return -XEN_EINVAL;
        time_set_wallclock(op.u.settime64.secs, op.u.settime64.nsecs, op.u.settime64.system_time);
        return 0;
    case XENPF_firmware_info:
        return firmware_info(arg, &op);
    case XENPF_enter_acpi_sleep:
        return enter_acpi_sleep(&op.u.enter_acpi_sleep);
    case XENPF_getidletime:
        return -XEN_ENOSYS;             /* Xen too, unless Dom0 controls CPU frequency */
    case XENPF_set_processor_pminfo:
        switch (op.u.set_pminfo.type) {
        case XEN_PM_CX:
        case XEN_PM_PX:
        case XEN_PM_TX:
            return -XEN_ENOSYS;         /* no power-management driver, as Xen without one */
        case XEN_PM_PDC:
            return -XEN_ENOSYS;
        default:
            return -XEN_EINVAL;
        }
    case XENPF_get_cpuinfo:
        pcpu_info(&op.u.pcpu_info);
        return copy_field_to_guest(arg, &op, u.pcpu_info) ? -XEN_EFAULT : 0;  /* that field only, as Xen */
    case XENPF_get_cpu_version:
        pcpu_version(&op.u.pcpu_version);
        return copy_field_to_guest(arg, &op, u.pcpu_version) ? -XEN_EFAULT : 0;
    case XENPF_core_parking:
        return core_parking(arg, &op);
    default:
        return -XEN_ENOSYS;
    }
}

/*
 * XEN_MC_physcpuinfo: the one physical CPU as Xen describes each of its own
 * (what Linux's mcelog reads to place machine-check records): its number,
 * topology (one package, core, thread), CPUID identity and MCG_CAP.
 */
static void mc_cpu_info(struct xen_mc_logical_cpu *c)
{
    uint32_t r[4], vendor[3];

    memset(c, 0, sizeof(*c));
    cpuid_count(0, 0, r);
    c->mc_cpuid_level = (int32_t)r[0];
    vendor[0] = r[1];
    vendor[1] = r[3];
    vendor[2] = r[2];
    memcpy(c->mc_vendorid, vendor, sizeof(vendor));
    c->mc_vendor = !memcmp(vendor, "GenuineIntel", 12) ? X86_VENDOR_INTEL :
                   !memcmp(vendor, "AuthenticAMD", 12) ? X86_VENDOR_AMD :
                   !memcmp(vendor, "HygonGenuine", 12) ? X86_VENDOR_HYGON : 0;
    cpuid_count(1, 0, r);
    cpu_signature(r[0], &c->mc_family, &c->mc_model);
    c->mc_step = r[0] & 0xf;
    c->mc_apicid = r[1] >> 24;
    c->mc_cache_alignment = ((r[1] >> 8) & 0xff) * 8;
    c->mc_cpu_caps[0] = r[3];
    c->mc_cpu_caps[1] = r[2];
    c->mc_ncores = c->mc_ncores_active = c->mc_nthreads = 1;
    c->mc_nmsrvals = 1;
    c->mc_msrvalues[0].reg = 0x179;                     /* MSR_IA32_MCG_CAP */
    if (r[3] & (1u << 14))                              /* MCA: the MSR exists */
        c->mc_msrvalues[0].value = rdmsr(0x179);
    cpuid_count(0x80000000, 0, r);
    if (r[0] >= 0x80000004)
        for (uint32_t leaf = 0; leaf < 3; leaf++) {
            cpuid_count(0x80000002 + leaf, 0, r);
            memcpy(c->mc_brandid + leaf * 16, r, 16);
        }
}

static long mc_physcpuinfo(XEN_GUEST_HANDLE_PARAM(xen_mc_t) arg, struct xen_mc *op)
{
    struct xen_mc_physcpuinfo *pi = &op->u.mc_physcpuinfo;
    XEN_GUEST_HANDLE(xen_mc_logical_cpu_t) info = guest_handle_from_va(xen_mc_logical_cpu_t, pi->info);
    struct xen_mc_logical_cpu c;
    long rc = 0;

    unsigned int n = nr_cpus_online;

    /* As Xen: a record for each CPU online, as many as the buffer holds. */
    if (!guest_handle_is_null(info)) {
        if ((int32_t)pi->ncpus <= 0)
            return -XEN_EINVAL;
        if (pi->ncpus < n)
            n = pi->ncpus;
        for (unsigned int cpu = 0; cpu < n && !rc; cpu++) {
            mc_cpu_info(&c);            /* the CPUs are alike: the calling one's identity */
            c.mc_cpunr = cpu;
            c.mc_apicid = cpu_info_of(cpu)->apic_id;
            if (copy_to_guest_offset(info, cpu, &c, 1))
                rc = -XEN_EFAULT;
        }
    }
    pi->ncpus = n;
    if (copy_to_guest(arg, op, 1))
        return -XEN_EFAULT;
    return rc;
}

/* Privilege first (the hypercall table), then the envelope: Xen's order for mca. */
long do_mca(XEN_GUEST_HANDLE_PARAM(xen_mc_t) arg)
{
    struct xen_mc op;
    long rc = hypercall_envelope(arg, &op, XEN_MCA_INTERFACE_VERSION);

    if (rc)
        return rc;
    switch (op.cmd) {
    case XEN_MC_fetch: {
        struct xen_mc_fetch *f = &op.u.mc_fetch;
        uint32_t queue = f->flags & (XEN_MC_NONURGENT | XEN_MC_URGENT);

        if (queue != XEN_MC_NONURGENT && queue != XEN_MC_URGENT)
            return -XEN_EINVAL;
        if (f->flags & XEN_MC_ACK)
            return 0;                           /* nothing was handed out */
        if (!f->data)
            return -XEN_EINVAL;
        f->flags = XEN_MC_OK | XEN_MC_NODATA;
        f->fetch_id = 0;
        return copy_to_guest(arg, &op, 1) ? -XEN_EFAULT : 0;
    }
    case XEN_MC_notifydomain:
        return -XEN_EINVAL;                     /* unsupported in Xen too */
    case XEN_MC_physcpuinfo:
        return mc_physcpuinfo(arg, &op);
    case XEN_MC_msrinject:
    case XEN_MC_mceinject:
    case XEN_MC_inject_v2:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_EINVAL;
    }
}
