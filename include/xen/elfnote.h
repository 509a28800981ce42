/*
 * Xenolith public ABI: ELF notes of a PV guest kernel image.
 *
 * A PV kernel describes itself to the domain builder with ELF notes whose
 * owner name is "Xen" (namesz 4, "Xen\0").  The note type is one of the
 * numbers below.  "num" notes carry a 4- or 8-byte little-endian integer
 * (size given by descsz); "str" notes carry a NUL-terminated string.
 * The numbering is Xen's, so real Xen guests load unchanged.
 */
#ifndef XEN_PUBLIC_ELFNOTE_H
#define XEN_PUBLIC_ELFNOTE_H

/* Owner name every Xen note carries, including its terminating NUL. */
#define XEN_ELFNOTE_NAME            "Xen"

#define XEN_ELFNOTE_INFO                0  /* str: free-form, ignored */
#define XEN_ELFNOTE_ENTRY               1  /* num: virtual entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2  /* num: VA the builder fills with stubs */
#define XEN_ELFNOTE_VIRT_BASE           3  /* num: VA of pseudo-physical 0 */
#define XEN_ELFNOTE_PADDR_OFFSET        4  /* num: legacy bias subtracted from p_paddr */
#define XEN_ELFNOTE_XEN_VERSION         5  /* str: must start with "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS            6  /* str: e.g. "linux", informational */
#define XEN_ELFNOTE_GUEST_VERSION       7  /* str: informational */
#define XEN_ELFNOTE_LOADER              8  /* str: "generic" */
#define XEN_ELFNOTE_PAE_MODE            9  /* str: 32-bit guests only */
#define XEN_ELFNOTE_FEATURES           10  /* str: XENFEAT names joined by '|', '!' = required */
#define XEN_ELFNOTE_BSD_SYMTAB         11  /* str: "yes" = load the symbol table too */
#define XEN_ELFNOTE_HV_START_LOW       12  /* num: 32-bit PAE only */
#define XEN_ELFNOTE_L1_MFN_VALID       13  /* num pairs: mask, value of PTEs holding MFNs */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14  /* num: guest copes with a cancelled suspend */
#define XEN_ELFNOTE_INIT_P2M           15  /* num: VA where the builder maps the P2M list */
#define XEN_ELFNOTE_MOD_START_PFN      16  /* num: 1 = initrd may be passed as a PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17  /* num: bitmap of XENFEAT_* the kernel copes with */
#define XEN_ELFNOTE_PHYS32_ENTRY       18  /* num: PVH 32-bit entry; ignored for PV */
#define XEN_ELFNOTE_PHYS32_RELOC       19  /* 1..3 x u32: PVH relocation limits; ignored for PV */

/* Highest note type defined so far (for tables indexed by type). */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_RELOC

/*
 * Notes that the Xen tool-stack's own save images use (not in kernels).
 * Listed so a parser can recognise and skip them.
 */
#define XEN_ELFNOTE_CRASH_INFO          0x1000001
#define XEN_ELFNOTE_CRASH_REGS          0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE       0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER     0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* XEN_PUBLIC_ELFNOTE_H */
