/*
 * The PV CPUID policy (hv/arch/x86/lib/cpu_policy.c): feature masks, dependencies,
 * and the leaves derived from a recorded CPU, checked against the leaves
 * Xen 4.17 showed a PV Dom0 on that CPU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <asm/cpu_policy.h>

struct row { uint32_t leaf, sub, a, b, c, d; };

/* QEMU 10 TCG "-cpu max" (AuthenticAMD, family 6 model 6), as the CPU reports it. */
static const struct row qemu_max_raw[] = {
    { 0x00000000,  0, 0x0000000d, 0x68747541, 0x444d4163, 0x69746e65 },
    { 0x00000001,  0, 0x00000663, 0x00000800, 0xfef83203, 0x0fcbfbfd },
    { 0x00000005,  0, 0x00000000, 0x00000000, 0x00000003, 0x00000000 },
    { 0x00000006,  0, 0x00000004, 0x00000000, 0x00000000, 0x00000000 },
    { 0x00000007,  0, 0x00000001, 0x219c43a9, 0x8041020c, 0x00000010 },
    { 0x00000007,  1, 0x00001c80, 0x00000000, 0x00000000, 0x00000000 },
    { 0x0000000b,  0, 0x00000000, 0x00000001, 0x00000100, 0x00000000 },
    { 0x0000000b,  1, 0x00000000, 0x00000001, 0x00000201, 0x00000000 },
    { 0x0000000b,  2, 0x00000000, 0x00000000, 0x00000002, 0x00000000 },
    { 0x0000000b,  3, 0x00000000, 0x00000000, 0x00000003, 0x00000000 },
    { 0x0000000b,  4, 0x00000000, 0x00000000, 0x00000004, 0x00000000 },
    { 0x0000000b,  5, 0x00000000, 0x00000000, 0x00000005, 0x00000000 },
    { 0x0000000b,  6, 0x00000000, 0x00000000, 0x00000006, 0x00000000 },
    { 0x0000000b,  7, 0x00000000, 0x00000000, 0x00000007, 0x00000000 },
    { 0x0000000d,  0, 0x0000021f, 0x00000340, 0x00000a88, 0x00000000 },
    { 0x0000000d,  1, 0x00000005, 0x000003c8, 0x00000000, 0x00000000 },
    { 0x0000000d,  2, 0x00000100, 0x00000240, 0x00000000, 0x00000000 },
    { 0x0000000d,  3, 0x00000040, 0x000003c0, 0x00000000, 0x00000000 },
    { 0x0000000d,  4, 0x00000040, 0x00000400, 0x00000000, 0x00000000 },
    { 0x0000000d,  9, 0x00000008, 0x00000a80, 0x00000000, 0x00000000 },
    { 0x80000000,  0, 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65 },
    { 0x80000001,  0, 0x00000663, 0x00000000, 0x00000177, 0xedd3fbfd },
    { 0x80000002,  0, 0x554d4551, 0x47435420, 0x55504320, 0x72657620 },
    { 0x80000003,  0, 0x6e6f6973, 0x352e3220, 0x0000002b, 0x00000000 },
    { 0x80000005,  0, 0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140 },
    { 0x80000006,  0, 0x00000000, 0x42004200, 0x02008140, 0x00808140 },
    { 0x80000008,  0, 0x00003928, 0x00000204, 0x00000000, 0x00000000 },
    { 0x8000000a,  0, 0x00000001, 0x00000010, 0x00000000, 0x10010001 },
};

/*
 * Every non-zero leaf Xen 4.17.7 gave a PV Dom0 kernel on that CPU through
 * the forced-emulation prefix (guests/selftest/cpuid.c's dump), less the
 * parts that depend on the running vCPU: OSXSAVE (leaf 1 ecx bit 27), Dom0's
 * MTRR (leaf 1 and 0x80000001 edx bit 12) and leaf 0xd:0 ebx.
 */
static const struct row xen_pv_dom0[] = {
    { 0x00000000,  0, 0x0000000d, 0x68747541, 0x444d4163, 0x69746e65 },
    { 0x00000001,  0, 0x00000663, 0x00000800, 0xf6d83203, 0x0fc9c3f5 },
    { 0x00000007,  0, 0x00000001, 0x218c0329, 0x00400200, 0x00000010 },
    { 0x00000007,  1, 0x00001c00, 0x00000000, 0x00000000, 0x00000000 },
    { 0x0000000d,  0, 0x00000007, 0x00000000, 0x00000340, 0x00000000 },
    { 0x0000000d,  1, 0x00000005, 0x00000000, 0x00000000, 0x00000000 },
    { 0x0000000d,  2, 0x00000100, 0x00000240, 0x00000000, 0x00000000 },
    { 0x80000000,  0, 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65 },
    { 0x80000001,  0, 0x00000663, 0x00000000, 0x00000163, 0xe9d1cbf5 },
    { 0x80000002,  0, 0x554d4551, 0x47435420, 0x55504320, 0x72657620 },
    { 0x80000003,  0, 0x6e6f6973, 0x352e3220, 0x0000002b, 0x00000000 },
    { 0x80000005,  0, 0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140 },
    { 0x80000006,  0, 0x00000000, 0x42004200, 0x02008140, 0x00808140 },
    { 0x80000008,  0, 0x00003028, 0x00000004, 0x00000000, 0x00000000 },
};

static const struct row *table;
static size_t table_len;

static void read_table(void *ctx, uint32_t leaf, uint32_t sub, struct cpuid_leaf *r)
{
    const struct row *t = ctx;

    *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    for (size_t i = 0; i < table_len; i++)
        if (t[i].leaf == leaf && t[i].sub == sub)
            *r = (struct cpuid_leaf){ t[i].a, t[i].b, t[i].c, t[i].d };
}

static void load(struct cpu_policy *raw, const struct row *rows, size_t n)
{
    table = rows;
    table_len = n;
    cpu_policy_read(raw, read_table, (void *)rows);
}

static void expected(uint32_t leaf, uint32_t sub, struct cpuid_leaf *r)
{
    *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    for (size_t i = 0; i < sizeof(xen_pv_dom0) / sizeof(xen_pv_dom0[0]); i++)
        if (xen_pv_dom0[i].leaf == leaf && xen_pv_dom0[i].sub == sub)
            *r = (struct cpuid_leaf){ xen_pv_dom0[i].a, xen_pv_dom0[i].b,
                                      xen_pv_dom0[i].c, xen_pv_dom0[i].d };
}

static void check_range(const struct cpu_policy *p, uint32_t first, uint32_t last)
{
    struct cpuid_leaf got, want;

    for (uint32_t leaf = first; leaf <= last; leaf++)
        for (uint32_t sub = 0; sub < (leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd ? 64 : 1);
             sub++) {
            cpu_policy_lookup(p, leaf, sub, &got);
            expected(leaf, sub, &want);
            if (memcmp(&got, &want, sizeof(got)))
                fail_msg("leaf %#x.%u: got %08x %08x %08x %08x, Xen %08x %08x %08x %08x",
                         leaf, sub, got.a, got.b, got.c, got.d, want.a, want.b, want.c, want.d);
        }
}

static void test_qemu_max_matches_xen(void **state)
{
    static struct cpu_policy raw, pv;

    load(&raw, qemu_max_raw, sizeof(qemu_max_raw) / sizeof(qemu_max_raw[0]));
    assert_int_equal(raw.vendor, X86_VENDOR_AMD);
    cpu_policy_pv(&pv, &raw, true);
    check_range(&pv, 0, 0x30);
    check_range(&pv, 0x80000000, 0x80000030);
    check_range(&pv, 0xc0000000, 0xc0000002);
}

static void test_masks_nest(void **state)
{
    for (unsigned int i = 0; i < FS_WORDS; i++) {
        assert_int_equal(cpu_fs_masks[i].pv_def & ~cpu_fs_masks[i].pv_max, 0);
        assert_int_equal(cpu_fs_masks[i].pv_max & ~cpu_fs_masks[i].known, 0);
    }
    /* What a PV guest must never be offered. */
    static const unsigned int never[] = {
        X86_FEAT_VME, X86_FEAT_PSE, X86_FEAT_PGE, X86_FEAT_PSE36, X86_FEAT_MTRR,
        X86_FEAT_MONITOR, X86_FEAT_VMX, X86_FEAT_SVM, X86_FEAT_X2APIC, X86_FEAT_PCID,
        X86_FEAT_SMEP, X86_FEAT_SMAP, X86_FEAT_INVPCID, X86_FEAT_PKU, X86_FEAT_UMIP,
        X86_FEAT_PAGE1GB, X86_FEAT_TSC_DEADLINE, X86_FEAT_OSXSAVE, X86_FEAT_XSAVES,
    };
    for (unsigned int i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
        uint32_t m[FS_WORDS] = { 0 };

        for (unsigned int w = 0; w < FS_WORDS; w++)
            m[w] = cpu_fs_masks[w].pv_max;
        if (fs_test(m, never[i]))
            fail_msg("feature %u is in the PV max mask", never[i]);
    }
}

static void test_dependencies_cleared_deeply(void **state)
{
    uint32_t fs[FS_WORDS];

    memset(fs, 0xff, sizeof(fs));
    fs_clear(fs, X86_FEAT_XSAVE);
    cpu_fs_sanitise(fs);
    assert_false(fs_test(fs, X86_FEAT_AVX));
    assert_false(fs_test(fs, X86_FEAT_AVX2));           /* through AVX */
    assert_false(fs_test(fs, X86_FEAT_AVX512F));        /* through AVX2 */
    assert_false(fs_test(fs, X86_FEAT_AVX512_VBMI));    /* through AVX512BW */
    assert_false(fs_test(fs, X86_FEAT_XSAVEOPT));
    assert_true(fs_test(fs, X86_FEAT_SSE4_2));
    assert_true(fs_test(fs, X86_FEAT_AESNI));

    memset(fs, 0xff, sizeof(fs));
    fs_clear(fs, X86_FEAT_SSE2);
    cpu_fs_sanitise(fs);
    assert_false(fs_test(fs, X86_FEAT_LM));
    assert_false(fs_test(fs, X86_FEAT_CX16));           /* through LM */
    assert_false(fs_test(fs, X86_FEAT_SSE4_2));         /* SSE3 -> SSSE3 -> SSE4_1 */
    assert_false(fs_test(fs, X86_FEAT_VAES));           /* AESNI */
    assert_true(fs_test(fs, X86_FEAT_SSE));

    memset(fs, 0xff, sizeof(fs));
    fs_clear(fs, X86_FEAT_ARCH_CAPS);
    cpu_fs_sanitise(fs);
    assert_int_equal(fs[FS_m10Al], 0);
    assert_int_equal(fs[FS_m10Ah], 0);

    /* Unknown bits go. */
    memset(fs, 0xff, sizeof(fs));
    cpu_fs_sanitise(fs);
    assert_int_equal(fs[FS_7c0] & (1u << 16), 0);       /* LA57: not in Xen 4.17's set */
    assert_int_equal(fs[FS_7c1], 0);
}

/* A made-up Intel CPU with everything: PV default keeps only what PV may use. */
static const struct row intel_all[] = {
    { 0x00000000, 0, 0x0000000d, 0x756e6547, 0x6c65746e, 0x49656e69 },
    { 0x00000001, 0, 0x000906ea, 0x05100800, 0xffffffff, 0xffffffff },
    { 0x00000002, 0, 0x76036301, 0x00f0b5ff, 0x00000000, 0x00c30000 },
    { 0x00000004, 0, 0x1c004121, 0x01c0003f, 0x0000003f, 0x00000000 },
    { 0x00000004, 1, 0x1c004122, 0x01c0003f, 0x0000003f, 0x00000000 },
    { 0x00000004, 2, 0x00000000, 0x00000000, 0x00000000, 0x00000000 },
    { 0x00000007, 0, 0x00000000, 0xffffffff, 0xffffffff, 0xffffffff },
    { 0x0000000b, 0, 0x00000001, 0x00000002, 0x00000100, 0x00000003 },
    { 0x0000000b, 1, 0x00000004, 0x00000008, 0x00000201, 0x00000003 },
    { 0x0000000d, 0, 0x000002e7, 0x00000a80, 0x00000a80, 0x00000000 },
    { 0x0000000d, 1, 0x0000000f, 0x00000b00, 0x00000000, 0x00000000 },
    { 0x0000000d, 2, 0x00000100, 0x00000240, 0x00000000, 0x00000000 },
    { 0x0000000d, 5, 0x00000040, 0x00000440, 0x00000000, 0x00000000 },
    { 0x0000000d, 6, 0x00000200, 0x00000480, 0x00000000, 0x00000000 },
    { 0x0000000d, 7, 0x00000400, 0x00000680, 0x00000000, 0x00000000 },
    { 0x0000000d, 9, 0x00000008, 0x00000a80, 0x00000000, 0x00000000 },
    { 0x80000000, 0, 0x80000008, 0x00000000, 0x00000000, 0x00000000 },
    { 0x80000001, 0, 0x00000000, 0x00000000, 0x00000121, 0x2c100800 },
    { 0x80000008, 0, 0x00003027, 0x00000000, 0x00000000, 0x00000000 },
};

static void test_intel_pv_default(void **state)
{
    static struct cpu_policy raw, pv;
    struct cpuid_leaf l;
    uint32_t fs[FS_WORDS];

    load(&raw, intel_all, sizeof(intel_all) / sizeof(intel_all[0]));
    assert_int_equal(raw.vendor, X86_VENDOR_INTEL);
    cpu_policy_pv(&pv, &raw, false);
    cpu_policy_to_fs(&pv, fs);
    fs_clear(fs, X86_FEAT_FDP_EXCP_ONLY);              /* the host's, passed through */
    fs_clear(fs, X86_FEAT_NO_FPU_SEL);
    for (unsigned int w = 0; w < FS_WORDS; w++)
        assert_int_equal(fs[w] & ~cpu_fs_masks[w].pv_def, 0);
    assert_true(fs_test(fs, X86_FEAT_SEP));             /* Intel keeps SYSENTER */
    assert_true(fs_test(fs, X86_FEAT_AVX512F));
    assert_true(fs_test(fs, X86_FEAT_ARCH_CAPS));       /* always offered on Intel */
    assert_false(fs_test(fs, X86_FEAT_IBRSB));          /* no MSR_SPEC_CTRL for PV */
    assert_false(fs_test(fs, X86_FEAT_SSBD));           /* ... nor what depends on it */
    assert_false(fs_test(fs, X86_FEAT_HTT) && !(raw.basic[1].d >> 28 & 1));

    cpu_policy_lookup(&pv, 1, 0, &l);
    assert_int_equal(l.b >> 24, 0);                     /* APIC id */
    assert_int_equal(l.a, 0x000906ea);
    cpu_policy_lookup(&pv, 0xb, 0, &l);                 /* topology hidden */
    assert_int_equal(l.a | l.b | l.c | l.d, 0);
    cpu_policy_lookup(&pv, 4, 1, &l);                   /* caches shown, reserved bits clear */
    assert_int_equal(l.a, 0x1c004122 & 0xffffc3ff);
    cpu_policy_lookup(&pv, 4, 2, &l);
    assert_int_equal(l.a, 0);
    cpu_policy_lookup(&pv, 2, 0, &l);
    assert_int_equal(l.a & 0xff, 1);
    /* XSAVE: x87, SSE, AVX, AVX-512; no MPX (HVM only), no PKRU. */
    cpu_policy_lookup(&pv, 0xd, 0, &l);
    assert_int_equal(l.a, 0xe7);
    assert_int_equal(l.c, 0x680 + 0x400);
    cpu_policy_lookup(&pv, 0xd, 9, &l);
    assert_int_equal(l.a, 0);
    cpu_policy_lookup(&pv, 0xd, 1, &l);
    assert_int_equal(l.a, 0x7);                         /* XSAVES is not for PV */
    cpu_policy_lookup(&pv, 0x80000008, 0, &l);
    assert_int_equal(l.a, 0x3027);                      /* 39 physical, 48 linear bits */
    cpu_policy_lookup(&pv, 0x80000009, 0, &l);          /* past Intel's extended range */
    assert_int_equal(l.a | l.b | l.c | l.d, 0);
    cpu_policy_lookup(&pv, 0x80000000, 0, &l);
    assert_int_equal(l.a, 0x80000008);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masks_nest),
        cmocka_unit_test(test_dependencies_cleared_deeply),
        cmocka_unit_test(test_qemu_max_matches_xen),
        cmocka_unit_test(test_intel_pv_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
