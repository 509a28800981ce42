/* What a PV guest sees of the CPU: its CPUID leaves and its MSRs. */
#ifndef HV_PV_POLICY_H
#define HV_PV_POLICY_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* A vCPU's MSR state that Xen keeps per vCPU (zero at creation). */
struct pv_msrs {
    uint64_t tsc_aux;                   /* loaded on the CPU while the vCPU runs */
    uint64_t misc_features_enables;
    uint64_t mcg_status;                /* virtual machine check */
    uint64_t dr_mask[4];                /* AMD DBEXT address masks */
};

struct domain;
struct cpu_policy;

/*
 * The guest's view of CPUID leaf/subleaf: r = eax, ebx, ecx, edx.
 * pv_cpuid: through the forced-emulation prefix (#UD); pv_cpuid_faulted: a
 * plain CPUID that faulted (#GP, CPUID faulting).  Xen answers the two
 * slightly differently (OSXSAVE, Dom0's MONITOR).
 */
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4]);
void pv_cpuid_faulted(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4]);

/* The CPUID policy of a PV domain (Xen 4.17's PV default), and the host's raw leaves. */
const struct cpu_policy *pv_domain_policy(const struct domain *d);
const struct cpu_policy *host_raw_policy(void);

/*
 * RDMSR/WRMSR by the guest kernel: true when handled (for a read, *val is
 * the value), false when the guest gets #GP(0).
 */
bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);

/* Load the vCPU's MSRs that live on the CPU (context switch). */
void pv_msrs_load(const struct vcpu *v);

#endif
