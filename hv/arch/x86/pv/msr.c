/*
 * The MSRs a PV guest kernel may read or write with RDMSR/WRMSR (which fault
 * in ring 3 and come here through the privileged-instruction emulator).
 */
#include <hv/cpu.h>
#include <hv/io.h>
#include <hv/domain.h>
#include <hv/pv_policy.h>

bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE:
        *val = rdmsr(MSR_FS_BASE);
        return true;
    case MSR_GS_BASE:
        *val = rdmsr(MSR_GS_BASE);
        return true;
    case MSR_SHADOW_GS_BASE:
        *val = v->kernel_mode ? v->gs_base_user : v->gs_base_kernel;
        return true;
    case MSR_EFER:
        *val = rdmsr(MSR_EFER) & ((1u << 0) | (1u << 8) | (1u << 10) | (1u << 11));
        return true;
    case MSR_TSC_AUX:
        *val = 0;
        return true;
    default:
        return false;
    }
}

static bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_FS_BASE:
        if (!is_canonical(val))
            return false;
        wrmsr(MSR_FS_BASE, val);
        v->fs_base = val;
        return true;
    case MSR_GS_BASE:
        if (!is_canonical(val))
            return false;
        wrmsr(MSR_GS_BASE, val);
        if (v->kernel_mode)
            v->gs_base_kernel = val;
        else
            v->gs_base_user = val;
        return true;
    case MSR_SHADOW_GS_BASE:
        if (!is_canonical(val))
            return false;
        if (v->kernel_mode)
            v->gs_base_user = val;
        else
            v->gs_base_kernel = val;
        return true;
    default:
        return false;
    }
}

