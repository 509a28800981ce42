/*
 * A PV domain's CPUID policy from the host's raw leaves (asm/cpu_policy.h).
 * The steps and their order follow Xen 4.17 (xen/arch/x86/cpu-policy.c,
 * xen/lib/x86/cpuid.c), so that a guest sees the same leaves on both.
 */
#include <asm/cpu_policy.h>
#include <xl/string.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Leaf 1 edx features AMD repeats in 0x80000001 edx. */
#define COMMON_1D 0x0183f3ffu          /* FPU..APIC, MTRR..PSE36, MMX, FXSR */

#define XCR0_FP_SSE     0x3ull
#define XCR0_YMM_POS    2
#define XCR0_BNDCSR_POS 4
#define XCR0_HI_ZMM_POS 7
#define XCR0_PKRU_POS   9
#define XSAVE_AREA_MIN  576             /* legacy area + header */

#define INTEL_FAM6_IVYBRIDGE 0x3a
#define INTEL_FAM6_SKYLAKE_X 0x55

static bool has(const struct cpu_policy *p, unsigned int f)
{
    uint32_t fs[FS_WORDS];

    cpu_policy_to_fs(p, fs);
    return fs_test(fs, f);
}

unsigned int cpu_vendor_of(const struct cpuid_leaf *l0)
{
    static const struct { uint32_t b, c, d; unsigned int vendor; } names[] = {
        { 0x756e6547, 0x6c65746e, 0x49656e69, X86_VENDOR_INTEL },   /* GenuineIntel */
        { 0x68747541, 0x444d4163, 0x69746e65, X86_VENDOR_AMD },     /* AuthenticAMD */
        { 0x746e6543, 0x736c7561, 0x48727561, X86_VENDOR_CENTAUR }, /* CentaurHauls */
        { 0x68532020, 0x20206961, 0x68676e61, X86_VENDOR_SHANGHAI },/* "  Shanghai  " */
        { 0x6f677948, 0x656e6975, 0x6e65476e, X86_VENDOR_HYGON },   /* HygonGenuine */
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
        if (l0->b == names[i].b && l0->c == names[i].c && l0->d == names[i].d)
            return names[i].vendor;
    return X86_VENDOR_OTHER;
}

void cpu_policy_read(struct cpu_policy *p, cpuid_reader_t read, void *ctx)
{
    uint32_t max, i;
    uint64_t xstates;

    memset(p, 0, sizeof(*p));
    read(ctx, 0, 0, &p->basic[0]);
    max = MIN(p->basic[0].a, CPUID_NR_BASIC - 1u);
    for (i = 1; i <= max; i++)
        if (i != 4 && i != 7 && i != 0xb && i != 0xd)
            read(ctx, i, 0, &p->basic[i]);
    if (max >= 4)
        for (i = 0; i < CPUID_NR_CACHE; i++) {
            read(ctx, 4, i, &p->cache[i]);
            if (!(p->cache[i].a & 0x1f)) {          /* cache type 0: no more */
                p->cache[i] = (struct cpuid_leaf){ 0, 0, 0, 0 };
                break;
            }
        }
    if (max >= 7) {
        read(ctx, 7, 0, &p->feat[0]);
        for (i = 1; i <= MIN(p->feat[0].a, CPUID_NR_FEAT - 1u); i++)
            read(ctx, 7, i, &p->feat[i]);
    }
    if (max >= 0xb)
        for (i = 0; i < CPUID_NR_TOPO; i++) {
            read(ctx, 0xb, i, &p->topo[i]);
            if (!((p->topo[i].c >> 8) & 0xff)) {    /* level type 0: no more */
                p->topo[i] = (struct cpuid_leaf){ 0, 0, 0, 0 };
                break;
            }
        }
    if (max >= 0xd) {
        read(ctx, 0xd, 0, &p->xstate[0]);
        read(ctx, 0xd, 1, &p->xstate[1]);
        xstates = ((uint64_t)p->xstate[0].d << 32 | p->xstate[0].a) |
                  ((uint64_t)p->xstate[1].d << 32 | p->xstate[1].c);
        for (i = 2; i < CPUID_NR_XSTATE; i++)
            if (xstates & (1ull << i))
                read(ctx, 0xd, i, &p->xstate[i]);
    }
    read(ctx, 0x80000000, 0, &p->extd[0]);
    if ((p->extd[0].a >> 16) == 0x8000)
        for (i = 1; i <= MIN(p->extd[0].a & 0xffff, CPUID_NR_EXTD - 1u); i++)
            read(ctx, 0x80000000 + i, 0, &p->extd[i]);
    else
        p->extd[0].a = 0x80000000;
    p->vendor = cpu_vendor_of(&p->basic[0]);
}

void cpu_policy_to_fs(const struct cpu_policy *p, uint32_t fs[FS_WORDS])
{
    fs[FS_1d] = p->basic[1].d;
    fs[FS_1c] = p->basic[1].c;
    fs[FS_e1d] = p->extd[1].d;
    fs[FS_e1c] = p->extd[1].c;
    fs[FS_Da1] = p->xstate[1].a;
    fs[FS_7b0] = p->feat[0].b;
    fs[FS_7c0] = p->feat[0].c;
    fs[FS_e7d] = p->extd[7].d;
    fs[FS_e8b] = p->extd[8].b;
    fs[FS_7d0] = p->feat[0].d;
    fs[FS_7a1] = p->feat[1].a;
    fs[FS_e21a] = p->extd[0x21].a;
    fs[FS_7b1] = p->feat[1].b;
    fs[FS_7d2] = p->feat[2].d;
    fs[FS_7c1] = p->feat[1].c;
    fs[FS_7d1] = p->feat[1].d;
    fs[FS_m10Al] = (uint32_t)p->arch_caps;
    fs[FS_m10Ah] = (uint32_t)(p->arch_caps >> 32);
    fs[FS_e21c] = p->extd[0x21].c;
}

void cpu_policy_from_fs(struct cpu_policy *p, const uint32_t fs[FS_WORDS])
{
    p->basic[1].d = fs[FS_1d];
    p->basic[1].c = fs[FS_1c];
    p->extd[1].d = fs[FS_e1d];
    p->extd[1].c = fs[FS_e1c];
    p->xstate[1].a = fs[FS_Da1];
    p->feat[0].b = fs[FS_7b0];
    p->feat[0].c = fs[FS_7c0];
    p->extd[7].d = fs[FS_e7d];
    p->extd[8].b = fs[FS_e8b];
    p->feat[0].d = fs[FS_7d0];
    p->feat[1].a = fs[FS_7a1];
    p->extd[0x21].a = fs[FS_e21a];
    p->feat[1].b = fs[FS_7b1];
    p->feat[2].d = fs[FS_7d2];
    p->feat[1].c = fs[FS_7c1];
    p->feat[1].d = fs[FS_7d1];
    p->arch_caps = (uint64_t)fs[FS_m10Ah] << 32 | fs[FS_m10Al];
    p->extd[0x21].c = fs[FS_e21c];
}

void cpu_fs_sanitise(uint32_t fs[FS_WORDS])
{
    bool changed = true;
    unsigned int i, j;

    for (i = 0; i < FS_WORDS; i++)
        fs[i] &= cpu_fs_masks[i].known;
    /* Clearing a feature may clear a prerequisite of another: run to a fixed point. */
    while (changed) {
        changed = false;
        for (i = 0; i < cpu_fs_nr_deps; i++) {
            if (fs_test(fs, cpu_fs_deps[i].feature))
                continue;
            for (j = 0; j < cpu_fs_deps[i].nr; j++)
                if (fs_test(fs, cpu_fs_deps[i].deps[j])) {
                    fs_clear(fs, cpu_fs_deps[i].deps[j]);
                    changed = true;
                }
        }
    }
    if (!fs_test(fs, X86_FEAT_ARCH_CAPS))
        fs[FS_m10Al] = fs[FS_m10Ah] = 0;
}

/*
 * Leaf 0xd from the features left: the XCR0 bits that go with them, the
 * largest XSAVE area they need, and each component's size and offset (the
 * host's, kept in host->xstate).  XSAVEOPT & co. (leaf 0xd:1 eax) survive.
 */
static void recalc_xstate(struct cpu_policy *p, const struct cpu_policy *host)
{
    uint64_t xstates = XCR0_FP_SSE;
    uint32_t size = XSAVE_AREA_MIN, da1 = p->xstate[1].a;
    unsigned int i;

    memset(p->xstate, 0, sizeof(p->xstate));
    if (!((p->basic[1].c >> 26) & 1))               /* no XSAVE */
        return;

#define UPTO(pos) MAX(size, host->xstate[pos].b + host->xstate[pos].a)
    if (has(p, X86_FEAT_AVX)) {
        xstates |= 1ull << XCR0_YMM_POS;
        size = UPTO(XCR0_YMM_POS);
    }
    if (has(p, X86_FEAT_MPX)) {
        xstates |= 3ull << 3;
        size = UPTO(XCR0_BNDCSR_POS);
    }
    if (has(p, X86_FEAT_AVX512F)) {
        xstates |= 7ull << 5;
        size = UPTO(XCR0_HI_ZMM_POS);
    }
    if (has(p, X86_FEAT_PKU)) {
        xstates |= 1ull << XCR0_PKRU_POS;
        size = UPTO(XCR0_PKRU_POS);
    }
#undef UPTO
    p->xstate[0].a = (uint32_t)xstates;
    p->xstate[0].c = size;
    p->xstate[0].d = (uint32_t)(xstates >> 32);
    p->xstate[1].a = da1;           /* no supervisor states: xss stays 0 */
    for (i = 2; i < CPUID_NR_XSTATE; i++)
        if (xstates & (1ull << i)) {
            p->xstate[i].a = host->xstate[i].a;
            p->xstate[i].b = host->xstate[i].b;
            p->xstate[i].c = host->xstate[i].c & 2;     /* the 64-byte alignment bit */
        }
}

static void zero(struct cpuid_leaf *l, unsigned int first, unsigned int last)
{
    memset(&l[first], 0, sizeof(*l) * (last - first + 1));
}

/* Reserved fields cleared, shared fields duplicated, what guests never see hidden. */
static void recalc_misc(struct cpu_policy *p)
{
    p->basic[1].a &= 0x0fff0fff;                /* processor type */
    p->basic[1].b &= 0x00ffffff;                /* APIC id: per vCPU */
    p->basic[5] = p->basic[6] = (struct cpuid_leaf){ 0, 0, 0, 0 }; /* MONITOR, power */
    p->basic[8] = p->basic[0xc] = (struct cpuid_leaf){ 0, 0, 0, 0 };
    memset(p->topo, 0, sizeof(p->topo));
    p->extd[1].d &= ~COMMON_1D;
    p->extd[7].a = p->extd[7].b = p->extd[7].c = 0;   /* power and RAS */
    p->extd[8].d = 0;

    switch (p->vendor) {
    case X86_VENDOR_INTEL:
        p->basic[2].a = (p->basic[2].a & ~0xffu) | 1;   /* one query of leaf 2 */
        p->basic[3] = p->basic[9] = (struct cpuid_leaf){ 0, 0, 0, 0 };  /* PSN, DCA */
        p->extd[0].b = p->extd[0].c = p->extd[0].d = 0;
        p->extd[1].a = p->extd[1].b = 0;
        p->extd[5] = (struct cpuid_leaf){ 0, 0, 0, 0 };
        p->extd[6].a = p->extd[6].b = p->extd[6].d = 0;
        p->extd[8].a &= 0xffff;
        p->extd[8].c = 0;
        break;
    case X86_VENDOR_AMD:
    case X86_VENDOR_HYGON:
        zero(p->basic, 2, 3);
        memset(p->cache, 0, sizeof(p->cache));
        zero(p->basic, 9, 0xa);
        p->extd[0].b = p->basic[0].b;
        p->extd[0].c = p->basic[0].c;
        p->extd[0].d = p->basic[0].d;
        p->extd[1].a = p->basic[1].a;
        p->extd[1].b &= 0xff00ffff;
        p->extd[1].d |= p->basic[1].d & COMMON_1D;
        p->extd[8].a &= 0xffff;                 /* guest max physical address hidden */
        p->extd[8].c &= 0x0003f0ff;
        p->extd[9] = (struct cpuid_leaf){ 0, 0, 0, 0 };
        zero(p->extd, 0xb, 0x18);
        zero(p->extd, 0x1b, 0x20);              /* IBS, LWP, topology, SEV, QoS */
        p->extd[0x21].b = p->extd[0x21].d = 0;
        break;
    }
}

/* Xen's fix-ups of what its CPU detection reports (xen/arch/x86/cpu/{amd,hygon,common}.c). */
void cpu_policy_host_fs(const struct cpu_policy *raw, uint32_t fs[FS_WORDS])
{
    cpu_policy_to_fs(raw, fs);
    switch (raw->vendor) {
    case X86_VENDOR_AMD:
        fs_clear(fs, X86_FEAT_PBE);             /* aliases 3DNow's old place */
        /* fall through */
    case X86_VENDOR_HYGON:
    case X86_VENDOR_OTHER:
        fs_clear(fs, X86_FEAT_SEP);             /* no SYSENTER in long mode */
        break;
    }
}

static void common_adjust(uint32_t *fs, const uint32_t *host)
{
    fs_set(fs, X86_FEAT_HYPERVISOR);
    if (fs_test(fs, X86_FEAT_IBRSB))
        fs_set(fs, X86_FEAT_STIBP);
    if (fs_test(fs, X86_FEAT_IBRS))
        fs_set(fs, X86_FEAT_AMD_STIBP);
    if (fs_test(host, X86_FEAT_IBRSB))
        fs_set(fs, X86_FEAT_IBPB);
}

static void max_adjust(uint32_t *fs, const struct cpu_policy *raw)
{
    /* x2APIC is in max so that guests which saw it may migrate in (not in default). */
    fs_set(fs, X86_FEAT_X2APIC);
    /* MSR_SPEC_CTRL is not virtualised for PV guests: no IBRS of either kind. */
    fs_clear(fs, X86_FEAT_IBRSB);
    fs_clear(fs, X86_FEAT_IBRS);
    /* The PV user/kernel boundary is CPL3 on both sides. */
    fs_clear(fs, X86_FEAT_SRSO_US_NO);
    if (raw->vendor == X86_VENDOR_INTEL) {
        fs_set(fs, X86_FEAT_ARCH_CAPS);
        fs_set(fs, X86_FEAT_RSBA);
        fs_set(fs, X86_FEAT_RRSBA);
        fs_set(fs, X86_FEAT_MD_CLEAR);
        fs_set(fs, X86_FEAT_FB_CLEAR);
        fs_set(fs, X86_FEAT_RFDS_CLEAR);
        if (fs_test(fs, X86_FEAT_RTM))
            fs_set(fs, X86_FEAT_RTM_ALWAYS_ABORT);
    } else if (raw->vendor == X86_VENDOR_AMD) {
        fs_set(fs, X86_FEAT_VERW_CLEAR);
    }
    fs_set(fs, X86_FEAT_HTT);
    fs_set(fs, X86_FEAT_CMP_LEGACY);
}

static void default_adjust(uint32_t *fs, const uint32_t *host, const struct cpu_policy *raw)
{
    uint32_t fam = (raw->basic[1].a >> 8) & 0xf;
    uint32_t model = ((raw->basic[1].a >> 4) & 0xf) | ((raw->basic[1].a >> 12) & 0xf0);

    if (raw->vendor == X86_VENDOR_INTEL) {
        if (fam == 6 && model == INTEL_FAM6_IVYBRIDGE)
            fs_clear(fs, X86_FEAT_RDRAND);      /* SRBDS leaks RDRAND data there */
        if (fam == 6 && model == INTEL_FAM6_SKYLAKE_X)
            fs_clear(fs, X86_FEAT_CLWB);
        if (!fs_test(host, X86_FEAT_MD_CLEAR))
            fs_clear(fs, X86_FEAT_MD_CLEAR);
        if (!fs_test(host, X86_FEAT_FB_CLEAR))
            fs_clear(fs, X86_FEAT_FB_CLEAR);
        if (!fs_test(host, X86_FEAT_RFDS_CLEAR))
            fs_clear(fs, X86_FEAT_RFDS_CLEAR);
    } else if (raw->vendor == X86_VENDOR_AMD) {
        if (!fs_test(host, X86_FEAT_VERW_CLEAR))
            fs_clear(fs, X86_FEAT_VERW_CLEAR);
    }
    if (!fs_test(host, X86_FEAT_HTT))
        fs_clear(fs, X86_FEAT_HTT);
    if (!fs_test(host, X86_FEAT_CMP_LEGACY))
        fs_clear(fs, X86_FEAT_CMP_LEGACY);
}

static void clamp_extd_max(struct cpu_policy *p, uint32_t nr)
{
    p->extd[0].a = 0x80000000u | MIN(p->extd[0].a & 0xffff, nr - 1);
}

void cpu_policy_pv(struct cpu_policy *out, const struct cpu_policy *raw, bool hwdom)
{
    static struct cpu_policy host, max;     /* too big for the hypervisor's stack */
    uint32_t hfs[FS_WORDS], fs[FS_WORDS], max_fs[FS_WORDS];
    struct cpu_policy *p = out;
    unsigned int i;
    uint8_t paddr;

    /* The host policy: what Xen itself would use. */
    host = *raw;
    host.basic[0].a = MIN(host.basic[0].a, CPUID_NR_BASIC - 1u);
    host.feat[0].a = MIN(host.feat[0].a, CPUID_NR_FEAT - 1u);
    clamp_extd_max(&host, CPUID_NR_EXTD);
    cpu_policy_host_fs(raw, hfs);
    cpu_policy_from_fs(&host, hfs);
    recalc_xstate(&host, raw);
    recalc_misc(&host);
    host.basic[0xa] = (struct cpuid_leaf){ 0, 0, 0, 0 };   /* no vPMU */

    /* PV max. */
    max = host;
    max.feat[0].a = CPUID_NR_FEAT - 1;
    cpu_policy_to_fs(&max, fs);
    for (i = 0; i < FS_WORDS; i++)
        fs[i] &= cpu_fs_masks[i].pv_max;
    max_adjust(fs, raw);
    common_adjust(fs, hfs);
    cpu_fs_sanitise(fs);
    cpu_policy_from_fs(&max, fs);
    recalc_xstate(&max, raw);
    max.extd[0xa] = (struct cpuid_leaf){ 0, 0, 0, 0 };     /* no SVM */

    /* PV default. */
    *p = max;
    p->feat[0].a = host.feat[0].a;
    cpu_policy_to_fs(p, fs);
    for (i = 0; i < FS_WORDS; i++)
        fs[i] &= cpu_fs_masks[i].pv_def;
    common_adjust(fs, hfs);
    default_adjust(fs, hfs, raw);
    cpu_fs_sanitise(fs);
    if (fs_test(fs, X86_FEAT_ARCH_CAPS) &&
        (fs_test(hfs, X86_FEAT_RSBA) || fs_test(hfs, X86_FEAT_RRSBA)))
        fs_set(fs, fs_test(fs, X86_FEAT_EIBRS) ? X86_FEAT_RRSBA : X86_FEAT_RSBA);
    cpu_policy_from_fs(p, fs);
    recalc_xstate(p, raw);

    /* The domain's copy, recalculated against max. */
    if (hwdom && fs_test(hfs, X86_FEAT_ITSC))            /* Dom0 does not migrate */
        p->extd[7].d |= 1u << (X86_FEAT_ITSC % 32);
    p->vendor = cpu_vendor_of(&p->basic[0]);
    p->basic[0].a = MIN(p->basic[0].a, max.basic[0].a);
    p->feat[0].a = MIN(p->feat[0].a, max.feat[0].a);
    clamp_extd_max(p, p->vendor & (X86_VENDOR_AMD | X86_VENDOR_HYGON) ?
                   CPUID_NR_EXTD_AMD : CPUID_NR_EXTD_INTEL);
    cpu_policy_to_fs(p, fs);
    cpu_policy_to_fs(&max, max_fs);
    for (i = 0; i < FS_WORDS; i++)
        fs[i] &= max_fs[i];
    if (p->basic[0].a < 0xd)
        fs_clear(fs, X86_FEAT_XSAVE);
    cpu_fs_sanitise(fs);
    fs[FS_7b0] &= ~((1u << (X86_FEAT_FDP_EXCP_ONLY % 32)) | (1u << (X86_FEAT_NO_FPU_SEL % 32)));
    fs[FS_7b0] |= hfs[FS_7b0] &
                  ((1u << (X86_FEAT_FDP_EXCP_ONLY % 32)) | (1u << (X86_FEAT_NO_FPU_SEL % 32)));
    cpu_policy_from_fs(p, fs);

    p->basic[1].b = (p->basic[1].b & ~0xff00u) | (max.basic[1].b & 0xff00u);  /* CLFLUSH size */
    paddr = MIN(p->extd[8].a & 0xff, max.extd[8].a & 0xff);
    if (paddr < ((has(p, X86_FEAT_PAE) || has(p, X86_FEAT_PSE36)) ? 36 : 32))
        paddr = (has(p, X86_FEAT_PAE) || has(p, X86_FEAT_PSE36)) ? 36 : 32;
    p->extd[8].a = (p->extd[8].a & ~0xffffu) | paddr |
                   (has(p, X86_FEAT_LM) ? 48u << 8 : 32u << 8);
    recalc_xstate(p, raw);
    recalc_misc(p);

    for (i = 0; i < CPUID_NR_CACHE; i++) {
        uint32_t type = p->cache[i].a & 0x1f;

        if (type < 1 || type > 3) {
            zero(p->cache, i, CPUID_NR_CACHE - 1);
            break;
        }
        p->cache[i].a &= 0xffffc3ffu;
        p->cache[i].d &= 0x00000007u;
    }
    p->basic[0xa] = (struct cpuid_leaf){ 0, 0, 0, 0 };    /* no vPMU */
    if (!has(p, X86_FEAT_SVM))
        p->extd[0xa] = (struct cpuid_leaf){ 0, 0, 0, 0 };
    if (!has(p, X86_FEAT_PAGE1GB))
        p->extd[0x19] = (struct cpuid_leaf){ 0, 0, 0, 0 };
}

void cpu_policy_lookup(const struct cpu_policy *p, uint32_t leaf, uint32_t sub,
                       struct cpuid_leaf *r)
{
    *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    if (leaf < CPUID_NR_BASIC) {
        if (leaf > MIN(p->basic[0].a, CPUID_NR_BASIC - 1u))
            return;
        switch (leaf) {
        case 4:
            if (sub < CPUID_NR_CACHE)
                *r = p->cache[sub];
            break;
        case 7:
            if (sub <= MIN(p->feat[0].a, CPUID_NR_FEAT - 1u))
                *r = p->feat[sub];
            break;
        case 0xb:
            if (sub < CPUID_NR_TOPO)
                *r = p->topo[sub];
            break;
        case 0xd:
            if (((p->basic[1].c >> 26) & 1) && sub < CPUID_NR_XSTATE)
                *r = p->xstate[sub];
            break;
        default:
            *r = p->basic[leaf];
        }
    } else if (leaf >= 0x80000000u && leaf < 0x80000000u + CPUID_NR_EXTD) {
        if ((leaf & 0xffff) <= MIN(p->extd[0].a & 0xffff, CPUID_NR_EXTD - 1u))
            *r = p->extd[leaf & 0xffff];
    }
}
