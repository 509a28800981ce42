/*
 * User-mode code for the USER cases (usermode.c); entered by os_exec_user.
 */
#define T_USER_PING    0x50
#define OS_USER_EXIT   0x51

    .text
/* One ping syscall, then exit with result 0. */
    .globl t_user_syscall
t_user_syscall:
    mov     $T_USER_PING, %eax
    syscall
    xor     %edi, %edi
    mov     $OS_USER_EXIT, %eax
    syscall
    ud2

/*
 * Load from the unmapped T_UNMAPPED_VA + 0x10 (test.h), then exit with the
 * exception info the fixup left in rax (0: no fault).
 */
    .globl t_user_fault
t_user_fault:
    xor     %eax, %eax
    movabs  $0x00007f0000000010, %rbx
1:  mov     (%rbx), %rbx
2:  mov     %rax, %rdi
    mov     $OS_USER_EXIT, %eax
    syscall
    ud2
    .pushsection .os_extable, "a"
    .balign 8
    .quad 1b, 2b
    .popsection
