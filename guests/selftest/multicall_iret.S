/*
 * mc_iret_batch(list, nr, rflags, out): issue HYPERVISOR_multicall(list, nr)
 * by `syscall` with the stack pointer on a struct iret_context, so that an
 * iret entry of the batch finds the frame it expects (Xen x86-64 PV: iret
 * reads rax, r11, rcx, flags, rip, cs, rflags, rsp, ss from the guest stack
 * at the time of the hypercall).
 *
 * The frame resumes at `resumed` on this function's own stack with rax,
 * rcx, r11 set to the magic values below (flags = 0: not "in syscall", so
 * rcx and r11 come from the frame). If the hypervisor returns normally
 * instead, execution continues after `syscall`. Either way `out` receives
 *   [0] rax  [1] rcx  [2] r11  [3] rsp seen  [4] rsp expected  [5] 1 if resumed
 * and the function returns rax. Callee-saved registers survive both paths.
 */
#define FLAT_KERNEL_CS  0xe030          /* RPL 0: iret stays in kernel mode */
#define FLAT_KERNEL_SS  0xe02b
#define HC_multicall    13

#define MAGIC_RAX  0x600dcafe8badf00d
#define MAGIC_RCX  0x00000000c0ffee01
#define MAGIC_R11  0x00000000c0ffee02

    .text
    .globl mc_iret_batch
mc_iret_batch:
    push    %rbx
    push    %r12
    push    %r13
    mov     %rcx, %rbx              /* out */
    mov     %rsp, %r12              /* where the frame resumes */
    xor     %r13d, %r13d
    push    $FLAT_KERNEL_SS         /* ss */
    push    %r12                    /* rsp */
    push    %rdx                    /* rflags */
    push    $FLAT_KERNEL_CS         /* cs */
    lea     resumed(%rip), %rax
    push    %rax                    /* rip */
    push    $0                      /* flags */
    movabs  $MAGIC_RCX, %rax
    push    %rax                    /* rcx */
    movabs  $MAGIC_R11, %rax
    push    %rax                    /* r11 */
    movabs  $MAGIC_RAX, %rax
    push    %rax                    /* rax */
    mov     $HC_multicall, %eax
    syscall
    jmp     record
resumed:
    mov     $1, %r13d
record:
    mov     %rax, 0(%rbx)
    mov     %rcx, 8(%rbx)
    mov     %r11, 16(%rbx)
    mov     %rsp, 24(%rbx)
    mov     %r12, 32(%rbx)
    mov     %r13, 40(%rbx)
    mov     %r12, %rsp
    pop     %r13
    pop     %r12
    pop     %rbx
    ret
