/*
 * The start of a secondary CPU (smpboot.c): 16-bit real mode to 64-bit long
 * mode. The block between trampoline_start and trampoline_end is data in the
 * image; smpboot.c copies it to a page below 1 MiB, fills in the three values
 * at its end (the page-table root, the stack, the C entry) and names that page
 * in the STARTUP IPI, so the CPU starts at its first byte with CS = page >> 4
 * and IP = 0.
 *
 * The code runs wherever it is copied: it learns its base from CS, patches
 * the addresses that depend on it (the GDT pointer, the two far jumps) and
 * reaches its data relative to that base (EBX). The page tables named by
 * trampoline_cr3 map the copy at its physical address (identity) as well as
 * the hypervisor's slots, so the last jump can go to the image's address.
 */
#include <asm/layout.h>

#define OFF(sym)        ((sym) - trampoline_start)

        .section .rodata.trampoline, "a"
        .balign 16
        .globl  trampoline_start, trampoline_end, trampoline_cr3, trampoline_rsp, trampoline_entry
        .code16
trampoline_start:
        cli
        cld
        xorl    %ebx, %ebx
        movw    %cs, %bx
        movw    %bx, %ds
        shll    $4, %ebx                        /* EBX: the physical base of this copy */
        leal    OFF(tr_gdt)(%ebx), %eax
        movl    %eax, OFF(tr_gdtr) + 2
        leal    OFF(tr_protected)(%ebx), %eax
        movl    %eax, OFF(tr_protected_ptr)
        leal    OFF(tr_long)(%ebx), %eax
        movl    %eax, OFF(tr_long_ptr)
        lgdtl   OFF(tr_gdtr)
        movl    %cr0, %eax
        orl     $1, %eax                        /* PE */
        movl    %eax, %cr0
        ljmpl   *OFF(tr_protected_ptr)

        .code32
tr_protected:
        movl    $0x10, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        /* As head.S: CR4.PAE|PGE|OSFXSR|OSXMMEXCPT, CR3, EFER.LME|SCE|NXE, CR0.PG|WP|MP. */
        movl    %cr4, %eax
        orl     $((1 << 5) | (1 << 7) | (1 << 9) | (1 << 10)), %eax
        movl    %eax, %cr4
        movl    OFF(trampoline_cr3)(%ebx), %eax
        movl    %eax, %cr3
        movl    $0xc0000080, %ecx
        rdmsr
        orl     $((1 << 8) | (1 << 0) | (1 << 11)), %eax
        wrmsr
        movl    %cr0, %eax
        orl     $((1 << 31) | (1 << 16) | (1 << 1)), %eax
        andl    $~(1 << 2), %eax
        movl    %eax, %cr0
        ljmpl   *OFF(tr_long_ptr)(%ebx)

        .code64
tr_long:
        movq    OFF(trampoline_rsp)(%rbx), %rsp
        movq    OFF(trampoline_entry)(%rbx), %rax
        xorl    %ebp, %ebp
        jmpq    *%rax

        .balign 8
tr_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff              /* 0x08: 32-bit code */
        .quad   0x00cf92000000ffff              /* 0x10: data */
        .quad   0x00af9a000000ffff              /* 0x18: 64-bit code */
tr_gdtr:
        .word   4 * 8 - 1
        .long   0                               /* the copy's tr_gdt */
tr_protected_ptr:
        .long   0
        .word   0x08
tr_long_ptr:
        .long   0
        .word   0x18
        .balign 8
trampoline_cr3:                                 /* filled in by smpboot.c for each CPU */
        .quad   0
trampoline_rsp:
        .quad   0
trampoline_entry:
        .quad   0
trampoline_end:
