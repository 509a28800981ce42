/* Per-vCPU extended state (x87/SSE/AVX), saved only on a switch to another vCPU. */
#ifndef HV_FPU_H
#define HV_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

void fpu_init(void);                    /* enable XSAVE features (boot CPU) */
void fpu_init_secondary(void);          /* the same XCR0 on another CPU (after CR4.OSXSAVE) */
int fpu_vcpu_init(struct vcpu *v);      /* 0, or -1 without memory */
void fpu_save(struct vcpu *v);
/* Is state kept in XSAVE form (header after the 512-byte legacy image)? */
bool fpu_uses_xsave(void);
void fpu_restore(struct vcpu *v);
/*
 * XSETBV by the guest kernel (emulated): XCR0 := val for this vCPU, with
 * Xen's checks (within max, x87 set, YMM needs SSE, the AVX-512 trio and
 * the MPX pair together). 0, or -1 for the guest's #GP(0).
 */
int fpu_set_xcr0(struct vcpu *v, uint64_t val, uint64_t max);

#endif
