/*
 * hello with an INIT_P2M note: the kernel asks for its P2M list at
 * 0x8000000000 (L4 slot 1, where Linux 6.1 asks for it), outside the
 * bootstrap region. It prints hello's start_info, then reads every entry of
 * the list through that mapping. tests/system/test_init_p2m.py compares the
 * output on Xenolith and Xen 4.17.
 */
#define HELLO_P2M_CHECK 1
#include "../hello/main.c"

__asm__(".pushsection .note.xen, \"a\", @note\n"
        ".p2align 2\n"
        ".long 4\n"                     /* namesz: "Xen\0" */
        ".long 8\n"                     /* descsz */
        ".long 15\n"                    /* XEN_ELFNOTE_INIT_P2M */
        ".asciz \"Xen\"\n"
        ".p2align 2\n"
        ".quad 0x8000000000\n"
        ".popsection\n");
