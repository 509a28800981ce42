/*
 * User-mode measurement loops of the bench guest (entered by os_exec_user).
 *
 * bench_user_syscall(%rdi = samples, %rsi = n): n times, time one
 * `syscall` (bounced to the kernel's syscall callback, back by iret) with
 * rdtsc and store the cycles; then exit to the kernel.
 * bench_user_pf: the same around a load from an unmapped page (#PF bounced
 * to the kernel, fixed up by the exception table, back by iret).
 * Both read their arguments from bench_user_args (rdi/rsi of os_exec_user
 * are rip/rsp, not ours).
 */
#define BENCH_USER_PING 0x50
#define OS_USER_EXIT    0x51

/* Start of a sample: the 64-bit TSC into %r13. */
.macro tsc_to_r13
    rdtsc
    shl     $32, %rdx
    or      %rax, %rdx
    mov     %rdx, %r13
.endm

/*
 * End of a sample: store TSC - %r13 at (%rbx), advance; loop to 1b while
 * --%r12; then leave user mode.
 */
.macro record_sample_and_loop
    rdtsc
    shl     $32, %rdx
    or      %rax, %rdx
    sub     %r13, %rdx
    mov     %rdx, (%rbx)
    add     $8, %rbx
    dec     %r12
    jnz     1b
    xor     %edi, %edi
    mov     $OS_USER_EXIT, %eax
    syscall
    ud2
.endm

    .text
    .globl bench_user_syscall
bench_user_syscall:
    mov     bench_user_args(%rip), %rbx         /* samples */
    mov     bench_user_args+8(%rip), %r12       /* n */
1:  tsc_to_r13
    mov     $BENCH_USER_PING, %eax
    syscall
    record_sample_and_loop

    .globl bench_user_pf
bench_user_pf:
    mov     bench_user_args(%rip), %rbx
    mov     bench_user_args+8(%rip), %r12
    movabs  $0x00007f0000000000, %r14           /* never mapped */
1:  tsc_to_r13
    xor     %eax, %eax
2:  mov     (%r14), %r15
3:  record_sample_and_loop
    .pushsection .os_extable, "a"
    .balign 8
    .quad 2b, 3b
    .popsection
