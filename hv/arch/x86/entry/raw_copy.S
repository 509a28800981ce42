/*
 * raw_copy(dst, src, n) -> bytes not copied. The only instructions that touch
 * guest memory are the two string moves below, bracketed by STAC/CLAC for
 * SMAP: whole 8-byte words with `rep movsq`, then the last n % 8 bytes with
 * `rep movsb` (a byte at a time, a P2M list or a batch of frame numbers would
 * cost one iteration per byte). A fault in either resumes at a fixup that
 * leaves %rcx = bytes left (the CPU updates rcx/rsi/rdi per iteration). On a
 * CPU without SMAP the boot code turns the STAC and CLAC into 3-byte NOPs
 * (smap_patch_out), since both would be #UD.
 */
        .text
        .globl raw_copy, raw_copy_stac, raw_copy_clac
raw_copy:
        movq    %rdx, %rcx
        shrq    $3, %rcx                /* words */
        andl    $7, %edx                /* bytes after them */
raw_copy_stac:
        stac                            /* SMAP: allow these accesses to user pages */
1:      rep movsq
        movl    %edx, %ecx
2:      rep movsb
3:
raw_copy_clac:
        clac
        movq    %rcx, %rax
        ret
4:      leaq    (%rdx,%rcx,8), %rcx     /* a fault among the words: those and the bytes left */
        jmp     raw_copy_clac

        .section .ex_table, "a"
        .balign 8
        .quad 1b, 4b
        .quad 2b, 3b
