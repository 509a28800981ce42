/*
 * Xenolith public ABI: platform_op (hypercall 7), the hardware domain's
 * access to platform facilities (time, microcode, CPU power, firmware).
 *
 * The envelope is Xen 4.17's: cmd, interface_version, a 128-byte union.
 * Checks, in Xen's order: readable envelope (-XEN_EFAULT), interface_version
 * equal to XENPF_INTERFACE_VERSION (-XEN_EACCES), privileged caller
 * (-XEN_EPERM). Served: settime, firmware_info, enter_acpi_sleep (S5),
 * get_cpuinfo, get_cpu_version, core_parking; getidletime and pminfo as Xen
 * answers while it controls CPU frequency. Every other cmd answers
 * -XEN_ENOSYS (docs/differences-from-xen.md).
 */
#ifndef XEN_PUBLIC_PLATFORM_H
#define XEN_PUBLIC_PLATFORM_H
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>

#define XENPF_INTERFACE_VERSION 0x03000001u

/* settime: the wallclock was secs.nsecs at system time system_time. */
#define XENPF_settime32          17
struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;
};
_Static_assert(sizeof(struct xenpf_settime32) == 16, "xenpf_settime32 size");
#define XENPF_settime64          62
struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;               /* nonzero: -XEN_EINVAL */
    uint64_t system_time;
};
_Static_assert(sizeof(struct xenpf_settime64) == 24, "xenpf_settime64 size");

/*
 * firmware_info: what the BIOS told the hypervisor at boot. An index past
 * the list (Xenolith, booted by multiboot, collects none) is -XEN_ESRCH;
 * EFI information on a BIOS boot is -XEN_ENOSYS; an unknown type -XEN_EINVAL.
 */
#define XENPF_firmware_info       50
#define XEN_FW_DISK_INFO          1
#define XEN_FW_DISK_MBR_SIGNATURE 2
#define XEN_FW_VBEDDC_INFO        3
#define XEN_FW_EFI_INFO           4
#define XEN_FW_KBD_SHIFT_FLAGS    5
struct xenpf_firmware_info {
    uint32_t type;              /* IN: XEN_FW_* */
    uint32_t index;             /* IN */
    union {                     /* OUT, by type */
        struct {
            uint8_t device;
            uint8_t version;
            uint16_t interface_support;
            uint16_t legacy_max_cylinder;
            uint8_t legacy_max_head;
            uint8_t legacy_sectors_per_track;
            uint64_t edd_params;        /* guest handle; first uint16_t its size */
        } disk_info;
        struct {
            uint8_t device;
            uint32_t mbr_signature;
        } disk_mbr_signature;
        uint8_t kbd_shift_flags;
        uint8_t pad[48];
    } u;
};

/* enter_acpi_sleep: the hypervisor writes the ACPI sleep registers (S3, S5). */
#define XENPF_enter_acpi_sleep    51
#define XENPF_ACPI_SLEEP_EXTENDED 0x00000001u
struct xenpf_enter_acpi_sleep {
    uint16_t val_a;             /* PM1a control / sleep type A */
    uint16_t val_b;             /* PM1b control / sleep type B */
    uint32_t sleep_state;       /* S<n> */
    uint32_t flags;             /* XENPF_ACPI_SLEEP_* */
};

#define XENPF_getidletime         53    /* -XEN_ENOSYS: the hypervisor controls frequency */
#define XENPF_set_processor_pminfo 54
#define XEN_PM_CX   0
#define XEN_PM_PX   1
#define XEN_PM_TX   2
#define XEN_PM_PDC  3
struct xenpf_set_processor_pminfo {
    uint32_t id;                /* ACPI processor id */
    uint32_t type;              /* XEN_PM_* */
};

/* get_cpuinfo: one physical CPU's APIC and ACPI ids, and the highest present. */
#define XENPF_get_cpuinfo        55
#define XEN_PCPU_FLAGS_ONLINE    1
#define XEN_PCPU_FLAGS_INVALID   2
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;         /* IN */
    uint32_t max_present;       /* OUT */
    uint32_t flags;             /* OUT: XEN_PCPU_FLAGS_* */
    uint32_t apic_id;
    uint32_t acpi_id;
};
_Static_assert(sizeof(struct xenpf_pcpuinfo) == 20, "xenpf_pcpuinfo size");

/* get_cpu_version: one physical CPU's vendor and family/model/stepping. */
#define XENPF_get_cpu_version    48
struct xenpf_pcpu_version {
    uint32_t xen_cpuid;         /* IN */
    uint32_t max_present;       /* OUT */
    char vendor_id[12];
    uint32_t family;
    uint32_t model;
    uint32_t stepping;
};
_Static_assert(sizeof(struct xenpf_pcpu_version) == 32, "xenpf_pcpu_version size");

/*
 * core_parking: SET asks for idle_nums CPUs to be parked (at most all but
 * one); GET reports how many are. Xenolith runs on one CPU, so none is ever
 * parked: SET answers 0, GET reports 0. Unknown type: -XEN_EINVAL. Like Xen,
 * SET does its work in another context: the caller's vCPU state is saved and
 * loaded again on the way back (its data segment selectors are reloaded).
 */
#define XENPF_core_parking       60
#define XEN_CORE_PARKING_SET     1
#define XEN_CORE_PARKING_GET     2
struct xenpf_core_parking {
    uint32_t type;              /* IN: XEN_CORE_PARKING_* */
    uint32_t idle_nums;         /* IN (SET) / OUT (GET) */
};
_Static_assert(sizeof(struct xenpf_core_parking) == 8, "xenpf_core_parking size");

struct xen_platform_op {
    uint32_t cmd;                   /* XENPF_* */
    uint32_t interface_version;     /* XENPF_INTERFACE_VERSION */
    union {
        struct xenpf_core_parking core_parking;
        struct xenpf_settime32 settime32;
        struct xenpf_settime64 settime64;
        struct xenpf_firmware_info firmware_info;
        struct xenpf_enter_acpi_sleep enter_acpi_sleep;
        struct xenpf_set_processor_pminfo set_pminfo;
        struct xenpf_pcpuinfo pcpu_info;
        struct xenpf_pcpu_version pcpu_version;
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;
XEN_DEFINE_GUEST_HANDLE(xen_platform_op_t);
_Static_assert(offsetof(struct xen_platform_op, u) == 8, "xen_platform_op.u");
_Static_assert(sizeof(struct xen_platform_op) == 136, "xen_platform_op size");

#endif /* XEN_PUBLIC_PLATFORM_H */
