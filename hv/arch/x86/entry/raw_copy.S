/*
 * raw_copy(dst, src, n) -> bytes not copied. The only instruction that touches
 * guest memory is the `rep movsb` below; a fault there resumes at the fixup
 * label with %rcx = bytes left (the CPU updates rcx/rsi/rdi per byte).
 */
        .text
        .globl raw_copy
raw_copy:
        movq    %rdx, %rcx
1:      rep movsb
2:      movq    %rcx, %rax
        ret

        .section .ex_table, "a"
        .balign 8
        .quad 1b, 2b
