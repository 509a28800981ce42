/*
 * Entry point of an os/ based PV guest.
 *
 * Contract (Xen x86-64 PV boot, xen-pv-abi-map.md 1.7): we are entered in
 * 64-bit guest kernel mode (ring 3, cs 0xe033) with %rsi = VA of start_info,
 * %rsp = top of the builder's boot-stack page, events masked.  We move to
 * our own stack in .bss (so the boot stack page becomes free memory) and
 * call os_start(start_info), which never returns.
 */
    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    cld
    lea     os_boot_stack_top(%rip), %rsp
    xor     %ebp, %ebp
    mov     %rsi, %rdi
    call    os_start
1:  ud2
    jmp     1b

    .section .bss.page_aligned, "aw", @nobits
    .p2align 12
    .globl os_boot_stack
os_boot_stack:
    .skip   4 * 4096
    .globl os_boot_stack_top
os_boot_stack_top:
