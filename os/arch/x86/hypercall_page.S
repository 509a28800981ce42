/*
 * The hypercall page: 4 KiB, page aligned, named by the HYPERCALL_PAGE note.
 *
 * The builder overwrites it with 128 32-byte stubs (slot nr at offset
 * 32*nr).  We pre-fill it with 0xc3 ("ret") so that a hypervisor which
 * forgot to write it is detectable: os_start checks the first byte.
 */
    .section .text.hypercall_page, "ax", @progbits
    .p2align 12
    .globl hypercall_page
    .type hypercall_page, @object
hypercall_page:
    .fill 4096, 1, 0xc3
    .size hypercall_page, 4096
