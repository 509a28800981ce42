/*
 * Every way into the hypervisor: exceptions and interrupts (IDT stubs) and the
 * SYSCALL instruction from ring 3. Each builds a struct cpu_regs (asm/regs.h) on
 * the hypervisor stack, calls C, and leaves through one exit path that restores
 * that frame and IRETQs. Guests run in ring 3 with our GDT selectors 0xe02b/0xe033.
 *
 * Hardware contract: on an exception from ring 3 the CPU loads RSP from TSS.RSP0
 * (this CPU's struct cpu_info, at the top of its stack block: hv/percpu.h)
 * and pushes SS, RSP, RFLAGS, CS, RIP [, error code]. SYSCALL switches nothing
 * but CS/SS and puts the return RIP in RCX and RFLAGS in R11 (RFLAGS then
 * masked by MSR_FMASK, which clears IF, so no interrupt can land before we
 * are on our own stack).
 */
#include <asm/layout.h>
#include <asm/regs.h>
#include <asm/x86_vectors.h>

.macro SAVE_REGS
        pushq   %rdi
        pushq   %rsi
        pushq   %rdx
        pushq   %rcx
        pushq   %rax
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
.endm

.macro RESTORE_REGS
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rax
        popq    %rcx
        popq    %rdx
        popq    %rsi
        popq    %rdi
.endm

/*
 * 256 stubs of 16 bytes each (idt_stubs + 16 * vector): push a zero error code
 * where the CPU pushes none (all but X86_EXC_HAVE_EC's vectors), record the
 * vector in the upper half of that slot, join the common path.
 */
        .text
        .balign 16
        .globl idt_stubs
idt_stubs:
        .set vec, 0
        .rept 256
        .balign 16
        .set has_ec, 0
        .if vec < X86_NR_EXC            /* gas evaluates both sides of &&: no shift by 32+ */
        .set has_ec, (X86_EXC_HAVE_EC >> vec) & 1
        .endif
        .if has_ec
        movl    $vec, 4(%rsp)
        .else
        pushq   $0
        movl    $vec, 4(%rsp)
        .endif
        jmp     common_entry
        .set vec, vec + 1
        .endr

common_entry:
        cld
        SAVE_REGS
        movq    %rsp, %rdi
        call    handle_trap
        /* fall through */
        .globl exit_to_guest_or_hv
exit_to_guest_or_hv:
        testb   $3, REGS_CS(%rsp)
        jz      1f
        cli
        movq    %rsp, %rdi
        call    prepare_exit_to_guest
        testl   %eax, %eax
        jnz     sysret_to_guest
1:      RESTORE_REGS
        addq    $8, %rsp                /* error code + vector */
        .globl  iretq_insn
iretq_insn:
        iretq

/*
 * Fast return from a hypercall: prepare_exit_to_guest checked that the frame
 * is exactly what SYSRET recreates (RCX = RIP, R11 = RFLAGS, flat 64-bit
 * guest CS/SS, canonical RIP). Interrupts stay off until SYSRET loads RFLAGS;
 * NMI and #MC run on IST stacks, so the guest RSP is never used in ring 0.
 */
sysret_to_guest:
        RESTORE_REGS
        movq    32(%rsp), %rsp          /* guest RSP: frame is err, rip, cs, rflags, rsp */
        sysretq

/* After a faulting IRETQ, the #GP bounced to the guest (traps.c): start the exit again. */
        .globl iret_fault_recover
iret_fault_recover:
        /* The guest frame sits below this CPU's record, at the top of the stack block we are on. */
        orq     $(HV_STACK_SIZE - 1), %rsp
        subq    $(HV_CPU_INFO_SIZE + REGS_SIZE - 1), %rsp
        jmp     exit_to_guest_or_hv

/*
 * SYSCALL from a guest (kernel or user mode). Interrupts are off (FMASK).
 *
 * Each CPU's MSR_LSTAR names its own entry (syscall_entry, syscall_entries): a
 * few instructions that know the CPU's stack block by address, so neither
 * a GS base nor a scratch variable is needed. They store the guest RSP
 * straight into the RSP slot of the guest frame at the top of that stack
 * (the saved RSP lives there, per CPU) and point RSP at it. CPU 0's entry
 * falls into the common part; the others jump to it.
 */
#define FRAME_RSP_SLOT(cpu) \
        (cpu_stacks + ((cpu) + 1) * HV_STACK_SIZE - HV_CPU_INFO_SIZE - REGS_SIZE + REGS_RSP)

        .balign 32
        .globl syscall_entries
syscall_entries:                                /* CPUs 1 .. NR_CPUS-1, SYSCALL_ENTRY_SIZE bytes each */
        .set stub_cpu, 1
        .rept NR_CPUS - 1
        .balign SYSCALL_ENTRY_SIZE
        movq    %rsp, FRAME_RSP_SLOT(stub_cpu)(%rip)
        leaq    FRAME_RSP_SLOT(stub_cpu)(%rip), %rsp
        jmp     syscall_common
        .set stub_cpu, stub_cpu + 1
        .endr

        .balign SYSCALL_ENTRY_SIZE
        .globl syscall_entry
syscall_entry:                                  /* CPU 0 */
        movq    %rsp, FRAME_RSP_SLOT(0)(%rip)
        leaq    FRAME_RSP_SLOT(0)(%rip), %rsp
syscall_common:
        movq    $GUEST_DS, 8(%rsp)              /* ss, above the saved rsp */
        pushq   %r11                            /* rflags */
        pushq   $GUEST_CS64                     /* cs */
        pushq   %rcx                            /* rip */
        pushq   $0
        movl    $VEC_SYSCALL, 4(%rsp)
        cld
        SAVE_REGS
        sti
        movq    %rsp, %rdi
        call    handle_syscall
        jmp     exit_to_guest_or_hv

/* Enter a guest for the first time (or after a context switch): rdi = frame. */
        .globl  enter_guest_frame
enter_guest_frame:
        movq    %rdi, %rsp
        jmp     exit_to_guest_or_hv
