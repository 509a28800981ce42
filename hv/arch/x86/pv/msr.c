/*
 * The MSRs a PV guest kernel may read or write with RDMSR/WRMSR (which fault
 * in ring 3 and come here through the privileged-instruction emulator).
 * Answers, and which writes are ignored or refused with #GP, are Xen 4.17's
 * for a PV domain (xen/arch/x86/msr.c guest_rdmsr/guest_wrmsr, then
 * xen/arch/x86/pv/emul-priv-op.c read_msr/write_msr, in that order).
 */
#include <asm/cpu.h>
#include <hv/guest_access.h>
#include <asm/cpu_policy.h>
#include <hv/domain.h>
#include <asm/io.h>
#include <hv/mm.h>
#include <asm/pv.h>
#include <asm/pv_mmu.h>
#include <asm/pv_policy.h>

#define XEN_MSR_PAT             0x0000050100070406ull
#define APIC_BASE_DEFAULT       0xfee00000ull
#define APIC_BASE_BSP           (1ull << 8)
#define APIC_BASE_ENABLE        (1ull << 11)
#define EFER_KNOWN              ((1ull << 0) | (1ull << 8) | (1ull << 10) | (1ull << 11) | \
                                 (1ull << 14))      /* SCE LME LMA NX FFXSR (SVME hidden) */
#define MCG_CAP_BANKS           2ull                /* Xen's virtual MCE banks */
#define MCG_CAP_INTEL           ((1ull << 24) | (1ull << 11) | (1ull << 10) | MCG_CAP_BANKS)
#define DE_CFG_LFENCE_SERIALISE (1ull << 1)
#define SYSCFG_GUEST_BITS       ((1ull << 22) | (1ull << 21) | (1ull << 20) | (1ull << 18))
#define MISC_ENABLE_CLEAR       ((1ull << 7) | (1ull << 18))    /* PERF_AVAIL, MONITOR */
#define MISC_ENABLE_SET         ((1ull << 11) | (1ull << 12) | (1ull << 23)) /* no BTS/PEBS/xTPR */

enum { MSR_OK, MSR_GP, MSR_NEXT };      /* answered, #GP(0), not decided at this stage */

/* RDMSR that may fault: false if the CPU refused the MSR. */
static bool rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    int fault = 0;

    __asm__ volatile("1: rdmsr\n"
                     "2:\n"
                     ".section .fixup_msr, \"ax\"\n"
                     "3: movl $1, %2\n"
                     "   jmp 2b\n"
                     ".previous\n"
                     EX_TABLE("1b", "3b")
                     : "+a"(lo), "+d"(hi), "+r"(fault) : "c"(msr));
    *val = (uint64_t)hi << 32 | lo;
    return !fault;
}

static bool policy_has(const struct vcpu *v, unsigned int f)
{
    uint32_t fs[FS_WORDS];

    cpu_policy_to_fs(pv_domain_policy(v->domain), fs);
    return fs_test(fs, f);
}

static unsigned int vendor(void)
{
    return host_raw_policy()->vendor;
}

static unsigned int family(void)
{
    uint32_t a = host_raw_policy()->basic[1].a;
    uint32_t fam = (a >> 8) & 0xf;

    return fam == 0xf ? fam + ((a >> 20) & 0xff) : fam;
}

static bool is_amd_like(void)
{
    return vendor() & (X86_VENDOR_AMD | X86_VENDOR_HYGON);
}

/* MSRs Xen never lets a PV guest touch (write-only ones are here for reads only). */
static bool never_offered(uint32_t msr)
{
    switch (msr) {
    case 0x33:                                  /* TEST_CTRL */
    case 0x10f: case 0x122: case 0x123:         /* TSX_FORCE_ABORT, TSX_CTRL, MCU_OPT_CTRL */
    case 0x6a0: case 0x6a2:                     /* U_CET, S_CET */
    case 0xc0000105: case 0xc0000106:           /* LWP_CFG, LWP_CBADDR */
    case 0x4e: case 0x4f:                       /* PPIN_CTL, PPIN */
    case 0xc00102f0: case 0xc00102f1:           /* AMD PPIN_CTL, PPIN */
        return true;
    }
    return (msr >= 0x560 && msr <= 0x58f) ||    /* processor trace */
           (msr >= 0x6a4 && msr <= 0x6a8);      /* PL0_SSP .. INTERRUPT_SSP_TABLE */
}

/* Xen's virtual machine-check banks: MCi_CTL reads all ones, the rest 0. */
static bool is_mce_msr(uint32_t msr)
{
    return msr == 0x179 || msr == 0x17a || msr == 0x17b || msr == 0x4d0 ||
           (msr >= 0x280 && msr <= 0x29f) || (msr >= 0x400 && msr <= 0x47f);
}

static bool is_mce_bank(uint32_t msr)
{
    return msr >= 0x400 && msr < 0x400 + 4 * MCG_CAP_BANKS;
}

static bool is_intel_pmu(uint32_t msr)
{
    return (msr >= 0xc1 && msr <= 0xc8) || (msr >= 0x186 && msr <= 0x189) ||
           (msr >= 0x309 && msr <= 0x30b) || (msr >= 0x38d && msr <= 0x390);
}

static bool is_amd_pmu(uint32_t msr)
{
    return (msr >= 0xc0010200 && msr <= 0xc001020b) || (msr >= 0xc0010000 && msr <= 0xc0010007);
}

/* K7/K8 frequency MSRs: Xen answers them on AMD for a domain that is not the cpufreq controller. */
static bool is_amd_pstate(uint32_t msr)
{
    return msr == 0xc0010041 || msr == 0xc0010042 || (msr >= 0xc0010061 && msr <= 0xc001006b);
}

static bool is_amd_dr_mask(uint32_t msr)
{
    return msr == 0xc0011027 || (msr >= 0xc0011019 && msr <= 0xc001101b);
}

static unsigned int dr_mask_index(uint32_t msr)
{
    return msr == 0xc0011027 ? 0 : msr - 0xc0011019 + 1;
}

static uint64_t guest_efer(void)
{
    return rdmsr(MSR_EFER) & EFER_KNOWN;
}

/* The architectural MSRs (Xen's guest_rdmsr). */
static int rdmsr_arch(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    const struct cpu_policy *p = pv_domain_policy(v->domain);
    struct pv_msrs *m = &v->arch.msrs;

    *val = 0;
    if (never_offered(msr))
        return MSR_GP;
    if (msr == 0x0 || msr == 0x1)               /* P5_MC_ADDR/TYPE: read 0 (not writable) */
        return MSR_OK;
    if (is_mce_msr(msr)) {
        if (msr == 0x179)
            *val = vendor() == X86_VENDOR_INTEL ? MCG_CAP_INTEL : MCG_CAP_BANKS;
        else if (msr == 0x17a)
            *val = m->mcg_status;
        else if (msr == 0x4d0)
            return MSR_GP;                      /* no local MCE */
        else if (is_mce_bank(msr) && (msr & 3) == 0)
            *val = ~0ull;
        return MSR_OK;
    }
    if (msr >= 0x800 && msr <= 0x8ff)           /* x2APIC: HVM only */
        return MSR_GP;
    if (msr >= 0x40000000 && msr <= 0x400002ff)
        return msr == 0x40000000 ? MSR_OK : MSR_GP;     /* hypercall page: reads 0 */
    if (is_amd_dr_mask(msr)) {
        if (!policy_has(v, X86_FEAT_DBEXT))
            return MSR_GP;
        *val = m->dr_mask[dr_mask_index(msr)];
        return MSR_OK;
    }

    switch (msr) {
    case 0x79: case 0x49: case 0x10b:           /* UCODE_WRITE, PRED_CMD, FLUSH_CMD */
    case 0xc0010020:                            /* AMD PATCHLOADER */
    case 0xcf:                                  /* CORE_CAPABILITIES */
        return MSR_GP;
    case 0x3a:                                  /* FEATURE_CONTROL: locked, nothing on */
        if (!(p->vendor & (X86_VENDOR_INTEL | X86_VENDOR_CENTAUR | X86_VENDOR_SHANGHAI)))
            return MSR_GP;
        *val = 1;
        return MSR_OK;
    case 0x17:                                  /* PLATFORM_ID */
        if (p->vendor != X86_VENDOR_INTEL || vendor() != X86_VENDOR_INTEL)
            return MSR_GP;
        return rdmsr_safe(msr, val) ? MSR_OK : MSR_GP;
    case 0x8b:                                  /* microcode revision */
        if (!(p->vendor & (X86_VENDOR_INTEL | X86_VENDOR_AMD)) ||
            !(vendor() & (X86_VENDOR_INTEL | X86_VENDOR_AMD)))
            return MSR_GP;
        return rdmsr_safe(msr, val) ? MSR_OK : MSR_GP;
    case 0x48:                                  /* SPEC_CTRL: not virtualised for PV */
        return MSR_GP;
    case 0xce:                                  /* PLATFORM_INFO: no CPUID faulting offered */
        return MSR_OK;
    case 0x10a:                                 /* ARCH_CAPABILITIES */
        if (!policy_has(v, X86_FEAT_ARCH_CAPS))
            return MSR_GP;
        *val = p->arch_caps;
        return MSR_OK;
    case 0x140:                                 /* MISC_FEATURES_ENABLES */
        *val = m->misc_features_enables;
        return MSR_OK;
    case 0x198: case 0x199:                     /* PERF_STATUS, PERF_CTL: read as zero */
        return p->vendor & (X86_VENDOR_INTEL | X86_VENDOR_CENTAUR) ? MSR_OK : MSR_GP;
    case 0x19c:                                 /* THERM_STATUS */
        return p->vendor == X86_VENDOR_INTEL ? MSR_OK : MSR_GP;
    case 0xd90:                                 /* BNDCFGS: MPX is HVM only */
    case 0xda0:                                 /* XSS: no XSAVES for PV */
        return MSR_GP;
    case MSR_TSC_AUX:
        if (!policy_has(v, X86_FEAT_RDTSCP) && !policy_has(v, X86_FEAT_RDPID))
            return MSR_GP;
        *val = m->tsc_aux;
        return MSR_OK;
    case 0xc0010010: case 0xc001001a: case 0xc001001d:         /* SYSCFG, TOP_MEM1/2 */
    case 0xc0010016: case 0xc0010017: case 0xc0010018: case 0xc0010019: /* IORRs */
    case 0xc0010112: case 0xc0010113:                          /* TSEG */
        if (!(p->vendor & (X86_VENDOR_AMD | X86_VENDOR_HYGON)))
            return MSR_GP;
        if (v->domain->id != 0)
            return MSR_NEXT;                    /* and so #GP */
        if (!rdmsr_safe(msr, val))
            return MSR_GP;
        if (msr == 0xc0010010)
            *val &= SYSCFG_GUEST_BITS;
        return MSR_OK;
    case 0xc0010015:                            /* HWCR */
        return p->vendor & (X86_VENDOR_AMD | X86_VENDOR_HYGON) ? MSR_OK : MSR_GP;
    case 0xc001011f:                            /* VIRT_SPEC_CTRL: never for PV */
        return MSR_GP;
    case 0xc0011029:                            /* DE_CFG: LFENCE is dispatch serialising */
        if (!(p->vendor & (X86_VENDOR_AMD | X86_VENDOR_HYGON)))
            return MSR_GP;
        *val = DE_CFG_LFENCE_SERIALISE;
        return MSR_OK;
    }
    return MSR_NEXT;
}

/* What Xen's PV privileged-op emulator answers for the rest (read_msr). */
static int rdmsr_pv(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    uint64_t host;

    switch (msr) {
    case MSR_APIC_BASE:                         /* Linux reads it */
        *val = APIC_BASE_DEFAULT | APIC_BASE_ENABLE | (v->id == 0 ? APIC_BASE_BSP : 0);
        return MSR_OK;
    case MSR_FS_BASE:
        *val = rdmsr(MSR_FS_BASE);
        return MSR_OK;
    case MSR_GS_BASE:
        *val = rdmsr(MSR_GS_BASE);
        return MSR_OK;
    case MSR_SHADOW_GS_BASE:
        *val = v->arch.gs_base_user;
        return MSR_OK;
    case 0x10:                                  /* TSC: never emulated */
        *val = rdtsc();
        return MSR_OK;
    case MSR_EFER:
        *val = guest_efer();
        return MSR_OK;
    case MSR_PAT:
        *val = XEN_MSR_PAT;
        return MSR_OK;
    case 0xc0010058:                            /* FAM10H_MMIO_CONF_BASE */
        if (vendor() != X86_VENDOR_AMD || family() < 0x10 || family() >= 0x17)
            return MSR_GP;
        return MSR_OK;
    case 0xc001001f:                            /* NB_CFG: reads 0 (no pinned Dom0 vCPUs) */
        return MSR_OK;
    case 0x1a0:                                 /* MISC_ENABLE, adjusted */
        if (!rdmsr_safe(msr, &host))
            return MSR_GP;
        *val = (host & ~MISC_ENABLE_CLEAR) | MISC_ENABLE_SET;
        return MSR_OK;
    case 0x345:                                 /* PERF_CAPABILITIES: none */
        return MSR_OK;
    }
    if (is_amd_pstate(msr))
        return vendor() == X86_VENDOR_AMD ? MSR_OK : MSR_GP;
    if (is_intel_pmu(msr))                      /* no vPMU: counters read 0 */
        return vendor() == X86_VENDOR_INTEL ? MSR_OK : MSR_GP;
    if (is_amd_pmu(msr))
        return is_amd_like() ? MSR_OK : MSR_GP;
    return MSR_GP;
}

bool pv_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    uint64_t host;
    int rc = rdmsr_arch(v, msr, val);

    if (rc == MSR_NEXT)
        rc = rdmsr_pv(v, msr, val);
    if (rc == MSR_GP && !v->arch.traps[13].address && (msr >> 16) != 0x4000 &&
        rdmsr_safe(msr, &host)) {
        /* Like Xen: a kernel with no #GP handler yet reads an existing MSR as 0. */
        *val = 0;
        rc = MSR_OK;
    }
    return rc == MSR_OK;
}

/* WRMSR of the hypercall-page MSR: Xen's hypercall page into the named frame. */
static int write_hypercall_page(struct vcpu *v, uint64_t val)
{
    uint64_t mfn = val >> 12;

    if (val & 0xfff)
        return MSR_GP;                          /* only page 0 exists */
    int rc = MSR_GP;

    spin_lock(&v->domain->page_lock);
    if (!pv_get_writable_frame(v->domain, mfn)) {
        hypercall_page_fill(mfn_to_virt(mfn));
        pv_put_writable_frame(mfn);
        rc = MSR_OK;
    }
    spin_unlock(&v->domain->page_lock);
    return rc;
}

/* Xen's guest_wrmsr. */
static int wrmsr_arch(struct vcpu *v, uint32_t msr, uint64_t val)
{
    const struct cpu_policy *p = pv_domain_policy(v->domain);
    struct pv_msrs *m = &v->arch.msrs;

    if (never_offered(msr))
        return MSR_GP;
    if (is_mce_msr(msr)) {
        if (msr == 0x17a)
            m->mcg_status = val;
        else if (msr == 0x4d0)
            return MSR_GP;
        else if (is_mce_bank(msr) && (msr & 3) != 0 && val)
            return MSR_GP;                      /* MCi_STATUS/ADDR/MISC take only 0 */
        return MSR_OK;                          /* the rest: written, unchanged */
    }
    if (msr >= 0x800 && msr <= 0x8ff)
        return MSR_GP;
    if (msr >= 0x40000000 && msr <= 0x400002ff)
        return msr == 0x40000000 ? write_hypercall_page(v, val) : MSR_GP;
    if (is_amd_dr_mask(msr)) {
        if (!policy_has(v, X86_FEAT_DBEXT) || val != (uint32_t)val)
            return MSR_GP;
        m->dr_mask[dr_mask_index(msr)] = val;
        return MSR_OK;
    }

    switch (msr) {
    case 0x17: case 0xcf: case 0x35: case 0xce: case 0x10a:    /* read-only */
    case 0xc0010020: case 0x79:                 /* microcode loading: never for PV */
    case 0x48:                                  /* SPEC_CTRL */
    case 0x10b:                                 /* FLUSH_CMD: L1D_FLUSH is HVM only */
    case 0xd90: case 0xda0:                     /* BNDCFGS, XSS */
    case 0xc001011f:                            /* VIRT_SPEC_CTRL */
        return MSR_GP;
    case 0x8b:                                  /* Intel: write 0 before reading the revision */
        return p->vendor == X86_VENDOR_INTEL && val == 0 ? MSR_OK : MSR_GP;
    case 0x49:                                  /* PRED_CMD */
        if (!policy_has(v, X86_FEAT_IBRSB) && !policy_has(v, X86_FEAT_IBPB))
            return MSR_GP;
        if (val & ~(1ull | (policy_has(v, X86_FEAT_SBPB) ? 1ull << 7 : 0)))
            return MSR_GP;
        wrmsr(msr, val);
        return MSR_OK;
    case 0x140:                                 /* MISC_FEATURES_ENABLES: no faulting offered */
        if (val)
            return MSR_GP;
        m->misc_features_enables = val;
        return MSR_OK;
    case 0x199:                                 /* PERF_CTL: ignored */
        return p->vendor & (X86_VENDOR_INTEL | X86_VENDOR_CENTAUR) ? MSR_OK : MSR_GP;
    case MSR_TSC_AUX:
        if ((!policy_has(v, X86_FEAT_RDTSCP) && !policy_has(v, X86_FEAT_RDPID)) ||
            val != (uint32_t)val)
            return MSR_GP;
        m->tsc_aux = val;
        wrmsr(MSR_TSC_AUX, val);
        return MSR_OK;
    case 0xc0011029:                            /* DE_CFG: ignored */
        return p->vendor & (X86_VENDOR_AMD | X86_VENDOR_HYGON) ? MSR_OK : MSR_GP;
    }
    return MSR_NEXT;
}

/* Xen's write_msr. */
static int wrmsr_pv(struct vcpu *v, uint32_t msr, uint64_t val)
{
    uint64_t host;

    switch (msr) {
    case MSR_FS_BASE:
        if (!is_canonical(val))
            return MSR_GP;
        wrmsr(MSR_FS_BASE, val);
        v->arch.fs_base = val;
        return MSR_OK;
    case MSR_GS_BASE:
        if (!is_canonical(val))
            return MSR_GP;
        wrmsr(MSR_GS_BASE, val);
        if (v->arch.kernel_mode)
            v->arch.gs_base_kernel = val;
        else
            v->arch.gs_base_user = val;
        return MSR_OK;
    case MSR_SHADOW_GS_BASE:
        if (!is_canonical(val))
            return MSR_GP;
        if (v->arch.kernel_mode)
            v->arch.gs_base_user = val;
        else
            v->arch.gs_base_kernel = val;
        return MSR_OK;
    case MSR_EFER:                              /* Linux writes back what it read */
        return val == guest_efer() ? MSR_OK : MSR_GP;
    case 0xc0010015:                            /* HWCR: ignored */
        return is_amd_like() ? MSR_OK : MSR_GP;
    case 0xc001001f:                            /* NB_CFG: ignored */
        return MSR_OK;
    case 0xc0010058:                            /* FAM10H_MMIO_CONF_BASE: ignored */
        return vendor() == X86_VENDOR_AMD && family() >= 0x10 && family() < 0x17 ?
               MSR_OK : MSR_GP;
    case 0x1a0:                                 /* MISC_ENABLE: any other value is ignored */
        return rdmsr_safe(msr, &host) ? MSR_OK : MSR_GP;
    case 0xe7: case 0xe8:                       /* MPERF, APERF: ignored */
        return vendor() & (X86_VENDOR_INTEL | X86_VENDOR_AMD | X86_VENDOR_HYGON) ?
               MSR_OK : MSR_GP;
    case 0x19a: case 0x1b0:                     /* THERM_CONTROL, ENERGY_PERF_BIAS: ignored */
        return vendor() == X86_VENDOR_INTEL ? MSR_OK : MSR_GP;
    }
    if (is_amd_pstate(msr))
        return is_amd_like() ? MSR_OK : MSR_GP;
    if (is_intel_pmu(msr))
        return vendor() == X86_VENDOR_INTEL ? MSR_OK : MSR_GP;
    if (is_amd_pmu(msr))
        return is_amd_like() ? MSR_OK : MSR_GP;
    return MSR_GP;
}

bool pv_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    int rc = wrmsr_arch(v, msr, val);

    if (rc == MSR_NEXT)
        rc = wrmsr_pv(v, msr, val);
    return rc == MSR_OK;
}

void pv_msrs_load(const struct vcpu *v)
{
    if (policy_has(v, X86_FEAT_RDTSCP) || policy_has(v, X86_FEAT_RDPID))
        wrmsr(MSR_TSC_AUX, v->arch.msrs.tsc_aux);
}
