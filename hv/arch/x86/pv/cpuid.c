/*
 * The CPUID a PV guest sees (through the forced-emulation prefix): Xen's
 * leaves at 0x40000000, the host's leaves with what a PV guest must not use
 * taken out.
 */
#include <hv/cpu.h>
#include <hv/io.h>
#include <hv/pv_policy.h>

#define XEN_CPUID_BASE 0x40000000u

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x10000) {
        r[0] = r[1] = r[2] = r[3] = 0;
        switch (leaf - XEN_CPUID_BASE) {
        case 0:
            r[0] = XEN_CPUID_BASE + 2;          /* highest Xen leaf we answer */
            r[1] = 0x566e6558;                  /* "XenV" */
            r[2] = 0x65584d4d;                  /* "MMXe" */
            r[3] = 0x4d4d566e;                  /* "nVMM" */
            break;
        case 1:
            r[0] = (4u << 16) | 17u;            /* the ABI version we implement */
            break;
        case 2:
            r[0] = 1;                           /* one hypercall page */
            r[1] = XEN_CPUID_BASE;              /* MSR to write it (HVM only; unused by PV) */
            break;
        }
        return;
    }
    cpuid_count(leaf, sub, r);
    if (leaf == 1) {
        r[2] &= ~((1u << 5) | (1u << 3));       /* no VMX, no MONITOR */
        r[2] |= 1u << 31;                       /* running on a hypervisor */
    }
}

