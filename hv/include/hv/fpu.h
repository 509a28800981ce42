/* Per-vCPU extended state (x87/SSE/AVX), saved only on a switch to another vCPU. */
#ifndef HV_FPU_H
#define HV_FPU_H

struct vcpu;

void fpu_init(void);                    /* enable XSAVE features (boot CPU) */
int fpu_vcpu_init(struct vcpu *v);      /* 0, or -1 without memory */
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);

#endif
