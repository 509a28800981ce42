/*
 * The PV MMU as the hypercalls see it: the frame-type machine (hv/arch/x86/lib/pt_*.c)
 * running on this machine's frame table, plus the per-vCPU roots.
 */
#ifndef HV_PV_MMU_H
#define HV_PV_MMU_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/e820_dom0.h>
#include <asm/pt_types.h>

struct domain;
struct vcpu;

extern struct pt_env pv_mmu_env;

/* The I/O APIC's page and the MSI window: reserved in Dom0's machine memory map's holes. */
#define PV_DOM0_RESERVED_IO 2
extern const struct e820_dom0_range pv_dom0_reserved_io[PV_DOM0_RESERVED_IO];

/* Bind the machine to the frame table (after mm_init). */
void pv_mmu_init(void);

/* Make a vCPU's root `mfn` (kernel or user), taking the root reference. 0 or errno. */
int pv_set_root(struct vcpu *v, bool user, uint64_t mfn);
/*
 * MMUEXT_NEW_BASEPTR and the emulated `mov to %cr3`: make `mfn` the vCPU's
 * kernel root and load it. 0, or -EINVAL (no frame, not an L4 of the
 * caller's that validates). The caller is the vCPU itself.
 */
long pv_new_baseptr(struct vcpu *v, uint64_t mfn);
/* Take writable-type and general references on a frame the hypervisor writes for the guest. */
int pv_get_writable_frame(struct domain *d, uint64_t mfn);
void pv_put_writable_frame(uint64_t mfn);
/* Run the audit over a domain; prints each mismatch; returns their number. */
int pv_mmu_audit(struct domain *d);

#endif
