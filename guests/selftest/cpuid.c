/*
 * CPUID: the CPUID leaves a PV kernel sees through Xen's forced-emulation
 * prefix (`ud2; .ascii "xen"; cpuid`), and the MSRs it may read.
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
    if (leaf == 0xd && sub == 0) {
        /*
         * ebx: the XSAVE area for the XCR0 in force.  Xen starts a PV vCPU
         * with x87|SSE and lets it XSETBV; Xenolith runs every vCPU with
         * all the components the policy offers.
         */
        os_printf("hvdiff: cpuid %08x.%02x: %08x %08x %08x %08x\n",
                  leaf, sub, r->a, r->b, r->c, r->d);
        os_printf("cpuid %08x.%02x: %08x -------- %08x %08x\n", leaf, sub, r->a, r->c, r->d);
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

void suite_cpuid(void)
{
    os_printf("selftest: cpuid\n");
    dump();
    hidden();
    hypervisor_leaves();
}
