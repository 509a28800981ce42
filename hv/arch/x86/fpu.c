/*
 * Extended CPU state (x87, SSE, AVX) per vCPU. The hypervisor itself never
 * touches it (it is built with general registers only), so a vCPU's state
 * stays in the CPU while it runs and is saved with XSAVE (FXSAVE without
 * XSAVE) only when another vCPU takes the CPU. A new vCPU starts from the
 * architectural initial state (an all-zero XSAVE header).
 *
 * XCR0 is per vCPU, as on Xen: a PV vCPU starts with x87 and SSE only and
 * turns on AVX with XSETBV (emulated). The save area has room for every
 * component the hypervisor enabled at boot; XSAVE and XRSTOR run under the
 * vCPU's own XCR0 and leave the other components alone.
 */
#include <hv/console.h>
#include <asm/cpu.h>
#include <hv/domain.h>
#include <asm/fpu.h>
#include <asm/io.h>
#include <xl/string.h>
#include <hv/percpu.h>

static uint64_t xcr0;                           /* the most a vCPU may enable */

#define XCR0_FP     (1ULL << 0)
#define XCR0_SSE    (1ULL << 1)
#define XCR0_YMM    (1ULL << 2)
#define XCR0_MPX    (3ULL << 3)
#define XCR0_AVX512 (7ULL << 5)

/* XCR0 is each CPU's own: the value this CPU holds is in its record. */
static void load_xcr0(uint64_t val)
{
    struct cpu_info *c = this_cpu();

    if (val == c->xcr0)
        return;
    __asm__ volatile("xsetbv" :: "c"(0), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
    c->xcr0 = val;
}
static unsigned int area_size = 512 + 64;     /* legacy area + XSAVE header */

void fpu_init(void)
{
    uint32_t r[4];

    if (!cpu_features.has_xsave)
        return;
    cpuid_count(0xd, 0, r);
    xcr0 = r[0] & 0x7;                          /* x87, SSE and AVX where present */
    load_xcr0(xcr0);
    cpuid_count(0xd, 0, r);
    area_size = r[1];                           /* size for the features now enabled */
    log_info("fpu: XSAVE, xcr0 %#lx, %u bytes of state per vCPU", xcr0, area_size);
}

void fpu_init_secondary(void)
{
    if (xcr0)
        load_xcr0(xcr0);
}

bool fpu_uses_xsave(void)
{
    return xcr0 != 0;
}

int fpu_vcpu_init(struct vcpu *v)
{
    v->arch.fpu_area = xzalloc_bytes(area_size);     /* page-aligned, so 64-byte aligned */
    v->arch.xcr0 = xcr0 & (XCR0_FP | XCR0_SSE);      /* Xen's starting XCR0 */
    return v->arch.fpu_area ? 0 : -1;
}

int fpu_set_xcr0(struct vcpu *v, uint64_t val, uint64_t max)
{
    if (!xcr0 || (val & ~(max & xcr0)) || !(val & XCR0_FP))
        return -1;
    if ((val & XCR0_YMM) && !(val & XCR0_SSE))
        return -1;
    if ((val & XCR0_AVX512) && (!(val & XCR0_YMM) || (val & XCR0_AVX512) != XCR0_AVX512))
        return -1;
    if ((val & XCR0_MPX) && (val & XCR0_MPX) != XCR0_MPX)
        return -1;
    v->arch.xcr0 = val;
    load_xcr0(val);
    return 0;
}

void fpu_save(struct vcpu *v)
{
    uint64_t cr0 = read_cr0();

    __asm__ volatile("clts");                   /* guest TS must not stop our save */
    if (xcr0)
        __asm__ volatile("xsave64 (%0)" :: "r"(v->arch.fpu_area), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" :: "r"(v->arch.fpu_area) : "memory");
    write_cr0(cr0);
}

void fpu_restore(struct vcpu *v)
{
    v->arch.fpu_initialised = true;
    __asm__ volatile("clts");
    if (xcr0)
        load_xcr0(v->arch.xcr0);
    if (xcr0)
        __asm__ volatile("xrstor64 (%0)" :: "r"(v->arch.fpu_area), "a"((uint32_t)xcr0),
                         "d"((uint32_t)(xcr0 >> 32)) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" :: "r"(v->arch.fpu_area) : "memory");
    if (v->arch.guest_ts)
        write_cr0(read_cr0() | 8);              /* the vCPU's virtual CR0.TS */
}
