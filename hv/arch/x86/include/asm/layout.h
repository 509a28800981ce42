/*
 * The hypervisor's virtual address map. The upper-half L4 slots 256-271 belong to
 * the hypervisor in every address space (Xen's x86-64 PV ABI); within them:
 *   slot 256  0xffff800000000000  read-only machine-to-phys table (guest-visible, ABI)
 *   slot 261  0xffff82d080000000  hypervisor image (text, data, bss), phys 0 + offset
 *   slot 262  0xffff830000000000  direct map of all RAM we manage
 * Shared by C and assembly, so only plain macros here.
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

#define HV_IMAGE_VIRT       0xffff82d080000000
#define HV_DIRECTMAP_VIRT   0xffff830000000000
#define HV_DIRECTMAP_BYTES  0x400000000          /* 16 GiB mapped with 2 MiB pages */
#define HV_LOAD_PHYS        0x100000             /* QEMU/GRUB put us at 1 MiB */

#define HV_SLOT_FIRST       256
#define HV_SLOT_LAST        271
#define HV_SLOT_M2P         256
#define HV_SLOT_IMAGE       261
#define HV_SLOT_DIRECTMAP   262
#define HV_SLOT_GDT         260

/*
 * The GDT seen by a CPU: 14 pages of the guest's own GDT (set_gdt), then our
 * page, then (from page 16) the LDT. Each CPU has such an area of
 * HV_GDT_AREA_PAGES pages, CPU n's at HV_GDT_VIRT + n * HV_GDT_AREA_PAGES pages.
 */
#define HV_GDT_VIRT         0xffff820000000000
#define HV_GDT_GUEST_PAGES  14
#define HV_GDT_BYTES        ((HV_GDT_GUEST_PAGES + 1) * 4096)
#define HV_GDT_AREA_PAGES   32

/*
 * Each CPU's stack block (hv/percpu.h): HV_STACK_SIZE bytes aligned to their
 * size, the three IST stacks in its first pages, struct cpu_info (of
 * HV_CPU_INFO_SIZE bytes) at its top with the guest frame right below.
 */
#define HV_STACK_SIZE       0x10000              /* 64 KiB per CPU: 48 KiB of it the hypervisor stack */
#define HV_IST_STACK_SIZE   0x1000
#define HV_CPU_INFO_SIZE    256                  /* at least sizeof(struct cpu_info), a multiple of 16 */
#define NR_CPUS             8                    /* stack blocks, GDTs, TSSs and masks are sized for this many */
#define SYSCALL_ENTRY_SIZE  32                   /* each CPU's SYSCALL entry (entry.S) */

/* Segment selectors: Xen's reserved GDT page starts at selector 0xe000. */
#define HV_GDT_FIRST_RESERVED   0x1c00           /* entry index of selector 0xe000 */
#define HV_GDT_ENTRIES          (HV_GDT_FIRST_RESERVED + 512)
#define HV_CS                   0xe008           /* ring-0 64-bit code */
#define HV_DS                   0xe010           /* ring-0 data */
#define HV_CS32                 0xe018
#define GUEST_CS32              0xe023           /* ring-3 32-bit code (STAR base) */
#define GUEST_DS                0xe02b           /* ring-3 data/stack */
#define GUEST_CS64              0xe033           /* ring-3 64-bit code */
#define HV_TSS                  0xe038           /* 16-byte TSS descriptor */
#define HV_LDT                  0xe048           /* 16-byte LDT descriptor (the guest's LDT) */

#endif
