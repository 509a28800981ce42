/*
 * CPU policies: the CPUID leaves (and the few MSR facts that go with them)
 * a guest is shown, derived from the host's raw leaves the way Xen 4.17
 * derives a PV domain's default policy (xen/arch/x86/cpu-policy.c):
 *
 *   raw leaves -> host featureset (Xen's own vendor fix-ups)
 *     -> PV max featureset (mask 'A'/'a', max adjustments, dependencies)
 *     -> PV default featureset (mask 'A', default adjustments, dependencies)
 *     -> the domain's policy (clamped leaves, XSAVE sizes, hidden leaves).
 *
 * Pure code (hv/arch/x86/lib/cpu_policy.c): the raw leaves come from a reader, so the
 * host unit tests feed recorded CPUs to it.  The parts that depend on the
 * running vCPU (OSXSAVE, Dom0's MTRR, the current XSAVE size) are added at
 * lookup time by hv/arch/x86/pv/cpuid.c.
 */
#ifndef HV_CPU_POLICY_H
#define HV_CPU_POLICY_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/cpu_features.h>

/* Featureset words, Xen's order. */
enum {
    FS_1d, FS_1c, FS_e1d, FS_e1c, FS_Da1, FS_7b0, FS_7c0, FS_e7d, FS_e8b, FS_7d0,
    FS_7a1, FS_e21a, FS_7b1, FS_7d2, FS_7c1, FS_7d1, FS_m10Al, FS_m10Ah, FS_e21c,
    FS_WORDS
};

/* Vendors, as bits so that a rule can name several. */
#define X86_VENDOR_OTHER    0u
#define X86_VENDOR_INTEL    (1u << 0)
#define X86_VENDOR_AMD      (1u << 1)
#define X86_VENDOR_CENTAUR  (1u << 2)
#define X86_VENDOR_SHANGHAI (1u << 3)
#define X86_VENDOR_HYGON    (1u << 4)

/* How many leaves/subleaves a policy holds (Xen 4.17's CPUID_GUEST_NR_*). */
#define CPUID_NR_BASIC      0xe         /* leaves 0 .. 0xd */
#define CPUID_NR_CACHE      6           /* leaf 4 subleaves */
#define CPUID_NR_FEAT       3           /* leaf 7 subleaves */
#define CPUID_NR_TOPO       2           /* leaf 0xb subleaves */
#define CPUID_NR_XSTATE     63          /* leaf 0xd subleaves */
#define CPUID_NR_EXTD_INTEL 0x9         /* 0x80000000 .. 0x80000008 */
#define CPUID_NR_EXTD_AMD   0x22        /* 0x80000000 .. 0x80000021 */
#define CPUID_NR_EXTD       CPUID_NR_EXTD_AMD

struct cpuid_leaf { uint32_t a, b, c, d; };

struct cpu_policy {
    unsigned int vendor;                        /* X86_VENDOR_* */
    struct cpuid_leaf basic[CPUID_NR_BASIC];    /* [4], [7], [0xb], [0xd] unused */
    struct cpuid_leaf cache[CPUID_NR_CACHE];
    struct cpuid_leaf feat[CPUID_NR_FEAT];
    struct cpuid_leaf topo[CPUID_NR_TOPO];
    struct cpuid_leaf xstate[CPUID_NR_XSTATE];
    struct cpuid_leaf extd[CPUID_NR_EXTD];
    uint64_t arch_caps;                         /* MSR_ARCH_CAPABILITIES (featureset words 16-17) */
    bool cpuid_faulting;                        /* MSR_PLATFORM_INFO bit 31 */
};

/* The CPU's answer to CPUID(leaf, subleaf). */
typedef void (*cpuid_reader_t)(void *ctx, uint32_t leaf, uint32_t sub, struct cpuid_leaf *r);

/* Per-word masks of a featureset: every feature Xen 4.17 knows, PV default, PV max. */
struct fs_masks { uint32_t known, pv_def, pv_max; };
extern const struct fs_masks cpu_fs_masks[FS_WORDS];

/* A feature and the features that directly depend on it (cleared with it). */
struct fs_dep { uint16_t feature; uint16_t nr; const uint16_t *deps; };
extern const struct fs_dep cpu_fs_deps[];
extern const unsigned int cpu_fs_nr_deps;

static inline bool fs_test(const uint32_t *fs, unsigned int f) { return (fs[f / 32] >> (f % 32)) & 1; }
static inline void fs_set(uint32_t *fs, unsigned int f) { fs[f / 32] |= 1u << (f % 32); }
static inline void fs_clear(uint32_t *fs, unsigned int f) { fs[f / 32] &= ~(1u << (f % 32)); }

/* The vendor named by leaf 0's ebx/edx/ecx. */
unsigned int cpu_vendor_of(const struct cpuid_leaf *leaf0);

/*
 * Read the CPU's leaves into p as Xen reads them: each range up to its
 * maximum, leaf 4 and 0xb up to the first empty subleaf, leaf 0xd only for
 * the components the CPU supports.  arch_caps/cpuid_faulting are left 0.
 */
void cpu_policy_read(struct cpu_policy *p, cpuid_reader_t read, void *ctx);

/* The featureset in p's leaves, and back (other fields of those leaves kept). */
void cpu_policy_to_fs(const struct cpu_policy *p, uint32_t fs[FS_WORDS]);
void cpu_policy_from_fs(struct cpu_policy *p, const uint32_t fs[FS_WORDS]);

/* The host's featureset as Xen's CPU detection reports it (its vendor fix-ups). */
void cpu_policy_host_fs(const struct cpu_policy *raw, uint32_t fs[FS_WORDS]);

/* Drop unknown features, then every feature whose prerequisite is missing. */
void cpu_fs_sanitise(uint32_t fs[FS_WORDS]);

/*
 * A PV domain's policy from the raw host leaves: Xen 4.17's PV default
 * policy as recalculated for a new domain.  hwdom: the domain Xen builds at
 * boot (Dom0 is also given ITSC when the host has it).
 */
void cpu_policy_pv(struct cpu_policy *out, const struct cpu_policy *raw, bool hwdom);

/*
 * The static part of a guest's CPUID(leaf, subleaf) under policy p: zeros
 * outside the policy's ranges.  The hypervisor leaves (0x4000xxxx) are not
 * here (their answer depends on the domain).
 */
void cpu_policy_lookup(const struct cpu_policy *p, uint32_t leaf, uint32_t sub,
                       struct cpuid_leaf *r);

#endif /* HV_CPU_POLICY_H */
