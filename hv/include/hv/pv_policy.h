/* What a PV guest sees of the CPU: its CPUID leaves and its MSRs. */
#ifndef HV_PV_POLICY_H
#define HV_PV_POLICY_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* The guest's view of CPUID leaf/subleaf: r = eax, ebx, ecx, edx. */
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4]);

/*
 * RDMSR/WRMSR by the guest kernel: true when handled (for a read, *val is
 * the value), false when the guest gets #GP(0).
 */
bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);

#endif
