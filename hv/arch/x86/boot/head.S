/*
 * Hypervisor entry from a multiboot loader.
 *
 * Contract (Multiboot 1 and 2 specifications): the loader enters `boot_entry`
 * in 32-bit protected mode, paging off, flat 4 GiB segments, with
 *   EAX = 0x2BADB002 (MB1) or 0x36D76289 (MB2), EBX = physical address of the
 *   boot information. No stack, interrupts off.
 * Both headers carry explicit load addresses (MB1 "a.out kludge", MB2 address
 * tag) so QEMU's -kernel and GRUB load this ELF64 file as a flat image at 1 MiB.
 *
 * We build page tables mapping the first 4 GiB three times (identity, image
 * slot, direct-map slot), enter long mode, jump to the high image address and
 * call start_hv(magic, info_phys). This section runs at its physical address;
 * everything else is linked at HV_IMAGE_VIRT + phys.
 */
#include <asm/layout.h>
#include <asm/pt_bits.h>
#include <asm/regs.h>

#define MB1_MAGIC       0x1badb002
#define MB1_FLAGS       0x00010003      /* page-align modules, memory info, address fields */
#define MB2_MAGIC       0xe85250d6

        .section .multiboot, "a"
        .balign 4
mb1_header:
        .long MB1_MAGIC
        .long MB1_FLAGS
        .long -(MB1_MAGIC + MB1_FLAGS)
        .long mb1_header                /* header_addr */
        .long __image_phys_start        /* load_addr */
        .long __load_phys_end           /* load_end_addr */
        .long __bss_phys_end            /* bss_end_addr */
        .long boot_entry                /* entry_addr */

        .balign 8
mb2_header:
        .long MB2_MAGIC
        .long 0                         /* i386 protected mode */
        .long mb2_header_end - mb2_header
        .long -(MB2_MAGIC + (mb2_header_end - mb2_header))
        /* address tag */
        .word 2, 0
        .long 24
        .long mb2_header, __image_phys_start, __load_phys_end, __bss_phys_end
        /* entry address tag */
        .word 3, 0
        .long 12
        .long boot_entry
        .long 0                         /* pad to 8 */
        /* module alignment tag */
        .word 6, 0
        .long 8
        /* end tag */
        .word 0, 0
        .long 8
mb2_header_end:

        .section .text.boot, "ax"
        .code32
        .globl boot_entry
boot_entry:
        cli
        cld
        mov     %eax, %edi              /* magic, survives into start_hv's 1st arg */
        mov     %ebx, %esi              /* info, 2nd arg */
        mov     $boot_stack_top_phys, %esp

        /* Identity map of 4 GiB with 2 MiB pages: 4 L2 tables of 512 entries. */
        mov     $boot_l2, %ebx
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $21, %eax
        or      $(PT_PRESENT | PT_RW | PT_PSE), %eax
        mov     %eax, (%ebx, %ecx, 8)
        mov     %ecx, %eax
        shr     $11, %eax               /* bits 32+ of (ecx << 21) */
        mov     %eax, 4(%ebx, %ecx, 8)
        inc     %ecx
        cmp     $2048, %ecx
        jne     1b

        /* CR4.PAE|PGE|OSFXSR|OSXMMEXCPT, CR3, EFER.LME|SCE|NXE, CR0.PG|WP. */
        mov     %cr4, %eax
        or      $((1 << 5) | (1 << 7) | (1 << 9) | (1 << 10)), %eax
        mov     %eax, %cr4
        mov     $boot_l4, %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx
        rdmsr
        or      $((1 << 8) | (1 << 0) | (1 << 11)), %eax
        wrmsr
        mov     %cr0, %eax
        or      $((1 << 31) | (1 << 16) | (1 << 1)), %eax   /* PG, WP, MP */
        and     $~(1 << 2), %eax                            /* EM off */
        mov     %eax, %cr0

        lgdt    boot_gdtr
        ljmp    $0x08, $boot_long_mode

        .code64
boot_long_mode:
        mov     $0x10, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        movabs  $high_entry, %rax
        jmp     *%rax

        .section .data.boot, "aw"
        .balign 8
boot_gdt:
        .quad 0
        .quad 0x00af9a000000ffff        /* 0x08: 64-bit ring-0 code */
        .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdtr:
        .word boot_gdt_end - boot_gdt - 1
        .long boot_gdt

        .balign 4096
        .globl boot_l4
boot_l4:
        .quad boot_l3_low + (PT_PRESENT | PT_RW)              /* slot 0: identity */
        .fill HV_SLOT_IMAGE - 1, 8, 0
        .quad boot_l3_image + (PT_PRESENT | PT_RW)            /* slot 261 */
        .quad boot_l3_low + (PT_PRESENT | PT_RW)              /* slot 262: direct map */
        .fill 512 - HV_SLOT_DIRECTMAP - 1, 8, 0
boot_l3_low:
        .quad boot_l2 + 0x0000 + (PT_PRESENT | PT_RW)
        .quad boot_l2 + 0x1000 + (PT_PRESENT | PT_RW)
        .quad boot_l2 + 0x2000 + (PT_PRESENT | PT_RW)
        .quad boot_l2 + 0x3000 + (PT_PRESENT | PT_RW)
        .fill 508, 8, 0
boot_l3_image:                          /* 0xffff82d080000000: L3 index 322 */
        .fill 322, 8, 0
        .quad boot_l2 + (PT_PRESENT | PT_RW)
        .fill 512 - 323, 8, 0
        .globl boot_l2
boot_l2:
        .fill 4 * 512, 8, 0
        .fill 1024, 4, 0                /* small stack for the 32-bit part */
boot_stack_top_phys:

        /* Where the identity map's L3 is (the secondary CPUs' trampoline uses it: smpboot.c). */
        .section .rodata
        .balign 8
        .globl boot_identity_l3
boot_identity_l3:
        .quad boot_l3_low

        .text
high_entry:
        /* CPU 0's stack, below its record and the guest frame (which a context switch fills). */
        movabs  $cpu_stacks + HV_STACK_SIZE - HV_CPU_INFO_SIZE - REGS_SIZE - 8, %rsp   /* 16-aligned */
        xor     %ebp, %ebp
        call    start_hv
        ud2
