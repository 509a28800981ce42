/*
 * Guest user mode for the selftest (see usermode.c).
 *
 * t_exec_user(rip, rsp) enters guest user mode at rip with stack rsp by
 * HYPERVISOR_iret with cs RPL 3 (Xen then switches to the user root and
 * user mode).  The user code comes back with `syscall` and
 * rax = T_USER_EXIT; the syscall hook irets to t_user_resume in kernel
 * mode with rsp = t_user_kernel_rsp, and rdi = the user's result, which
 * t_exec_user returns.  Callee-saved registers are kept on our stack.
 */
#define FLAT_USER_CS   0xe033
#define FLAT_USER_SS   0xe02b
#define T_USER_PING    0x50
#define T_USER_EXIT    0x51

    .text
    .globl t_exec_user
t_exec_user:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, t_user_kernel_rsp(%rip)
    /* Native-style frame for os_iret_to_frame: rip, cs, rflags, rsp, ss. */
    push    $FLAT_USER_SS
    push    %rsi
    push    $0x200                  /* IF: events enabled in user mode */
    push    $FLAT_USER_CS
    push    %rdi
    jmp     os_iret_to_frame

    .globl t_user_resume
t_user_resume:
    mov     %rdi, %rax
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

/* User code: one ping syscall, then exit with rdi = 0. */
    .globl t_user_syscall
t_user_syscall:
    mov     $T_USER_PING, %eax
    syscall
    xor     %edi, %edi
    mov     $T_USER_EXIT, %eax
    syscall
    ud2

/*
 * User code: load from the unmapped T_UNMAPPED_VA + 0x10 (test.h), then
 * exit with rdi = the exception info the fixup left in rax (0: no fault).
 */
    .globl t_user_fault
t_user_fault:
    xor     %eax, %eax
    movabs  $0x00007f0000000010, %rbx
1:  mov     (%rbx), %rbx
2:  mov     %rax, %rdi
    mov     $T_USER_EXIT, %eax
    syscall
    ud2
    .pushsection .os_extable, "a"
    .balign 8
    .quad 1b, 2b
    .popsection

    .bss
    .balign 8
    .globl t_user_kernel_rsp
t_user_kernel_rsp:
    .quad 0
