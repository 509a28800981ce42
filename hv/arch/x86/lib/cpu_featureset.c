/*
 * Facts about x86 features as Xen 4.17 classifies them for guests.
 *
 * Source: xen/include/public/arch-x86/cpufeatureset.h of Xen 4.17.7 (the
 * per-feature annotations: 'A' = offered to every guest by default, 'a' =
 * offered to PV guests only on request, 'S'/'H' = HVM only, none = never)
 * and xen/tools/gen-cpuid.py (the direct dependencies between features).
 * Written out here as data in our own form; nothing is generated at build
 * time.  A feature in pv_def is in pv_max too.
 */
#include <asm/cpu_policy.h>
#include <xl/string.h>

const struct fs_masks cpu_fs_masks[FS_WORDS] = {
    /*  0 0x00000001.edx */
    { 0xbfebfbffu, 0x1fc9cbf5u, 0x1fc9cbf5u },
    /*    PV default: FPU DE TSC MSR PAE MCE CX8 APIC SEP MCA CMOV PAT CLFLUSH ACPI MMX FXSR SSE SSE2 SS HTT */
    /*  1 0x00000001.ecx */
    { 0xfffef3ffu, 0xf6d83203u, 0xf6d83203u },
    /*    PV default: SSE3 PCLMULQDQ SSSE3 FMA CX16 SSE4_1 SSE4_2 MOVBE POPCNT AESNI XSAVE AVX F16C RDRAND HYPERVISOR */
    /*  2 0x80000001.edx */
    { 0xee500800u, 0xea500800u, 0xea500800u },
    /*    PV default: SYSCALL NX MMXEXT FFXSR RDTSCP LM 3DNOWEXT 3DNOW */
    /*  3 0x80000001.ecx */
    { 0x2469bfffu, 0x042109e3u, 0x042109e3u },
    /*    PV default: LAHF_LM CMP_LEGACY ABM SSE4A MISALIGNSSE 3DNOWPREFETCH XOP FMA4 TBM DBEXT */
    /*  4 0x0000000D:1.eax */
    { 0x0000000fu, 0x00000007u, 0x00000007u },
    /*    PV default: XSAVEOPT XSAVEC XGETBV1 */
    /*  5 0x00000007:0.ebx */
    { 0xffbfffffu, 0xfdaf0b29u, 0xfdaf0b39u },
    /*    PV default: FSGSBASE BMI1 AVX2 BMI2 ERMS RTM AVX512F AVX512DQ RDSEED ADX AVX512_IFMA CLFLUSHOPT CLWB AVX512PF AVX512ER AVX512CD SHA AVX512BW AVX512VL; max also: HLE */
    /*  6 0x00000007:0.ecx */
    { 0x3a405fdfu, 0x02405f43u, 0x1a405f43u },
    /*    PV default: PREFETCHWT1 AVX512_VBMI AVX512_VBMI2 GFNI VAES VPCLMULQDQ AVX512_VNNI AVX512_BITALG AVX512_VPOPCNTDQ RDPID CLDEMOTE; max also: MOVDIRI MOVDIR64B */
    /*  7 0x80000007.edx */
    { 0x00000780u, 0x00000000u, 0x00000100u },
    /*    PV default: -; max also: ITSC */
    /*  8 0x80000008.ebx */
    { 0x779fd205u, 0x64001005u, 0x64001005u },
    /*    PV default: CLZERO RSTR_FP_ERR_PTRS IBPB SSB_NO BTC_NO IBPB_RET */
    /*  9 0x00000007:0.edx */
    { 0xfc91ef1cu, 0xac00441cu, 0xac01451cu },
    /*    PV default: AVX512_4VNNIW AVX512_4FMAPS FSRM MD_CLEAR SERIALIZE IBRSB STIBP ARCH_CAPS SSBD; max also: AVX512_VP2INTERSECT TSXLDTRK */
    /* 10 0x00000007:1.eax */
    { 0x00001c30u, 0x00001c30u, 0x00001c30u },
    /*    PV default: AVX_VNNI AVX512_BF16 FZRM FSRS FSRCS */
    /* 11 0x80000021.eax */
    { 0xf8000164u, 0x78000064u, 0x78000064u },
    /*    PV default: LFENCE_DISPATCH VERW_CLEAR NSCB SBPB IBPB_BRTYPE SRSO_NO SRSO_US_NO */
    /* 12 0x00000007:1.ebx */
    { 0x00000001u, 0x00000000u, 0x00000000u },
    /*    PV default: - */
    /* 13 0x00000007:2.edx */
    { 0x00000037u, 0x00000021u, 0x00000021u },
    /*    PV default: INTEL_PSFD MCDT_NO */
    /* 14 0x00000007:1.ecx */
    { 0x00000000u, 0x00000000u, 0x00000000u },
    /*    PV default: - */
    /* 15 0x00000007:1.edx */
    { 0x00040000u, 0x00000000u, 0x00000000u },
    /*    PV default: - */
    /* 16 MSR_ARCH_CAPABILITIES bits 31:0 */
    { 0x1fbeffffu, 0x1d12e173u, 0x1d12e173u },
    /*    PV default: RDCL_NO EIBRS INTEL_SSB_NO MDS_NO IF_PSCHANGE_MC_NO TAA_NO SBDR_SSDP_NO FBSDP_NO PSDP_NO FB_CLEAR BHI_NO PBRSB_NO GDS_NO RFDS_NO RFDS_CLEAR */
    /* 17 MSR_ARCH_CAPABILITIES bits 63:32 */
    { 0x40000000u, 0x40000000u, 0x40000000u },
    /*    PV default: ITS_NO */
    /* 18 0x80000021.ecx */
    { 0x00000006u, 0x00000006u, 0x00000006u },
    /*    PV default: TSA_SQ_NO TSA_L1_NO */
};

/* Direct dependencies: clearing the key clears each listed feature (and so on down). */
#define DEP(f, ...)                                                              \
    static const uint16_t dep_##f[] = { __VA_ARGS__ };
#define ROW(f) { X86_FEAT_##f, ARRAY_SIZE(dep_##f), dep_##f }
#define X(f) X86_FEAT_##f

DEP(FPU, X(MMX), X(RSTR_FP_ERR_PTRS))
DEP(PSE, X(PSE36))
DEP(PAE, X(LM), X(NX))
DEP(TSC, X(TSC_DEADLINE), X(RDTSCP), X(TSC_ADJUST), X(ITSC))
DEP(APIC, X(X2APIC), X(TSC_DEADLINE), X(EXTAPIC))
DEP(MMX, X(MMXEXT), X(AMD3DNOW))
DEP(FXSR, X(FFXSR), X(SSE))
DEP(SSE, X(SSE2), X(MISALIGNSSE))
DEP(SSE2, X(SSE3), X(LM), X(AESNI), X(PCLMULQDQ), X(SHA), X(GFNI))
DEP(SSE3, X(SSSE3), X(SSE4A))
DEP(SSSE3, X(SSE4_1))
DEP(SSE4_1, X(SSE4_2))
DEP(XSAVE, X(XSAVEOPT), X(XSAVEC), X(XGETBV1), X(XSAVES), X(AVX), X(MPX), X(PKU), X(LWP))
DEP(AVX, X(FMA), X(FMA4), X(F16C), X(AVX2), X(XOP))
DEP(NX, X(SMAP))
DEP(LM, X(CX16), X(PCID), X(LAHF_LM), X(PAGE1GB), X(PKU), X(NO_LMSL))
DEP(AMD3DNOW, X(AMD3DNOWEXT))
DEP(AVX2, X(AVX512F), X(VAES), X(VPCLMULQDQ), X(AVX_VNNI))
DEP(AVX512F, X(AVX512DQ), X(AVX512_IFMA), X(AVX512PF), X(AVX512ER), X(AVX512CD),
    X(AVX512BW), X(AVX512VL), X(AVX512_4VNNIW), X(AVX512_4FMAPS), X(AVX512_VNNI),
    X(AVX512_VPOPCNTDQ), X(AVX512_VP2INTERSECT))
DEP(AVX512BW, X(AVX512_VBMI), X(AVX512_VBMI2), X(AVX512_BITALG), X(AVX512_BF16),
    X(AVX512_FP16))
DEP(PCLMULQDQ, X(VPCLMULQDQ))
DEP(AESNI, X(VAES))
DEP(IBRSB, X(STIBP), X(SSBD), X(INTEL_PSFD), X(EIBRS), X(IPRED_CTRL), X(RRSBA_CTRL),
    X(BHI_CTRL))
DEP(IBRS, X(AMD_STIBP), X(AMD_SSBD), X(PSFD), X(IBRS_ALWAYS), X(IBRS_FAST),
    X(IBRS_SAME_MODE))
DEP(IBPB, X(IBPB_RET), X(SBPB), X(IBPB_BRTYPE))
DEP(AMD_STIBP, X(STIBP_ALWAYS))
DEP(RTM, X(TSXLDTRK))
DEP(EIBRS, X(RRSBA))
/* ARCH_CAPS: every bit of the MSR (words 16 and 17) goes with it; see cpu_fs_sanitise(). */

const struct fs_dep cpu_fs_deps[] = {
    ROW(FPU), ROW(PSE), ROW(PAE), ROW(TSC), ROW(APIC), ROW(MMX), ROW(FXSR), ROW(SSE),
    ROW(SSE2), ROW(SSE3), ROW(SSSE3), ROW(SSE4_1), ROW(XSAVE), ROW(AVX), ROW(NX), ROW(LM),
    ROW(AMD3DNOW), ROW(AVX2), ROW(AVX512F), ROW(AVX512BW), ROW(PCLMULQDQ), ROW(AESNI),
    ROW(IBRSB), ROW(IBRS), ROW(IBPB), ROW(AMD_STIBP), ROW(RTM), ROW(EIBRS),
};
const unsigned int cpu_fs_nr_deps = ARRAY_SIZE(cpu_fs_deps);
