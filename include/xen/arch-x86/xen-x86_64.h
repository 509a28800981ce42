/*
 * Xenolith public ABI: the 64-bit-only part of the x86 PV interface.
 *
 * Flat segment selectors, the hypervisor-reserved virtual range, the
 * read-only machine-to-phys (M2P) table, the iret hypercall frame and the
 * register file a PV vCPU exposes.  Included by arch-x86/xen.h; not meant
 * to be included on its own by guests, but it does compile alone.
 */
#ifndef XEN_PUBLIC_ARCH_X86_XEN_X86_64_H
#define XEN_PUBLIC_ARCH_X86_XEN_X86_64_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>
#endif

/*
 * Flat selectors in the hypervisor's GDT.  A 64-bit PV kernel runs in
 * ring 3 like its user space, so kernel and user share the same values.
 */
#define FLAT_RING3_CS32     0xe023  /* 4 GiB flat 32-bit code, DPL 3 */
#define FLAT_RING3_CS64     0xe033  /* 64-bit code, DPL 3 */
#define FLAT_RING3_DS32     0xe02b  /* 4 GiB flat data, DPL 3 */
#define FLAT_RING3_DS64     0x0000  /* null: data segments are unused in long mode */
#define FLAT_RING3_SS32     0xe02b
#define FLAT_RING3_SS64     0xe02b

#define FLAT_KERNEL_DS64    FLAT_RING3_DS64
#define FLAT_KERNEL_DS32    FLAT_RING3_DS32
#define FLAT_KERNEL_DS      FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64    FLAT_RING3_CS64
#define FLAT_KERNEL_CS32    FLAT_RING3_CS32
#define FLAT_KERNEL_CS      FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64    FLAT_RING3_SS64
#define FLAT_KERNEL_SS32    FLAT_RING3_SS32
#define FLAT_KERNEL_SS      FLAT_KERNEL_SS64

#define FLAT_USER_DS64      FLAT_RING3_DS64
#define FLAT_USER_DS32      FLAT_RING3_DS32
#define FLAT_USER_DS        FLAT_USER_DS64
#define FLAT_USER_CS64      FLAT_RING3_CS64
#define FLAT_USER_CS32      FLAT_RING3_CS32
#define FLAT_USER_CS        FLAT_USER_CS64
#define FLAT_USER_SS64      FLAT_RING3_SS64
#define FLAT_USER_SS32      FLAT_RING3_SS32
#define FLAT_USER_SS        FLAT_USER_SS64

/*
 * L4 slots 256..271 belong to the hypervisor in every guest address
 * space.  The first 256 GiB of slot 256 hold the read-only M2P table,
 * one 8-byte PFN per machine frame.
 */
#define HYPERVISOR_VIRT_START   0xffff800000000000
#define HYPERVISOR_VIRT_END     0xffff880000000000
#define MACH2PHYS_VIRT_START    0xffff800000000000
#define MACH2PHYS_VIRT_END      0xffff804000000000
#define MACH2PHYS_NR_ENTRIES    ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* The instruction a 64-bit PV guest uses to enter the hypervisor. */
#define TRAP_INSTR "syscall"

/*
 * Selectors of set_segment_base (hypercall 25): which base to load.
 * SEGBASE_GS_USER_SEL loads the user %gs selector (the base comes from
 * the descriptor) without disturbing the kernel's %gs base.
 */
#define SEGBASE_FS              0
#define SEGBASE_GS_USER         1
#define SEGBASE_GS_KERNEL       2
#define SEGBASE_GS_USER_SEL     3

/*
 * iret hypercall (23).  The guest pushes this frame on its kernel stack
 * (lowest address = rax) and calls iret with no arguments.  The
 * hypervisor pops it, restores rax/r11/rcx and returns to rip:cs with
 * rflags and rsp:ss.  With VGCF_in_syscall set in flags the return is
 * done as a sysret would (r11/rcx are not restored from the frame).
 * If rflags.IF is set, event delivery is re-enabled (upcall mask cleared).
 * Errors: a bad frame or a non-canonical target crashes the domain.
 */
#define _VGCF_in_syscall        8
#define VGCF_in_syscall         (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL         VGCF_in_syscall

#ifndef __ASSEMBLER__
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct iret_context) == 72, "iret_context size");
_Static_assert(offsetof(struct iret_context, flags) == 24, "iret_context.flags");
_Static_assert(offsetof(struct iret_context, ss) == 64, "iret_context.ss");
#endif

/*
 * Register file of a PV vCPU as seen by the guest (inside
 * vcpu_guest_context) and by exception bounce frames.  Segment
 * selectors are 16-bit fields padded to 8 bytes.  saved_upcall_mask is
 * the event mask the vCPU had when the exception was taken.
 */
#ifndef __ASSEMBLER__
struct cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;     /* private to the hypervisor */
    uint32_t entry_vector;   /* private to the hypervisor */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask;
    uint8_t  _pad1[3];
    uint64_t rflags;         /* rflags.IF is the inverse of the upcall mask */
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
_Static_assert(sizeof(struct cpu_user_regs) == 200, "cpu_user_regs size");
_Static_assert(offsetof(struct cpu_user_regs, rax) == 80, "cpu_user_regs.rax");
_Static_assert(offsetof(struct cpu_user_regs, rdi) == 112, "cpu_user_regs.rdi");
_Static_assert(offsetof(struct cpu_user_regs, error_code) == 120, "cpu_user_regs.error_code");
_Static_assert(offsetof(struct cpu_user_regs, rip) == 128, "cpu_user_regs.rip");
_Static_assert(offsetof(struct cpu_user_regs, cs) == 136, "cpu_user_regs.cs");
_Static_assert(offsetof(struct cpu_user_regs, saved_upcall_mask) == 140, "cpu_user_regs.saved_upcall_mask");
_Static_assert(offsetof(struct cpu_user_regs, rflags) == 144, "cpu_user_regs.rflags");
_Static_assert(offsetof(struct cpu_user_regs, ss) == 160, "cpu_user_regs.ss");
_Static_assert(offsetof(struct cpu_user_regs, gs) == 192, "cpu_user_regs.gs");
#endif

/* Per-vCPU arch part of vcpu_info: the guest's virtual %cr2. */
#ifndef __ASSEMBLER__
struct arch_vcpu_info {
    uint64_t cr2;   /* faulting address of the last #PF bounced to the guest */
    uint64_t pad;
};
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info size");
#endif

/* Entry points of guest callbacks are plain virtual addresses on x86-64. */
#ifndef __ASSEMBLER__
typedef uint64_t xen_callback_t;
#endif

#endif /* XEN_PUBLIC_ARCH_X86_XEN_X86_64_H */
