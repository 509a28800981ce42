/*
 * raw_copy(dst, src, n) -> bytes not copied. The only instruction that touches
 * guest memory is the `rep movsb` below, bracketed by STAC/CLAC for SMAP; a
 * fault there resumes at the fixup label with %rcx = bytes left (the CPU
 * updates rcx/rsi/rdi per byte). On a CPU without SMAP the boot code turns the
 * STAC and CLAC into 3-byte NOPs (smap_patch_out), since both would be #UD.
 */
        .text
        .globl raw_copy, raw_copy_stac, raw_copy_clac
raw_copy:
        movq    %rdx, %rcx
raw_copy_stac:
        stac                            /* SMAP: allow this one access to user pages */
1:      rep movsb
2:
raw_copy_clac:
        clac
        movq    %rcx, %rax
        ret

        .section .ex_table, "a"
        .balign 8
        .quad 1b, 2b
