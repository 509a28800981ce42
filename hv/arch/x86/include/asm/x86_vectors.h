/*
 * x86 exception vectors and the bits of their error codes (Intel SDM vol. 3,
 * chapter 6). Shared by C and assembly, so only plain macros here.
 */
#ifndef HV_X86_VECTORS_H
#define HV_X86_VECTORS_H

#define X86_EXC_DE   0      /* divide error */
#define X86_EXC_DB   1      /* debug */
#define X86_EXC_NMI  2      /* non-maskable interrupt */
#define X86_EXC_BP   3      /* breakpoint (int3) */
#define X86_EXC_OF   4      /* overflow (into) */
#define X86_EXC_BR   5      /* bound range */
#define X86_EXC_UD   6      /* invalid opcode */
#define X86_EXC_NM   7      /* device not available */
#define X86_EXC_DF   8      /* double fault */
#define X86_EXC_TS   10     /* invalid TSS */
#define X86_EXC_NP   11     /* segment not present */
#define X86_EXC_SS   12     /* stack-segment fault */
#define X86_EXC_GP   13     /* general protection */
#define X86_EXC_PF   14     /* page fault */
#define X86_EXC_MF   16     /* x87 floating point */
#define X86_EXC_AC   17     /* alignment check */
#define X86_EXC_MC   18     /* machine check */
#define X86_EXC_XM   19     /* SIMD floating point */
#define X86_EXC_VE   20     /* virtualization exception */
#define X86_EXC_CP   21     /* control protection */
#define X86_EXC_HV   28     /* hypervisor injection (AMD) */
#define X86_EXC_VC   29     /* VMM communication (AMD) */
#define X86_EXC_SX   30     /* security exception (AMD) */
#define X86_NR_EXC   32     /* vectors 0-31 are the CPU's */

/*
 * The one list of the vectors for which the CPU pushes an error code, as a
 * mask of (1 << vector): the IDT stubs (entry.S) and the C code read it.
 */
#define X86_EXC_HAVE_EC ((1 << X86_EXC_DF) | (1 << X86_EXC_TS) | (1 << X86_EXC_NP) | \
                         (1 << X86_EXC_SS) | (1 << X86_EXC_GP) | (1 << X86_EXC_PF) | \
                         (1 << X86_EXC_AC) | (1 << X86_EXC_CP) | (1 << X86_EXC_VC) | \
                         (1 << X86_EXC_SX))
#define X86_EXC_HAS_EC(vec) ((vec) < X86_NR_EXC && ((X86_EXC_HAVE_EC >> (vec)) & 1))

/* Page-fault error code. */
#define X86_PFEC_PRESENT  (1 << 0)  /* a protection fault (else: not present) */
#define X86_PFEC_WRITE    (1 << 1)  /* the access was a write */
#define X86_PFEC_USER     (1 << 2)  /* from CPL 3 */
#define X86_PFEC_RSVD     (1 << 3)  /* a reserved bit set in an entry */
#define X86_PFEC_INSN     (1 << 4)  /* an instruction fetch */

/* Error code of a fault naming a selector or an IDT entry (#TS, #NP, #SS, #GP). */
#define X86_SEL_EC_EXT    (1 << 0)  /* an event external to the program */
#define X86_SEL_EC_IDT    (1 << 1)  /* the index is an IDT vector (bits 3+) */
#define X86_SEL_EC_TI     (1 << 2)  /* the index is in the LDT */

/* Vectors of our own interrupts. */
#define VEC_SERIAL   0x24   /* ISA IRQ 4 (COM1) through the I/O APIC */
#define VEC_TIMER    0xf0
#define VEC_INVALIDATE   0xf1   /* IPI: flush the TLB as flush_tlb_others asks (smp.c) */
#define VEC_EVENT_CHECK  0xf2   /* IPI: look at softirqs and the run queue on the way out */
#define VEC_SPURIOUS 0xff

#endif
