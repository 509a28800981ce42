/*
 * Xenolith public ABI: x86 architecture part of the guest interface.
 *
 * Basic scalar types, guest handles, the trap table entry, the arch part
 * of shared_info and the full vCPU context (vcpu_guest_context).  Only
 * the 64-bit PV ABI is described: xen_ulong_t and pointers are 8 bytes.
 */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_H
#define XEN_PUBLIC_ARCH_X86_XEN_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>
#endif

#include "xen-x86_64.h"

/*
 * Guest handles: a guest virtual address that the hypervisor must only
 * access through its copy_{to,from}_guest door.  On x86-64 a handle is
 * an 8-byte pointer; the union lets a guest store a typed pointer (.p)
 * while the hypervisor reads the raw address (.addr) without ever
 * dereferencing it.
 */
#define XEN_DEFINE_GUEST_HANDLE_NAMED(name, type) \
    typedef union { type *p; uint64_t addr; } xen_guest_handle_##name##_t
#define XEN_DEFINE_GUEST_HANDLE(type) XEN_DEFINE_GUEST_HANDLE_NAMED(type, type)
#define XEN_GUEST_HANDLE(name)        xen_guest_handle_##name##_t
/* In the 64-bit ABI every handle already is 64 bits wide. */
#define XEN_GUEST_HANDLE_64(name)     XEN_GUEST_HANDLE(name)
/* Store a pointer in a handle (guest side). */
#define xen_set_guest_handle(hnd, val) do { (hnd).addr = 0; (hnd).p = (val); } while (0)

/* Machine or pseudo-physical frame number. */
#ifndef __ASSEMBLER__
typedef uint64_t xen_pfn_t;
#endif
/* Xen's "unsigned long" in shared structures. */
#ifndef __ASSEMBLER__
typedef uint64_t xen_ulong_t;
#endif

#ifndef __ASSEMBLER__
XEN_DEFINE_GUEST_HANDLE_NAMED(char, char);
XEN_DEFINE_GUEST_HANDLE_NAMED(uchar, unsigned char);
XEN_DEFINE_GUEST_HANDLE_NAMED(int, int);
XEN_DEFINE_GUEST_HANDLE_NAMED(uint, unsigned int);
XEN_DEFINE_GUEST_HANDLE_NAMED(void, void);
XEN_DEFINE_GUEST_HANDLE_NAMED(const_void, const void);
XEN_DEFINE_GUEST_HANDLE(uint8_t);
XEN_DEFINE_GUEST_HANDLE(uint16_t);
XEN_DEFINE_GUEST_HANDLE(uint32_t);
XEN_DEFINE_GUEST_HANDLE(uint64_t);
XEN_DEFINE_GUEST_HANDLE(xen_pfn_t);
XEN_DEFINE_GUEST_HANDLE(xen_ulong_t);
#endif

#ifndef __ASSEMBLER__
_Static_assert(sizeof(XEN_GUEST_HANDLE(void)) == 8, "guest handle is 8 bytes");
_Static_assert(_Alignof(XEN_GUEST_HANDLE(void)) == 8, "guest handle is 8-aligned");
#endif

/* Number of vcpu_info slots inside shared_info (vCPUs 0..31). */
#define XEN_LEGACY_MAX_VCPUS    32

/*
 * One entry of the virtual IDT (set_trap_table, hypercall 0, and
 * vcpu_guest_context.trap_ctxt).  flags bits 0-1: the lowest ring that
 * may raise the vector with int $n (DPL); bit 2: mask events on entry
 * (an interrupt gate).  A table passed to set_trap_table ends with an
 * entry whose address is 0.
 */
#ifndef __ASSEMBLER__
struct trap_info {
    uint8_t  vector;
    uint8_t  flags;
    uint16_t cs;         /* code selector of the handler */
    uint64_t address;    /* handler entry point (VA) */
};
typedef struct trap_info trap_info_t;
XEN_DEFINE_GUEST_HANDLE(trap_info_t);
_Static_assert(sizeof(struct trap_info) == 16, "trap_info size");
_Static_assert(offsetof(struct trap_info, address) == 8, "trap_info.address");
#endif

#define TI_GET_DPL(ti)      ((ti)->flags & 3)
#define TI_GET_IF(ti)       ((ti)->flags & 4)
#define TI_SET_DPL(ti, dpl) ((ti)->flags = (uint8_t)(((ti)->flags & ~3) | ((dpl) & 3)))
#define TI_SET_IF(ti, on)   ((ti)->flags = (uint8_t)(((ti)->flags & ~4) | ((on) ? 4 : 0)))

/*
 * Arch part of shared_info.  All fields except nmi_reason are written by
 * the guest and read by tools (save/restore); the hypervisor ignores them.
 */
#ifndef __ASSEMBLER__
struct arch_shared_info {
    uint64_t  max_pfn;                    /* size of the guest's P2M */
    xen_pfn_t pfn_to_mfn_frame_list_list; /* MFN of the P2M frame-list list */
    uint64_t  nmi_reason;                 /* hypervisor -> dom0 NMI reason */
    uint64_t  p2m_cr3;                    /* CR3 in which p2m_vaddr is valid */
    uint64_t  p2m_vaddr;                  /* VA of the linear P2M list */
    uint64_t  p2m_generation;             /* bumped around P2M remaps */
};
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info size");
#endif

/* vcpu_guest_context.flags bits. */
#define _VGCF_i387_valid                  0
#define VGCF_i387_valid                   (1 << _VGCF_i387_valid)
#define VGCF_I387_VALID                   VGCF_i387_valid
#define _VGCF_in_kernel                   2
#define VGCF_in_kernel                    (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events    3
#define VGCF_failsafe_disables_events     (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events     4
#define VGCF_syscall_disables_events      (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                      5
#define VGCF_online                       (1 << _VGCF_online)

/*
 * Complete state of a PV vCPU: VCPUOP_initialise (vcpu_op 24, sub-op 0)
 * and the domctl get/set-context calls.  Addresses are guest VAs, frame
 * numbers are MFNs.  ctrlreg[3] holds the kernel root (MFN << 12),
 * ctrlreg[1] the user root; other control registers are ignored on input.
 */
#ifndef __ASSEMBLER__
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;  /* FXSAVE image, if VGCF_i387_valid */
    uint64_t flags;                    /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];   /* virtual IDT, indexed by vector */
    uint64_t ldt_base, ldt_ents;       /* LDT VA (page aligned), entries */
    uint64_t gdt_frames[16], gdt_ents; /* GDT MFNs, entries */
    uint64_t kernel_ss, kernel_sp;     /* stack used on guest kernel entry */
    uint64_t ctrlreg[8];
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist;                /* VMASST_TYPE_* bitmap */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
XEN_DEFINE_GUEST_HANDLE(vcpu_guest_context_t);
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu_guest_context size");
_Static_assert(offsetof(struct vcpu_guest_context, flags) == 512, "vgc.flags");
_Static_assert(offsetof(struct vcpu_guest_context, user_regs) == 520, "vgc.user_regs");
_Static_assert(offsetof(struct vcpu_guest_context, trap_ctxt) == 720, "vgc.trap_ctxt");
_Static_assert(offsetof(struct vcpu_guest_context, ldt_base) == 4816, "vgc.ldt_base");
_Static_assert(offsetof(struct vcpu_guest_context, gdt_frames) == 4832, "vgc.gdt_frames");
_Static_assert(offsetof(struct vcpu_guest_context, kernel_ss) == 4968, "vgc.kernel_ss");
_Static_assert(offsetof(struct vcpu_guest_context, ctrlreg) == 4984, "vgc.ctrlreg");
_Static_assert(offsetof(struct vcpu_guest_context, debugreg) == 5048, "vgc.debugreg");
_Static_assert(offsetof(struct vcpu_guest_context, event_callback_eip) == 5112, "vgc.event_callback_eip");
_Static_assert(offsetof(struct vcpu_guest_context, vm_assist) == 5136, "vgc.vm_assist");
_Static_assert(offsetof(struct vcpu_guest_context, gs_base_user) == 5160, "vgc.gs_base_user");
#endif

/* x86 machine-check hypercall (dom0 mcelog) uses the first arch slot. */
#define __HYPERVISOR_mca                __HYPERVISOR_arch_0
/* Preemptible paging-domctl continuation. */
#define __HYPERVISOR_paging_domctl_cont __HYPERVISOR_arch_1

/* x86 arch VIRQ: machine check available (dom0). */
#define VIRQ_MCA    VIRQ_ARCH_0

#endif /* XEN_PUBLIC_ARCH_X86_XEN_H */
