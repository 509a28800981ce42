/*
 * Helpers for the GATES cases (trapgates.c).
 *
 * User code (entered by os_exec_user): `int $0x20` / `int $0x80`, then exit
 * with the exception info the fixup left in rax (0: no fault).
 *
 * t_platform_op(op): HYPERVISOR_platform_op by a `syscall` of our own, so
 * that the return address is the known label t_after_platform_op.
 *
 * t_failsafe_entry: a failsafe callback that copies Xen's 64-bit failsafe
 * frame (lowest address first: rcx, r11, ds, es, fs, gs, rip, cs, rflags,
 * rsp, ss) and the live %es to t_failsafe_frame / t_failsafe_es, counts
 * itself in t_failsafe_count, then goes on as the os/ failsafe entry.
 */
#define OS_USER_EXIT   0x51
#define HC_platform_op 7

    .text
/* User code: `int $vec`, then exit with the fixup's exception info (0: none). */
.macro user_int name, vec
    .globl \name
\name:
    xor     %eax, %eax
1:  int     $\vec
2:  mov     %rax, %rdi
    mov     $OS_USER_EXIT, %eax
    syscall
    ud2
    .pushsection .os_extable, "a"
    .balign 8
    .quad 1b, 2b
    .popsection
.endm

    user_int t_user_int20, 0x20
    user_int t_user_int80, 0x80

    .globl t_platform_op
t_platform_op:
    mov     $HC_platform_op, %eax
    syscall
    .globl t_after_platform_op
t_after_platform_op:
    ret

    .globl t_failsafe_entry
t_failsafe_entry:
    mov     %rax, t_failsafe_rax(%rip)
    .set i, 0
    .rept 11
    mov     8*i(%rsp), %rax
    mov     %rax, t_failsafe_frame+8*i(%rip)
    .set i, i + 1
    .endr
    xor     %eax, %eax
    mov     %es, %ax
    mov     %rax, t_failsafe_es(%rip)
    incq    t_failsafe_count(%rip)
    mov     t_failsafe_rax(%rip), %rax
    jmp     os_failsafe_callback

    .bss
    .balign 8
    .globl t_failsafe_frame, t_failsafe_es, t_failsafe_count
t_failsafe_frame:   .skip 8*11
t_failsafe_es:      .skip 8
t_failsafe_count:   .skip 8
t_failsafe_rax:     .skip 8
