/*
 * raw_copy(dst, src, n) -> bytes not copied. The only instruction that touches
 * guest memory is the `rep movsb` below (bracketed by STAC/CLAC when SMAP is on); a fault there resumes at the fixup
 * label with %rcx = bytes left (the CPU updates rcx/rsi/rdi per byte).
 */
        .text
        .globl raw_copy
raw_copy:
        movq    %rdx, %rcx
        testb   $1, smap_enabled(%rip)
        jz      1f
        stac                            /* SMAP: allow this one access to user pages */
1:      rep movsb
2:      testb   $1, smap_enabled(%rip)
        jz      3f
        clac
3:      movq    %rcx, %rax
        ret

        .section .ex_table, "a"
        .balign 8
        .quad 1b, 2b
