/*
 * The CPUID a PV guest sees: Xen 4.17's PV default policy built from the
 * host's leaves (hv/arch/x86/lib/cpu_policy.c), Xen's leaves at 0x40000000, and the
 * few answers that depend on the running vCPU, as Xen gives them
 * (xen/arch/x86/cpuid.c guest_cpuid, xen/arch/x86/traps.c
 * cpuid_hypervisor_leaves).
 */
#include <asm/cpu.h>
#include <asm/cpu_policy.h>
#include <hv/domain.h>
#include <asm/io.h>
#include <hv/mm.h>
#include <asm/pv_policy.h>
#include <hv/time.h>
#include <xen/xen.h>

#define XEN_CPUID_BASE      0x40000000u
#define XEN_CPUID_LEAVES    5u              /* 0x40000000 .. 0x40000005 */
#define XEN_FEAT1_PRESERVE_AD 1u            /* MMU_PT_UPDATE_PRESERVE_AD */
#define CR4_OSXSAVE         (1ull << 18)

static struct cpu_policy raw_policy;
static struct cpu_policy pv_policies[2];   /* [1]: the hardware domain (Dom0) */
static bool policies_ready;

static void read_host(void *ctx, uint32_t leaf, uint32_t sub, struct cpuid_leaf *r)
{
    uint32_t v[4];

    cpuid_count(leaf, sub, v);
    *r = (struct cpuid_leaf){ v[0], v[1], v[2], v[3] };
}

/* Built on first use: one vCPU runs at a time (no SMP yet). */
static void policies_init(void)
{
    cpu_policy_read(&raw_policy, read_host, NULL);
    cpu_policy_pv(&pv_policies[0], &raw_policy, false);
    cpu_policy_pv(&pv_policies[1], &raw_policy, true);
    policies_ready = true;
}

const struct cpu_policy *pv_domain_policy(const struct domain *d)
{
    if (!policies_ready)
        policies_init();
    return &pv_policies[d->id == 0];
}

const struct cpu_policy *host_raw_policy(void)
{
    if (!policies_ready)
        policies_init();
    return &raw_policy;
}

static bool raw_has(unsigned int f)
{
    uint32_t fs[FS_WORDS];

    cpu_policy_to_fs(host_raw_policy(), fs);
    return fs_test(fs, f);
}

static unsigned int fls64(uint64_t x)
{
    return x ? 64 - (unsigned int)__builtin_clzll(x) : 0;
}

static void hypervisor_leaf(struct vcpu *v, uint32_t idx, uint32_t sub, struct cpuid_leaf *r)
{
    uint8_t paddr = host_raw_policy()->extd[8].a & 0xff;
    uint64_t top = max_mfn;

    switch (idx) {
    case 0:
        *r = (struct cpuid_leaf){ XEN_CPUID_BASE + XEN_CPUID_LEAVES,
                                  0x566e6558, 0x65584d4d, 0x4d4d566e };    /* "XenVMMXenVMM" */
        break;
    case 1:
        r->a = (4u << 16) | 17u;                        /* the ABI version: 4.17 */
        break;
    case 2:
        r->a = 1;                                       /* hypercall pages */
        r->b = XEN_CPUID_BASE;                          /* MSR that installs one */
        r->c = XEN_FEAT1_PRESERVE_AD;
        break;
    case 3:
        /*
         * Time: never an emulated TSC (Xen's choice for a PV Dom0), so mode,
         * offset and scale read 0; subleaf 2 is the host's TSC kHz.
         */
        if (sub == 0)
            r->a = (raw_has(X86_FEAT_ITSC) << 1) | (raw_has(X86_FEAT_RDTSCP) << 2);
        else if (sub == 2)
            r->a = (uint32_t)tsc_khz;
        break;
    case 4:                                             /* HVM only */
        break;
    case 5:                                             /* PV: machine address width */
        if (sub != 0)
            break;
        if (paddr && top > 1ull << (paddr - 12))
            top = 1ull << (paddr - 12);
        if (top > 1ull << 32)
            top = 1ull << 32;
        r->b = fls64(top - 1) + 12;
        break;
    }
}

/*
 * The guest's CPUID(leaf, sub).  emulated: reached through the forced-
 * emulation prefix (#UD) rather than a faulting CPUID (#GP); Xen tells the
 * two apart for OSXSAVE and Dom0's MONITOR.
 */
static void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, bool emulated,
                        struct cpuid_leaf *r)
{
    const struct cpu_policy *p = pv_domain_policy(v->domain);
    bool hwdom_kernel = v->domain->id == 0 && v->arch.kernel_mode;
    uint32_t host[4];

    *r = (struct cpuid_leaf){ 0, 0, 0, 0 };
    /* Xen's range (and Viridian's, which a PV domain never has) */
    if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x200) {
        if (leaf - XEN_CPUID_BASE <= XEN_CPUID_LEAVES)
            hypervisor_leaf(v, leaf - XEN_CPUID_BASE, sub, r);
        return;
    }
    cpu_policy_lookup(p, leaf, sub, r);
    if ((leaf < CPUID_NR_BASIC && leaf > p->basic[0].a) ||
        (leaf >= 0x80000000u && (leaf & 0xffff) > (p->extd[0].a & 0xffff)))
        return;                                         /* out of range: zeros */

    switch (leaf) {
    case 1:
        r->b &= 0x00ffffff;                             /* APIC id 0: one vCPU */
        /* The PV ABI leaks the host's OSXSAVE to the kernel's emulated CPUID. */
        if ((p->basic[1].c >> 26 & 1) && emulated && v->arch.kernel_mode &&
            (read_cr4() & CR4_OSXSAVE))
            r->c |= 1u << (X86_FEAT_OSXSAVE % 32);
        if (hwdom_kernel) {
            if (!emulated && raw_has(X86_FEAT_MONITOR))
                r->c |= 1u << (X86_FEAT_MONITOR % 32);
            if (raw_has(X86_FEAT_EIST))
                r->c |= 1u << (X86_FEAT_EIST % 32);
        }
        goto leaf1_common;
    case 5:
        if (hwdom_kernel && !emulated && raw_has(X86_FEAT_MONITOR))
            *r = raw_policy.basic[5];
        break;
    case 0xd:
        /* The sizes for the XCR0 in force (ours: fixed, see fpu.c). */
        if (sub == 0 && (p->basic[1].c >> 26 & 1)) {
            cpuid_count(0xd, 0, host);
            r->b = host[1];
        } else if (sub == 1 && (p->xstate[1].a >> (X86_FEAT_XSAVEC % 32) & 1)) {
            cpuid_count(0xd, 1, host);
            r->b = host[1];
        }
        break;
    case 0x80000001:
    leaf1_common:
        /* Dom0's kernel sees MTRR: the memtype hypercalls' presence test. */
        if (hwdom_kernel && raw_has(X86_FEAT_MTRR))
            r->d |= 1u << (X86_FEAT_MTRR % 32);
        break;
    }
}

static void answer(struct vcpu *v, uint32_t leaf, uint32_t sub, bool emulated, uint32_t r[4])
{
    struct cpuid_leaf l;

    guest_cpuid(v, leaf, sub, emulated, &l);
    r[0] = l.a;
    r[1] = l.b;
    r[2] = l.c;
    r[3] = l.d;
}

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    answer(v, leaf, sub, true, r);
}

void pv_cpuid_faulted(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    answer(v, leaf, sub, false, r);
}
