/*
 * CPUID: the CPUID leaves a PV kernel sees through Xen's forced-emulation
 * prefix (`ud2; .ascii "xen"; cpuid`), and the MSRs it may read and write
 * (one "msr" line each: the value or #GP, and what writes do).
 *
 * The dump prints one line per non-zero leaf/subleaf
 *     cpuid LLLLLLLL.SS: eax ebx ecx edx
 * and the cross-check (tests/system/test_crosscheck.py) compares the lines
 * with Xen 4.17's under the same QEMU CPU. A value that differs for a
 * reason listed in docs/differences-from-xen.md (it measures the host, e.g.
 * the TSC frequency) is masked as -------- in the compared line and printed
 * again in full on a line starting "hvdiff:", which the cross-check leaves
 * out (tools/serial_log.py).
 */
#include <stdbool.h>
#include <xl/format.h>
#include <xl/string.h>
#include <os/mm.h>
#include <os/traps.h>
#include "test.h"

struct leaf { uint32_t a, b, c, d; };

/* The enlightened CPUID; false (and zeros) if it faulted. */
static bool fcpuid(uint32_t leaf, uint32_t sub, struct leaf *r)
{
    uint64_t ex = leaf;         /* leaf in, eax or exinfo out */
    uint32_t b, c = sub, d;

    asm volatile ("1: ud2; .ascii \"xen\"; cpuid\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex), "=b" (b), "+c" (c), "=d" (d) :: "memory");
    if (ex >> 63) {
        *r = (struct leaf){ 0, 0, 0, 0 };
        return false;
    }
    *r = (struct leaf){ (uint32_t)ex, b, c, d };
    return true;
}

static uint32_t bit(const struct leaf *r, char reg, unsigned int n)
{
    uint32_t v = reg == 'a' ? r->a : reg == 'b' ? r->b : reg == 'c' ? r->c : r->d;
    return (v >> n) & 1;
}

/* Leaves whose ecx input selects a subleaf (the rest ignore it). */
static bool indexed(uint32_t leaf)
{
    switch (leaf) {
    case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10: case 0x12:
    case 0x14: case 0x17: case 0x18: case 0x1a: case 0x1b: case 0x1d: case 0x1e:
    case 0x1f: case 0x20: case 0x23: case 0x24:
    case 0x40000003: case 0x40000004: case 0x40000005:
    case 0x8000001d: case 0x80000020: case 0x80000026:
        return true;
    }
    return false;
}

static void print_leaf(uint32_t leaf, uint32_t sub, const struct leaf *r)
{
    if (leaf == 0x40000003 && sub == 2) {
        /* Xen's time leaf, subleaf 2: the host's TSC kHz, as each calibrated it. */
        os_printf("hvdiff: cpuid %08x.%02x: %08x %08x %08x %08x\n",
                  leaf, sub, r->a, r->b, r->c, r->d);
        os_printf("cpuid %08x.%02x: -------- %08x %08x %08x\n", leaf, sub, r->b, r->c, r->d);
        return;
    }
    os_printf("cpuid %08x.%02x: %08x %08x %08x %08x\n", leaf, sub, r->a, r->b, r->c, r->d);
}

static void dump_range(uint32_t first, uint32_t last)
{
    uint32_t leaf, sub, nsub;
    struct leaf r;

    for (leaf = first; leaf <= last; leaf++) {
        nsub = !indexed(leaf) ? 1 : leaf == 0xd ? 64 : 8;
        for (sub = 0; sub < nsub; sub++) {
            fcpuid(leaf, sub, &r);
            if (r.a | r.b | r.c | r.d)
                print_leaf(leaf, sub, &r);
        }
    }
}

static void dump(void)
{
    struct leaf r;
    bool ok = fcpuid(0, 0, &r);

    t_check("CPUID0001", "forced-emulation cpuid of leaf 0 succeeds", ok && r.a >= 1,
            "(eax=%#x)", r.a);
    /* Beyond each range's maximum, too: anything there must read as zero. */
    dump_range(0, 0x24);
    dump_range(0x40000000, 0x40000006);
    dump_range(0x40000100, 0x40000106);
    dump_range(0x80000000, 0x80000028);
    dump_range(0xc0000000, 0xc0000001);
    dump_range(0x8fffffff, 0x8fffffff);
}

static void hidden(void)
{
    struct leaf l0, l1, l7, e1;
    bool amd;

    fcpuid(0, 0, &l0);
    amd = l0.b == 0x68747541;                   /* "Auth"enticAMD */
    fcpuid(1, 0, &l1);
    fcpuid(7, 0, &l7);
    fcpuid(0x80000001, 0, &e1);
    t_check("CPUID0002", "leaf 1 hides VMX, MONITOR, x2APIC and DS-CPL, shows HYPERVISOR",
            !bit(&l1, 'c', 5) && !bit(&l1, 'c', 3) && !bit(&l1, 'c', 21) &&
            !bit(&l1, 'c', 4) && bit(&l1, 'c', 31), "(ecx=%#x)", l1.c);
    t_check("CPUID0003", "leaf 1 hides PSE, PSE36, PGE, VME, PBE (and SEP on AMD)",
            !bit(&l1, 'd', 3) && !bit(&l1, 'd', 17) && !bit(&l1, 'd', 13) &&
            !bit(&l1, 'd', 1) && !bit(&l1, 'd', 31) &&
            (!bit(&l1, 'd', 11) || !amd), "(edx=%#x)", l1.d);
    t_check("CPUID0004", "leaf 1 reports APIC id 0 in ebx[31:24]", (l1.b >> 24) == 0,
            "(ebx=%#x)", l1.b);
    t_check("CPUID0005", "leaf 7 hides SMEP, SMAP, INVPCID, UMIP, PKU's OSPKE",
            !bit(&l7, 'b', 7) && !bit(&l7, 'b', 20) && !bit(&l7, 'b', 10) &&
            !bit(&l7, 'c', 2) && !bit(&l7, 'c', 4), "(ebx=%#x ecx=%#x)", l7.b, l7.c);
    t_check("CPUID0006", "leaf 0x80000001 hides SVM and 1G pages",
            !bit(&e1, 'c', 2) && !bit(&e1, 'd', 26), "(ecx=%#x edx=%#x)", e1.c, e1.d);
}

static void hypervisor_leaves(void)
{
    struct leaf r0, r1, r2, r4, r5, r6;

    fcpuid(0x40000000, 0, &r0);
    fcpuid(0x40000001, 0, &r1);
    fcpuid(0x40000002, 0, &r2);
    fcpuid(0x40000004, 0, &r4);
    fcpuid(0x40000005, 0, &r5);
    fcpuid(0x40000006, 0, &r6);
    t_check("CPUID0007", "leaf 0x40000000: XenVMMXenVMM, leaves up to 0x40000005",
            r0.a == 0x40000005 && r0.b == 0x566e6558 && r0.c == 0x65584d4d &&
            r0.d == 0x4d4d566e, "(eax=%#x)", r0.a);
    t_check("CPUID0008", "leaf 0x40000001 reports version 4.17", r1.a == ((4u << 16) | 17),
            "(eax=%#x)", r1.a);
    t_check("CPUID0009", "leaf 0x40000002: one hypercall page, MSR 0x40000000, PRESERVE_AD",
            r2.a == 1 && r2.b == 0x40000000 && r2.c == 1 && r2.d == 0,
            "(%#x %#x %#x %#x)", r2.a, r2.b, r2.c, r2.d);
    t_check("CPUID0010", "leaf 0x40000004 (HVM only) is empty for PV",
            !(r4.a | r4.b | r4.c | r4.d), "(eax=%#x)", r4.a);
    t_check("CPUID0011", "leaf 0x40000005 reports the machine address width",
            r5.a == 0 && r5.b >= 20 && r5.b <= 52 && r5.c == 0 && r5.d == 0,
            "(ebx=%u)", r5.b);
    t_check("CPUID0012", "leaf 0x40000006 (past the last) is empty",
            !(r6.a | r6.b | r6.c | r6.d), "(eax=%#x)", r6.a);
}

/* RDMSR/WRMSR with a fault catcher: 0, or the exception info (OS_EXINFO). */
static uint64_t try_rdmsr(uint32_t msr, uint64_t *val)
{
    uint64_t ex = 0;
    uint32_t lo = 0, hi = 0;

    /* rax ends 0 (no fault) or the exception info from the fixup. */
    asm volatile ("1: rdmsr; mov %%eax, %k1; xor %%eax, %%eax\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex), "+S" (lo), "+d" (hi) : "c" (msr) : "memory");
    *val = (uint64_t)hi << 32 | lo;
    return ex;
}

static uint64_t try_wrmsr(uint32_t msr, uint64_t val)
{
    uint64_t ex = (uint32_t)val;        /* the low half in, 0 or exception info out */

    asm volatile ("1: wrmsr; xor %%eax, %%eax\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex) : "c" (msr), "d" ((uint32_t)(val >> 32)) : "memory");
    return ex;
}

static const char *verdict(uint64_t ex)
{
    if (!ex)
        return "ok";
    return OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == 0 ? "#GP" : "other-fault";
}

/* MSR flags: V value varies (printed as "ok"), W skip the writes (they act). */
#define V 1
#define W 2
static const struct { uint32_t msr; uint8_t flags; } msrs[] = {
    { 0x00000000, 0 }, { 0x00000001, 0 }, { 0x00000010, V | W }, { 0x00000017, 0 },
    { 0x0000001b, 0 }, { 0x00000033, 0 }, { 0x00000035, 0 }, { 0x0000003a, 0 },
    { 0x00000048, 0 }, { 0x00000049, 0 }, { 0x0000004e, 0 }, { 0x0000004f, 0 },
    { 0x00000079, W }, { 0x0000008b, 0 }, { 0x0000010a, 0 }, { 0x0000010b, 0 },
    { 0x0000010f, 0 }, { 0x00000122, 0 }, { 0x00000123, 0 }, { 0x000000c1, 0 },
    { 0x000000ce, 0 }, { 0x000000cf, 0 }, { 0x000000e7, V }, { 0x000000e8, V },
    { 0x000000fe, 0 }, { 0x00000140, 0 }, { 0x00000174, 0 }, { 0x00000175, 0 },
    { 0x00000176, 0 }, { 0x00000179, 0 }, { 0x0000017a, 0 }, { 0x0000017b, 0 },
    { 0x00000186, 0 }, { 0x00000198, 0 }, { 0x00000199, 0 }, { 0x0000019c, 0 },
    { 0x000001a0, 0 }, { 0x000001d9, 0 }, { 0x00000200, 0 }, { 0x00000250, 0 },
    { 0x00000277, 0 }, { 0x00000280, 0 }, { 0x000002ff, 0 }, { 0x00000309, 0 },
    { 0x00000345, 0 }, { 0x0000038d, 0 }, { 0x0000038f, 0 }, { 0x00000400, 0 },
    { 0x00000401, 0 }, { 0x00000402, 0 }, { 0x00000403, 0 }, { 0x00000404, 0 },
    { 0x00000405, 0 }, { 0x00000407, 0 }, { 0x00000408, 0 }, { 0x0000047f, 0 },
    { 0x00000480, 0 }, { 0x000004d0, 0 }, { 0x00000560, 0 }, { 0x000006a0, 0 },
    { 0x000006e0, 0 }, { 0x00000802, 0 }, { 0x00000808, 0 }, { 0x00000d90, 0 },
    { 0x00000da0, 0 }, { 0x40000000, W }, { 0x40000001, W }, { 0x40000100, W },
    { 0x40000200, W }, { 0xc0000080, 0 }, { 0xc0000081, 0 }, { 0xc0000082, 0 },
    { 0xc0000083, 0 }, { 0xc0000084, 0 }, { 0xc0000103, 0 }, { 0xc0000105, 0 },
    { 0xc0010000, 0 }, { 0xc0010004, 0 }, { 0xc0010010, 0 }, { 0xc0010015, 0 },
    { 0xc0010016, 0 }, { 0xc001001a, 0 }, { 0xc001001d, 0 }, { 0xc001001f, 0 },
    { 0xc0010020, W }, { 0xc0010041, 0 }, { 0xc0010042, 0 }, { 0xc0010058, 0 },
    { 0xc0010061, 0 }, { 0xc0010062, 0 }, { 0xc0010064, 0 }, { 0xc001006b, 0 },
    { 0xc0010112, 0 }, { 0xc0010114, 0 }, { 0xc0010117, 0 }, { 0xc001011f, 0 },
    { 0xc0010140, 0 }, { 0xc0010200, 0 }, { 0xc001020b, 0 }, { 0xc00102f0, 0 },
    { 0xc0011019, 0 }, { 0xc0011020, 0 }, { 0xc0011027, 0 }, { 0xc0011029, 0 },
    { 0xdeadbeef, 0 },
};

/*
 * One line per MSR: the value read (or #GP), then what writing the same
 * value back and writing it with bit 0 flipped do; a flip that was taken
 * is undone (and its read-back printed).
 */
static void msr_dump(void)
{
    uint64_t val, val2, ex, ex2;
    unsigned int i;

    for (i = 0; i < OS_ARRAY_SIZE(msrs); i++) {
        uint32_t msr = msrs[i].msr;
        char rd[40];

        ex = try_rdmsr(msr, &val);
        if (ex)
            os_printf("msr %08x: %s\n", msr, verdict(ex));
        if (ex || (msrs[i].flags & W)) {
            if (!ex)
                os_printf("msr %08x: %016lx\n", msr,
                          (msrs[i].flags & V) ? 0ul : (unsigned long)val);
            continue;
        }
        if (msrs[i].flags & V) {
            os_printf("msr %08x: readable\n", msr);
            continue;
        }
        ex = try_wrmsr(msr, val);
        ex2 = try_wrmsr(msr, val ^ 1);
        rd[0] = 0;
        if (!ex2) {
            try_rdmsr(msr, &val2);
            xl_snprintf(rd, sizeof(rd), " (reads %lx)", (unsigned long)val2);
            try_wrmsr(msr, val);
        }
        os_printf("msr %08x: %016lx w=%s w^1=%s%s\n", msr, (unsigned long)val,
                  verdict(ex), verdict(ex2), rd);
    }
}

static uint8_t hcall_copy[4096] __attribute__((aligned(4096)));

static void msr_cases(void)
{
    uint64_t v, ex;

    ex = try_rdmsr(0x277, &v);
    t_check("CPUID0013", "rdmsr PAT gives Xen's PAT 0x050100070406", !ex && v == 0x050100070406ul,
            "(ex=%#lx val=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = try_wrmsr(0x277, 0x0007040600070406ul);
    t_check("CPUID0014", "wrmsr PAT raises #GP(0)", OS_EXINFO_VEC(ex) == 13, "(ex=%#lx)",
            (unsigned long)ex);
    ex = try_rdmsr(0xc0000080, &v);
    t_check("CPUID0015", "rdmsr EFER shows SCE, LME, LMA, NX", !ex && v == 0xd01,
            "(ex=%#lx val=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = try_wrmsr(0xc0000080, v & ~1ul);
    t_check("CPUID0016", "wrmsr EFER with another value raises #GP(0)", OS_EXINFO_VEC(ex) == 13,
            "(ex=%#lx)", (unsigned long)ex);
    ex = try_wrmsr(0xc0000103, 1ul << 32);
    t_check("CPUID0017", "wrmsr TSC_AUX above 32 bits raises #GP(0)",
            OS_EXINFO_VEC(ex) == 13, "(ex=%#lx)", (unsigned long)ex);
    ex = try_wrmsr(0xc0000103, 0x1234) | try_rdmsr(0xc0000103, &v);
    t_check("CPUID0018", "TSC_AUX keeps what the guest wrote", !ex && v == 0x1234,
            "(ex=%#lx val=%#lx)", (unsigned long)ex, (unsigned long)v);
    try_wrmsr(0xc0000103, 0);
    ex = try_rdmsr(0x1b, &v);
    t_check("CPUID0019", "rdmsr APIC_BASE: enabled BSP at 0xfee00000", !ex && v == 0xfee00900,
            "(ex=%#lx val=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = try_rdmsr(0x802, &v);
    t_check("CPUID0020", "rdmsr of an x2APIC register raises #GP(0)", OS_EXINFO_VEC(ex) == 13,
            "(ex=%#lx)", (unsigned long)ex);
    ex = try_rdmsr(0x40000000, &v);
    t_check("CPUID0021", "rdmsr of the hypercall-page MSR reads 0", !ex && v == 0,
            "(ex=%#lx val=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = try_wrmsr(0x40000000, 0x800);
    t_check("CPUID0022", "wrmsr of the hypercall-page MSR with a page offset raises #GP(0)",
            OS_EXINFO_VEC(ex) == 13, "(ex=%#lx)", (unsigned long)ex);
    ex = try_wrmsr(0x40000000, os_virt_to_mfn(hcall_copy) << 12);
    t_check("CPUID0024", "wrmsr of the hypercall-page MSR writes the hypercall page there",
            !ex && !memcmp(hcall_copy, hypercall_page, sizeof(hcall_copy)), "(ex=%#lx)",
            (unsigned long)ex);
    ex = try_rdmsr(0x179, &v);
    t_check("CPUID0023", "MCG_CAP reports Xen's two virtual banks", !ex && (v & 0xff) == 2,
            "(ex=%#lx val=%#lx)", (unsigned long)ex, (unsigned long)v);
}

void suite_cpuid(void)
{
    os_printf("selftest: cpuid\n");
    dump();
    hidden();
    hypervisor_leaves();
    msr_dump();
    msr_cases();
}
