/*
 * The PV guest's control registers (arch/x86/pv/ctrlreg.c) as the emulated
 * `mov %crN` shows them, and the part of the real CR4 that follows the
 * running vCPU (TSD, FSGSBASE).
 */
#ifndef HV_CTRLREG_H
#define HV_CTRLREG_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

#define X86_CR0_TS          (1UL << 3)
#define X86_CR4_TSD         (1UL << 2)
#define X86_CR4_DE          (1UL << 3)
#define X86_CR4_PAE         (1UL << 5)
#define X86_CR4_MCE         (1UL << 6)
#define X86_CR4_OSFXSR      (1UL << 9)
#define X86_CR4_OSXMMEXCPT  (1UL << 10)
#define X86_CR4_FSGSBASE    (1UL << 16)
#define X86_CR4_OSXSAVE     (1UL << 18)

/* A new vCPU: CR2 clear, CR4 with none of the guest's own bits. */
void ctrlreg_init(struct vcpu *v);
/* CR4 as the guest would have written it (the control interface's vCPU context). */
void ctrlreg_set_cr4(struct vcpu *v, uint64_t val);
/* Put the vCPU's TSD and FSGSBASE into the real CR4 (at a switch to it, and after a write). */
void ctrlreg_load(const struct vcpu *v);
/* `mov %crN, reg` from guest kernel mode: false for a register it may not read (#GP). */
bool pv_read_cr(struct vcpu *v, unsigned int cr, uint64_t *val);
/* `mov reg, %crN` from guest kernel mode: false when refused (#GP(0)). */
bool pv_write_cr(struct vcpu *v, unsigned int cr, uint64_t val);
/* A page fault delivered to the guest, or its own CR2 write: CR2 and vcpu_info arch.cr2. */
void pv_set_cr2(struct vcpu *v, uint64_t va);

#endif
