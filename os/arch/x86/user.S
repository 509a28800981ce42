/*
 * Entering guest user mode and coming back (see os/include/os/user.h).
 *
 * Contract (Xen x86-64 PV, xen-pv-abi-map.md 2.2, 2.5): HYPERVISOR_iret to
 * a cs with RPL 3 switches the vCPU to user mode, i.e. to the user root
 * (MMUEXT_NEW_USER_BASEPTR, which must be set, else Xen crashes us) and the
 * user %gs base.  A `syscall` in user mode is bounced to the syscall
 * callback in kernel mode on the stack given to stack_switch.
 *
 * os_exec_user(rip, rsp) saves the callee-saved registers on our stack,
 * records that stack in os_user_kernel_rsp and irets to rip:rsp in user
 * mode.  The user code ends with `syscall` and rax = OS_USER_EXIT,
 * rdi = result; the dispatcher then irets (kernel cs, RPL 0) to
 * os_user_resume with rsp = os_user_kernel_rsp, which returns the result.
 */
#define FLAT_USER_CS   0xe033
#define FLAT_USER_SS   0xe02b

    .text
    .globl os_exec_user
os_exec_user:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, os_user_kernel_rsp(%rip)
    /* Native-style frame for os_iret_to_frame: rip, cs, rflags, rsp, ss. */
    push    $FLAT_USER_SS
    push    %rsi
    push    $0x200                  /* IF: events enabled in user mode */
    push    $FLAT_USER_CS
    push    %rdi
    jmp     os_iret_to_frame

    .globl os_user_resume
os_user_resume:
    mov     %rdi, %rax
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

    .bss
    .balign 8
    .globl os_user_kernel_rsp
os_user_kernel_rsp:
    .quad 0
