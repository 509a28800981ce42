/*
 * Xenolith public ABI: core guest interface (hypercall numbers, the
 * shared_info / vcpu_info pages, start_info, the PV MMU operations).
 *
 * Layouts and numbers are those of Xen's x86-64 PV ABI, bit for bit, so a
 * real Xen guest runs unchanged.  Hypercalls are made with "syscall"
 * through the hypercall page: number in %rax, arguments in %rdi, %rsi,
 * %rdx, %r10, %r8; result (0 or a negative XEN_E* value, see errno.h,
 * unless stated otherwise) in %rax.
 */
#ifndef XEN_PUBLIC_XEN_H
#define XEN_PUBLIC_XEN_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>
#endif

#include "arch-x86/xen.h"

/* Hypercall numbers (index into the hypercall page, 32 bytes per stub). */
#define __HYPERVISOR_set_trap_table                  0
#define __HYPERVISOR_mmu_update                      1
#define __HYPERVISOR_set_gdt                         2
#define __HYPERVISOR_stack_switch                    3
#define __HYPERVISOR_set_callbacks                   4
#define __HYPERVISOR_fpu_taskswitch                  5
#define __HYPERVISOR_sched_op_compat                 6
#define __HYPERVISOR_platform_op                     7
#define __HYPERVISOR_set_debugreg                    8
#define __HYPERVISOR_get_debugreg                    9
#define __HYPERVISOR_update_descriptor              10
/* 11 is unused */
#define __HYPERVISOR_memory_op                      12
#define __HYPERVISOR_multicall                      13
#define __HYPERVISOR_update_va_mapping              14
#define __HYPERVISOR_set_timer_op                   15
#define __HYPERVISOR_event_channel_op_compat        16
#define __HYPERVISOR_xen_version                    17
#define __HYPERVISOR_console_io                     18
#define __HYPERVISOR_physdev_op_compat              19
#define __HYPERVISOR_grant_table_op                 20
#define __HYPERVISOR_vm_assist                      21
#define __HYPERVISOR_update_va_mapping_otherdomain  22
#define __HYPERVISOR_iret                           23
#define __HYPERVISOR_vcpu_op                        24
#define __HYPERVISOR_set_segment_base               25
#define __HYPERVISOR_mmuext_op                      26
#define __HYPERVISOR_xsm_op                         27
#define __HYPERVISOR_nmi_op                         28
#define __HYPERVISOR_sched_op                       29
#define __HYPERVISOR_callback_op                    30
#define __HYPERVISOR_xenoprof_op                    31
#define __HYPERVISOR_event_channel_op               32
#define __HYPERVISOR_physdev_op                     33
#define __HYPERVISOR_hvm_op                         34
#define __HYPERVISOR_sysctl                         35
#define __HYPERVISOR_domctl                         36
#define __HYPERVISOR_kexec_op                       37
#define __HYPERVISOR_tmem_op                        38
#define __HYPERVISOR_argo_op                        39
#define __HYPERVISOR_xenpmu_op                      40
#define __HYPERVISOR_dm_op                          41
#define __HYPERVISOR_hypfs_op                       42
/* Architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0                         48
#define __HYPERVISOR_arch_1                         49
#define __HYPERVISOR_arch_2                         50
#define __HYPERVISOR_arch_3                         51
#define __HYPERVISOR_arch_4                         52
#define __HYPERVISOR_arch_5                         53
#define __HYPERVISOR_arch_6                         54
#define __HYPERVISOR_arch_7                         55

/* Size of one stub in the hypercall page, and how many stubs fit. */
#define XEN_HYPERCALL_STUB_SIZE                     32
#define XEN_HYPERCALL_MAX                          128

/*
 * Virtual IRQs: per-vCPU or global events the hypervisor raises.
 * Bound to a port with EVTCHNOP_bind_virq.
 */
#define VIRQ_TIMER      0   /* per-vCPU: timer tick / one-shot expiry */
#define VIRQ_DEBUG      1   /* per-vCPU: debug key pressed */
#define VIRQ_CONSOLE    2   /* global, dom0: bytes on the hypervisor console */
#define VIRQ_DOM_EXC    3   /* global, dom0: a domain crashed or shut down */
#define VIRQ_TBUF       4   /* global: trace buffer has records */
#define VIRQ_DEBUGGER   6   /* global: a domain was paused for the debugger */
#define VIRQ_XENOPROF   7   /* per-vCPU: profiling samples */
#define VIRQ_CON_RING   8   /* global: hypervisor console ring has data */
#define VIRQ_PCPU_STATE 9   /* global: physical CPU went on/offline */
#define VIRQ_MEM_EVENT  10  /* global: memory event ring */
#define VIRQ_ARGO       11  /* per-vCPU: argo message */
#define VIRQ_ENOMEM     12  /* global: hypervisor heap low */
#define VIRQ_XENPMU     13  /* per-vCPU: PMU interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/*
 * mmu_update (hypercall 1): mmu_update(reqs, count, done_out, foreign_dom).
 * Applies count requests in order; the low 2 bits of ptr select the command
 * and the rest is a machine address:
 *   MMU_NORMAL_PT_UPDATE: write val into the PTE at machine address ptr,
 *     after validating it for that table's type.
 *   MMU_MACHPHYS_UPDATE: ptr>>12 is an MFN of the caller; set M2P[mfn]=val.
 *   MMU_PT_UPDATE_PRESERVE_AD: like NORMAL but keep the entry's current
 *     Accessed/Dirty bits.
 *   MMU_PT_UPDATE_NO_TRANSLATE: NORMAL for translated guests; as NORMAL here.
 * done_out (may be NULL) receives how many requests were applied.
 * foreign_dom names the domain whose frames val may map (DOMID_SELF usual).
 * Errors: -EINVAL bad command/entry, -EPERM forbidden mapping, -EFAULT
 * bad pointer, -ESRCH bad foreign domain.
 */
#define MMU_NORMAL_PT_UPDATE        0
#define MMU_MACHPHYS_UPDATE         1
#define MMU_PT_UPDATE_PRESERVE_AD   2
#define MMU_PT_UPDATE_NO_TRANSLATE  3

#ifndef __ASSEMBLER__
struct mmu_update {
    uint64_t ptr;   /* machine address of the PTE | MMU_* command */
    uint64_t val;   /* new contents */
};
typedef struct mmu_update mmu_update_t;
XEN_DEFINE_GUEST_HANDLE(mmu_update_t);
_Static_assert(sizeof(struct mmu_update) == 16, "mmu_update size");
#endif

/*
 * mmuext_op (hypercall 26): mmuext_op(ops, count, done_out, foreign_dom).
 * Extended MMU commands, one per entry:
 *   PIN_L{1..4}_TABLE (arg1.mfn): validate as a page table and pin it.
 *   UNPIN_TABLE (arg1.mfn): drop the pin.
 *   NEW_BASEPTR (arg1.mfn): switch the kernel root (a pinned L4).
 *   NEW_USER_BASEPTR (arg1.mfn): set the user-mode root (0 = none).
 *   TLB_FLUSH_LOCAL, INVLPG_LOCAL (arg1.linear_addr): local flushes.
 *   TLB_FLUSH_MULTI, INVLPG_MULTI (arg2.vcpumask): flush on listed vCPUs.
 *   TLB_FLUSH_ALL, INVLPG_ALL: flush on all of the domain's vCPUs.
 *   FLUSH_CACHE, FLUSH_CACHE_GLOBAL: wbinvd (privileged).
 *   SET_LDT (arg1.linear_addr, arg2.nr_ents): install an LDT.
 *   CLEAR_PAGE (arg1.mfn), COPY_PAGE (arg1.mfn <- arg2.src_mfn).
 *   MARK_SUPER, UNMARK_SUPER: superpage tracking (unsupported).
 * Errors: -EINVAL bad command/frame type, -EPERM not the owner,
 * -EBUSY already pinned, -EFAULT bad pointer.
 */
#define MMUEXT_PIN_L1_TABLE         0
#define MMUEXT_PIN_L2_TABLE         1
#define MMUEXT_PIN_L3_TABLE         2
#define MMUEXT_PIN_L4_TABLE         3
#define MMUEXT_UNPIN_TABLE          4
#define MMUEXT_NEW_BASEPTR          5
#define MMUEXT_TLB_FLUSH_LOCAL      6
#define MMUEXT_INVLPG_LOCAL         7
#define MMUEXT_TLB_FLUSH_MULTI      8
#define MMUEXT_INVLPG_MULTI         9
#define MMUEXT_TLB_FLUSH_ALL       10
#define MMUEXT_INVLPG_ALL          11
#define MMUEXT_FLUSH_CACHE         12
#define MMUEXT_SET_LDT             13
#define MMUEXT_NEW_USER_BASEPTR    15
#define MMUEXT_CLEAR_PAGE          16
#define MMUEXT_COPY_PAGE           17
#define MMUEXT_FLUSH_CACHE_GLOBAL  18
#define MMUEXT_MARK_SUPER          19
#define MMUEXT_UNMARK_SUPER        20

#ifndef __ASSEMBLER__
struct mmuext_op {
    uint32_t cmd;                       /* MMUEXT_* */
    union {
        xen_pfn_t mfn;
        uint64_t  linear_addr;
    } arg1;
    union {
        uint32_t nr_ents;
        XEN_GUEST_HANDLE(const_void) vcpumask;   /* bitmap of vCPU ids */
        xen_pfn_t src_mfn;
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
XEN_DEFINE_GUEST_HANDLE(mmuext_op_t);
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op size");
_Static_assert(offsetof(struct mmuext_op, arg1) == 8, "mmuext_op.arg1");
_Static_assert(offsetof(struct mmuext_op, arg2) == 16, "mmuext_op.arg2");
#endif

/*
 * update_va_mapping (14): update_va_mapping(va, new_pte, flags) writes the
 * L1 entry mapping va in the current address space.  _otherdomain (22)
 * takes a 4th argument, the domain whose frame new_pte may map.
 * flags: UVMF_NONE/TLB_FLUSH/INVLPG in the low bits, combined with
 * UVMF_LOCAL (this vCPU), UVMF_ALL (all vCPUs of the domain) or, for
 * UVMF_MULTI, a pointer to a vCPU bitmap OR'ed into flags.
 */
#define UVMF_NONE               0x0
#define UVMF_TLB_FLUSH          0x1
#define UVMF_INVLPG             0x2
#define UVMF_FLUSHTYPE_MASK     0x3
#define UVMF_MULTI              0x0
#define UVMF_LOCAL              0x0
#define UVMF_ALL                0x4

/* console_io (18): console_io(cmd, count, buf). */
#define CONSOLEIO_write         0   /* write count bytes of buf; returns 0 */
#define CONSOLEIO_read          1   /* read up to count bytes; returns count read */

/*
 * vm_assist (21): vm_assist(cmd, type) turns an optional hypervisor
 * behaviour on or off.  Errors: -EINVAL unknown type or command.
 */
#define VMASST_CMD_enable                   0
#define VMASST_CMD_disable                  1
#define VMASST_TYPE_4gb_segments            0   /* 32-bit only */
#define VMASST_TYPE_4gb_segments_notify     1   /* 32-bit only */
#define VMASST_TYPE_writable_pagetables     2   /* trap-and-emulate PTE writes */
#define VMASST_TYPE_pae_extended_cr3        3   /* 32-bit only */
#define VMASST_TYPE_architectural_iopl      4   /* IOPL from the bounce frame */
#define VMASST_TYPE_runstate_update_flag    5   /* XEN_RUNSTATE_UPDATE in state_entry_time */
#define VMASST_TYPE_m2p_strict              32  /* no M2P in user page tables */
#define MAX_VMASST_TYPE                     3   /* legacy upper bound */

/* Domain identifiers. */
#ifndef __ASSEMBLER__
typedef uint16_t domid_t;
#endif
#define DOMID_FIRST_RESERVED    0x7ff0
#define DOMID_SELF              0x7ff0  /* the calling domain */
#define DOMID_IO                0x7ff1  /* owner of I/O memory */
#define DOMID_XEN               0x7ff2  /* owner of hypervisor frames */
#define DOMID_COW               0x7ff3  /* owner of shared (copy-on-write) frames */
#define DOMID_INVALID           0x7ff4
#define DOMID_IDLE              0x7fff
#define DOMID_MASK              0x7fff

/*
 * multicall (13): multicall(entries, count) runs count hypercalls in
 * order; each entry's result field receives that call's return value.
 * Returns 0, or an error if the list itself could not be read.
 */
#ifndef __ASSEMBLER__
struct multicall_entry {
    xen_ulong_t op;         /* hypercall number */
    xen_ulong_t result;     /* OUT: its return value */
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
XEN_DEFINE_GUEST_HANDLE(multicall_entry_t);
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry size");
_Static_assert(offsetof(struct multicall_entry, args) == 16, "multicall_entry.args");
#endif

/* 2-level event channels: number of ports (bits in evtchn_pending). */
#define NR_EVENT_CHANNELS       (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/*
 * Per-vCPU time information (pvclock).  Guests read it under the version
 * seqcount (odd = update in progress):
 *   now_ns = system_time + scale(rdtsc() - tsc_timestamp)
 * where scale shifts the delta left by tsc_shift (right if negative) and
 * multiplies by tsc_to_system_mul / 2^32.
 */
#ifndef __ASSEMBLER__
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since boot at the last update */
    uint32_t tsc_to_system_mul; /* 32.32 fixed-point multiplier */
    int8_t   tsc_shift;
    uint8_t  flags;             /* XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info size");
_Static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24, "vti.mul");
_Static_assert(offsetof(struct vcpu_time_info, tsc_shift) == 28, "vti.shift");
#endif

#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)

/*
 * Per-vCPU event state.  An upcall is due when evtchn_upcall_pending is 1
 * and evtchn_upcall_mask is 0 (the guest's virtual interrupt flag).
 */
#ifndef __ASSEMBLER__
struct vcpu_info {
    uint8_t  evtchn_upcall_pending;
    uint8_t  evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;   /* which evtchn_pending words to scan */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info size");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "vcpu_info.pending_sel");
_Static_assert(offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");
#endif

/*
 * The shared_info page: one hypervisor-owned frame per domain whose machine
 * address is start_info.shared_info.  Holds the legacy vcpu_info array,
 * the 2-level event bitmaps and the wallclock (wc_* under wc_version).
 */
#ifndef __ASSEMBLER__
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;    /* seqcount for wc_sec/wc_nsec/wc_sec_hi */
    uint32_t wc_sec;        /* wallclock seconds at system time 0, low half */
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;     /* high half of the seconds */
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info size");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048, "shinfo.evtchn_pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560, "shinfo.evtchn_mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072, "shinfo.wc_version");
_Static_assert(offsetof(struct shared_info, wc_sec_hi) == 3084, "shinfo.wc_sec_hi");
_Static_assert(offsetof(struct shared_info, arch) == 3088, "shinfo.arch");
#endif

/*
 * start_info: the page whose VA a PV kernel receives in %rsi at entry.
 * The domain builder fills it; the rest of the page is zero.
 * Fields up to console are refreshed on resume, the rest only at boot.
 */
#define MAX_GUEST_CMDLINE       1024

#ifndef __ASSEMBLER__
struct start_info {
    char     magic[32];         /* "xen-<version>-<platform>", e.g. xen-3.0-x86_64 */
    uint64_t nr_pages;          /* pages of RAM given to the domain */
    uint64_t shared_info;       /* MACHINE address of shared_info */
    uint32_t flags;             /* SIF_* */
    xen_pfn_t store_mfn;        /* MFN of the xenstore ring */
    uint32_t store_evtchn;      /* port of the xenstore ring */
    union {
        struct {
            xen_pfn_t mfn;      /* MFN of the console ring */
            uint32_t  evtchn;   /* port of the console ring */
        } domU;
        struct {
            uint32_t info_off;  /* offset of a dom0_vga_console_info in this page */
            uint32_t info_size; /* its size */
        } dom0;
    } console;
    uint64_t pt_base;           /* VA of the initial L4 */
    uint64_t nr_pt_frames;      /* frames of the initial page tables */
    uint64_t mfn_list;          /* VA of the P2M array */
    uint64_t mod_start;         /* VA (or PFN, SIF_MOD_START_PFN) of the initrd */
    uint64_t mod_len;           /* initrd length in bytes */
    int8_t   cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn;     /* first PFN of a separately mapped P2M */
    uint64_t nr_p2m_frames;     /* its frame count (0 = not used) */
};
typedef struct start_info start_info_t;
_Static_assert(sizeof(struct start_info) == 1168, "start_info size");
_Static_assert(offsetof(struct start_info, flags) == 48, "start_info.flags");
_Static_assert(offsetof(struct start_info, store_mfn) == 56, "start_info.store_mfn");
_Static_assert(offsetof(struct start_info, store_evtchn) == 64, "start_info.store_evtchn");
_Static_assert(offsetof(struct start_info, console) == 72, "start_info.console");
_Static_assert(offsetof(struct start_info, pt_base) == 88, "start_info.pt_base");
_Static_assert(offsetof(struct start_info, mfn_list) == 104, "start_info.mfn_list");
_Static_assert(offsetof(struct start_info, cmd_line) == 128, "start_info.cmd_line");
_Static_assert(offsetof(struct start_info, first_p2m_pfn) == 1152, "start_info.first_p2m_pfn");
#endif

/* start_info.flags */
#define SIF_PRIVILEGED          (1 << 0)   /* domain is privileged */
#define SIF_INITDOMAIN          (1 << 1)   /* the initial control domain */
#define SIF_MULTIBOOT_MOD       (1 << 2)   /* mod_start is a xen_multiboot_mod_list */
#define SIF_MOD_START_PFN       (1 << 3)   /* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS     (1 << 4)   /* tools understand a virtual P2M */
#define SIF_PM_MASK             (0xff << 8) /* power-management options */

/* Entry of the module list that SIF_MULTIBOOT_MOD announces. */
#ifndef __ASSEMBLER__
struct xen_multiboot_mod_list {
    uint32_t mod_start;     /* PFN-relative start of the module */
    uint32_t mod_end;
    uint32_t cmdline;       /* offset of its command line from mod_start */
    uint32_t pad;
};
_Static_assert(sizeof(struct xen_multiboot_mod_list) == 16, "xen_multiboot_mod_list size");
#endif

/* Dom0 console description pointed to by start_info.console.dom0. */
#define XEN_VGATYPE_TEXT_MODE_3  0x03
#define XEN_VGATYPE_VESA_LFB     0x23
#define XEN_VGATYPE_EFI_LFB      0x70

#ifndef __ASSEMBLER__
struct dom0_vga_console_info {
    uint8_t video_type;     /* XEN_VGATYPE_* */
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;
            uint32_t lfb_size;
            uint8_t  red_pos, red_size;
            uint8_t  green_pos, green_size;
            uint8_t  blue_pos, blue_size;
            uint8_t  rsvd_pos, rsvd_size;
            uint32_t gbl_caps;
            uint16_t mode_attrs;
            uint16_t pad;
            uint32_t ext_lfb_base;  /* high 32 bits of the framebuffer */
        } vesa_lfb;
    } u;
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;
_Static_assert(offsetof(struct dom0_vga_console_info, u) == 4, "dom0_vga_console_info.u");
_Static_assert(sizeof(struct dom0_vga_console_info) == 40, "dom0_vga_console_info size");
#endif

/* 128-bit domain handle (UUID) used by domctl and XENVER_guest_handle. */
#ifndef __ASSEMBLER__
typedef uint8_t xen_domain_handle_t[16];
#endif

#endif /* XEN_PUBLIC_XEN_H */
