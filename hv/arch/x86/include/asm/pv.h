/* PV guest model: building domains and their boot-time state. */
#ifndef HV_PV_H
#define HV_PV_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <xen/xen.h>

struct domain;

/* Fill a 4 KiB hypercall page (the 64-bit SYSCALL flavour). */
void hypercall_page_fill(uint8_t *page);

struct pv_image {
    const void *kernel; size_t kernel_len;
    const void *initrd; size_t initrd_len;
    const char *cmdline;
    unsigned long nr_pages;
};

/* A kernel ready for the ELF loader: the module itself, or its unpacked payload. */
struct pv_kernel {
    const void *elf; size_t len;
    uint64_t scratch;               /* first hypervisor frame holding it, or ~0 */
    unsigned long scratch_pages;
};

/*
 * Find the ELF image in a boot module: as is, the payload of a bzImage, or
 * a gzip/xz/lz4/zstd-compressed ELF decompressed into fresh hypervisor frames (kept
 * `reserve` frames free for the domain itself). Returns 0, or a negative Xen
 * errno after printing one line saying why; nothing is left allocated then.
 */
int pv_kernel_unpack(unsigned int domid, const struct pv_image *img, unsigned long reserve,
                     struct pv_kernel *k);
/* Give back the frames pv_kernel_unpack took (nothing for a plain ELF). */
void pv_kernel_release(struct pv_kernel *k);

/*
 * Build the initial domain from a Xen PV ELF image following Xen's 64-bit PV
 * boot protocol (dom0 layout). Returns 0, or a negative Xen errno after
 * printing what is wrong with the image; nothing is left allocated then.
 */
int dom0_build(struct domain *d, const struct pv_image *img);
/* The same for any domain: Dom0's layout for domain 0, the domU layout otherwise. */
int pv_build(struct domain *d, const struct pv_image *img);


/* The frame the vCPU's current root maps at `va`, or ~0 (INVALID_MFN). */
struct vcpu;
uint64_t pv_guest_frame_at(struct vcpu *v, uint64_t va);
/* The L1 table (and index) whose entry maps `va` in the current root, or ~0. */
uint64_t pv_guest_l1_of(struct vcpu *v, uint64_t va, unsigned int *idx);

/*
 * Register one guest callback of this vCPU (callback_op, set_callbacks,
 * nmi_op). Returns 0, -EINVAL for an address that cannot be a guest entry
 * point, -ENOSYS for an unknown type.
 */
struct callback_register;
long pv_register_callback(struct vcpu *v, const struct callback_register *r);

/*
 * Virtual NMIs (pv/nmi.c). pv_send_nmi: make one pending for v and get it
 * to its exit path (woken if blocked). pv_deliver_nmi: on v's way into the
 * guest through regs, bounce a pending, unmasked NMI to vector 2 of its trap
 * table and mask NMIs until its next iret; false if v crashed doing so.
 * pv_set_nmi_callback: the NMI callback as Xen keeps it, vector 2 of the
 * trap table (0: none).
 */
struct cpu_regs;
void pv_send_nmi(struct vcpu *v);
bool pv_deliver_nmi(struct vcpu *v, struct cpu_regs *regs);
void pv_set_nmi_callback(struct vcpu *v, uint64_t address);

/*
 * The guest's second copy of v's time (pv/time_area.c):
 * pv_register_time_area serves VCPUOP_register_vcpu_time_memory_area (0 or
 * -EFAULT); pv_time_area_update writes t there, if v has an area.
 */
struct vcpu_time_info;
long pv_register_time_area(struct vcpu *v, XEN_GUEST_HANDLE(void) arg);
void pv_time_area_update(struct vcpu *v, const struct vcpu_time_info *t);

#endif
