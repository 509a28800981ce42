/* Segment descriptors: the guest's GDT (set_gdt) and update_descriptor. */
#ifndef HV_DESCRIPTORS_H
#define HV_DESCRIPTORS_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Map the GDT area (guest pages empty, our reserved page last). Boot only. */
/* Map CPU cpu's GDT area (its reserved page at 0xe000, no guest frames yet). */
void gdt_area_init(unsigned int cpu);
/* Show this vCPU's GDT frames to the CPU (context switch). */
void gdt_load_vcpu(const struct vcpu *v);
/* Drop the vCPU's GDT frames (their descriptor-page references). */
void gdt_release(struct vcpu *v);
/*
 * set_gdt for vCPU v: take the frames as descriptor pages (all or none),
 * then replace its GDT. 0, or -EINVAL (too many entries, a frame not v's
 * domain's or holding a refused descriptor).
 */
long pv_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned int entries);
/* Drop the vCPU's LDT frames (their descriptor-page references); nothing is loaded. */
void ldt_release(struct vcpu *v);
/* MMUEXT_SET_LDT: validate, take the pages as descriptor pages, load. 0 or -EINVAL. */
long ldt_set(struct vcpu *v, uint64_t base, unsigned int ents);
/* Xen's descriptor rule for 64-bit PV; may fix up the DPL. False = refuse. */
bool check_descriptor(uint64_t *desc);

#endif
