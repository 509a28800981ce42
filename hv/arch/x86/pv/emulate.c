/*
 * What a ring-3 guest kernel may ask of the CPU through a fault, as Xen 4.17
 * answers it (pv/emul-priv-op.c):
 *  - #UD: Xen's forced-emulation prefix `ud2; .ascii "xen"` followed by CPUID
 *    returns the hypervisor-filtered CPUID (with Xen's leaves at 0x40000000);
 *  - #GP(0): the instruction at RIP is fetched (up to 15 bytes through the
 *    guest-memory door), decoded (hv/arch/x86/lib/privop_decode.c) and carried out
 *    with the guest's own state: mov to/from CR0/2/3/4 (ctrlreg.c) and
 *    DR0-7 (debugreg.c), CLTS, WBINVD, RDMSR/WRMSR and CPUID (pv_policy.h),
 *    XSETBV (the vCPU's own XCR0, fpu.c),
 *    RDTSC/RDTSCP under the guest's CR4.TSD, CLI/STI (no-ops when the
 *    virtual IOPL allows them, as on Xen) and port I/O (ioports.c). The
 *    ring-0-only ones (mov cr/dr, clts, wbinvd, msr, hlt, invd) need guest
 *    kernel mode. HLT and INVD are #GP(0), as Xen gives them. Anything the
 *    decoder does not know is #GP(0) too, with one (rate-limited) log line.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <asm/cpu.h>
#include <asm/ctrlreg.h>
#include <hv/domain.h>
#include <asm/fpu.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/io.h>
#include <asm/ioports.h>
#include <asm/privop_decode.h>
#include <asm/pv_policy.h>
#include <hv/time.h>
#include <asm/traps.h>

bool pv_emulate_forced(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[7];
    uint32_t r[4];

    if (raw_copy_from_guest(insn, regs->rip, sizeof(insn)))
        return false;
    if (insn[0] != 0x0f || insn[1] != 0x0b || insn[2] != 'x' || insn[3] != 'e' || insn[4] != 'n')
        return false;
    if (insn[5] != 0x0f || insn[6] != 0xa2)
        return false;                           /* only CPUID may follow the prefix */
    pv_cpuid(v, (uint32_t)regs->rax, (uint32_t)regs->rcx, r);
    regs->rax = r[0];
    regs->rbx = r[1];
    regs->rcx = r[2];
    regs->rdx = r[3];
    regs->rip += 7;
    return true;
}

/* At most REFUSAL_BURST refusal lines per REFUSAL_WINDOW_NS, for all guests together. */
#define REFUSAL_BURST      10u
#define REFUSAL_WINDOW_NS  5000000000ULL

/* One log line for an instruction we do not emulate: who, where, which bytes. */
static void log_refusal(const struct vcpu *v, const struct cpu_regs *regs,
                        const uint8_t *insn, size_t avail)
{
    static uint64_t window_start;
    static unsigned int printed, suppressed;
    uint64_t now = now_ns();
    char bytes[8 * 3 + 5];
    unsigned int n = 0;

    if (!window_start || now - window_start >= REFUSAL_WINDOW_NS) {
        window_start = now;
        printed = 0;
    }
    if (printed >= REFUSAL_BURST) {
        suppressed++;
        return;
    }
    printed++;
    for (size_t i = 0; i < avail && i < 8; i++) {
        static const char hex[] = "0123456789abcdef";
        bytes[n++] = ' ';
        bytes[n++] = hex[insn[i] >> 4];
        bytes[n++] = hex[insn[i] & 15];
    }
    if (avail > 8) {
        bytes[n++] = ' ';
        bytes[n++] = '.';
        bytes[n++] = '.';
        bytes[n++] = '.';
    }
    bytes[n] = 0;
    log_warn("d%uv%u emulation refused at rip %016lx:%s%s", v->domain->id, v->id, regs->rip,
             avail ? bytes : " (unreadable)", suppressed ? " (earlier lines suppressed)" : "");
    suppressed = 0;
}

/* RDTSC/RDTSCP: they fault only while the guest has CR4.TSD; then only its kernel may. */
static enum emul_result emulate_rdtsc(struct vcpu *v, struct cpu_regs *regs, bool aux)
{
    uint64_t tsc, tsc_aux = 0;

    if (aux && !pv_rdmsr(v, MSR_TSC_AUX, &tsc_aux))
        return EMUL_GP;
    if (!v->arch.kernel_mode && (v->arch.cr4 & X86_CR4_TSD))
        return EMUL_GP;
    tsc = rdtsc();
    regs->rax = (uint32_t)tsc;
    regs->rdx = tsc >> 32;
    if (aux)
        regs->rcx = (uint32_t)tsc_aux;
    return EMUL_DONE;
}

static enum emul_result emulate_msr(struct vcpu *v, struct cpu_regs *regs, bool write)
{
    uint32_t msr = (uint32_t)regs->rcx;
    uint64_t val;

    if (write) {
        val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
        return pv_wrmsr(v, msr, val) ? EMUL_DONE : EMUL_GP;
    }
    if (!pv_rdmsr(v, msr, &val))
        return EMUL_GP;
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return EMUL_DONE;
}

/*
 * XSETBV as Xen's emulator orders its checks: #UD without the guest's
 * CR4.OSXSAVE, #GP(0) outside the kernel, for an XCR other than XCR0 or
 * for a value beyond the guest's CPUID leaf 0xd or not self-consistent.
 */
static enum emul_result emulate_xsetbv(struct vcpu *v, struct cpu_regs *regs)
{
    uint64_t val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
    uint32_t leaf[4];

    if (!(v->arch.cr4 & X86_CR4_OSXSAVE))
        return EMUL_UD;
    if (!v->arch.kernel_mode || (uint32_t)regs->rcx != 0)
        return EMUL_GP;
    pv_cpuid(v, 0xd, 0, leaf);
    return fpu_set_xcr0(v, val, ((uint64_t)leaf[3] << 32) | leaf[0]) ? EMUL_GP : EMUL_DONE;
}

static enum emul_result emulate_dr(struct vcpu *v, struct cpu_regs *regs,
                                   const struct privop_insn *p)
{
    uint64_t *gpr = regs_gpr(regs, p->gpr);
    long rc;

    if (p->kind == PRIVOP_MOV_TO_DR)
        rc = debugreg_set(v, p->ctl, *gpr);
    else
        rc = debugreg_get(v, p->ctl, gpr);
    return rc == 0 ? EMUL_DONE : rc == -XEN_ENODEV ? EMUL_UD : EMUL_GP;
}

/* Carry out a decoded instruction; *io_bp gets I/O breakpoint hits. */
static enum emul_result execute(struct vcpu *v, struct cpu_regs *regs,
                                const struct privop_insn *p, unsigned int *io_bp)
{
    uint32_t r[4];

    switch (p->kind) {
    case PRIVOP_IN: case PRIVOP_OUT: case PRIVOP_INS: case PRIVOP_OUTS:
        return pv_emulate_io(v, regs, p, io_bp);
    case PRIVOP_CLI: case PRIVOP_STI:
        /* Xen lets them through as no-ops: the event mask stays as it is. */
        return pv_iopl_ok(v) ? EMUL_DONE : EMUL_GP;
    case PRIVOP_RDTSC:
        return emulate_rdtsc(v, regs, false);
    case PRIVOP_RDTSCP:
        return emulate_rdtsc(v, regs, true);
    case PRIVOP_XSETBV:
        return emulate_xsetbv(v, regs);
    case PRIVOP_CPUID:                          /* a plain CPUID under CPUID faulting */
        pv_cpuid_faulted(v, (uint32_t)regs->rax, (uint32_t)regs->rcx, r);
        regs->rax = r[0];
        regs->rbx = r[1];
        regs->rcx = r[2];
        regs->rdx = r[3];
        return EMUL_DONE;
    default:
        break;
    }
    /* The rest are ring-0 instructions: the guest kernel only. */
    if (!v->arch.kernel_mode)
        return EMUL_GP;
    switch (p->kind) {
    case PRIVOP_MOV_FROM_CR:
        return pv_read_cr(v, p->ctl, regs_gpr(regs, p->gpr)) ? EMUL_DONE : EMUL_GP;
    case PRIVOP_MOV_TO_CR:
        return pv_write_cr(v, p->ctl, *regs_gpr(regs, p->gpr)) ? EMUL_DONE : EMUL_GP;
    case PRIVOP_MOV_FROM_DR: case PRIVOP_MOV_TO_DR:
        return emulate_dr(v, regs, p);
    case PRIVOP_CLTS:
        do_fpu_taskswitch(0, 0, 0, 0, 0);
        return EMUL_DONE;
    case PRIVOP_WBINVD:
        return EMUL_DONE;                       /* nothing to write back under our caches */
    case PRIVOP_RDMSR:
        return emulate_msr(v, regs, false);
    case PRIVOP_WRMSR:
        return emulate_msr(v, regs, true);
    default:
        return EMUL_GP;                         /* HLT, INVD: Xen refuses them too */
    }
}

#define DR6_BS (1u << 14)

/*
 * With TF set, an emulated instruction ends in a single-step #DB, as it
 * would natively. Xen's emulator skips it for CLI/STI and for IN/OUT that
 * reach the real port (both finish outside its commit path): so do we.
 */
static bool single_steps(const struct vcpu *v, const struct cpu_regs *regs,
                         const struct privop_insn *p)
{
    if (!(regs->rflags & X86_EFLAGS_TF))
        return false;
    if (p->kind == PRIVOP_CLI || p->kind == PRIVOP_STI)
        return false;
    if (p->kind == PRIVOP_IN || p->kind == PRIVOP_OUT)
        return !pv_io_direct(v->domain, p->port_imm ? p->port : (uint16_t)regs->rdx,
                             p->io_size);
    return true;
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[PRIVOP_MAX_INSN_LEN];
    size_t avail = 0;
    struct privop_insn p;
    unsigned int io_bp = 0;
    enum privop_result rc;

    /* Fetch: 15 bytes at once, or what can be read before an unmapped page. */
    if (!raw_copy_from_guest(insn, regs->rip, sizeof(insn)))
        avail = sizeof(insn);
    else
        while (avail < sizeof(insn) && !raw_copy_from_guest(&insn[avail], regs->rip + avail, 1))
            avail++;
    if ((regs->cs & ~3ULL) == (FLAT_USER_CS32 & ~3ULL))
        rc = PRIVOP_REFUSED;                    /* 32-bit code: not decoded */
    else
        rc = privop_decode(insn, avail, &p);
    if (rc == PRIVOP_TRUNCATED) {
        /* Like Xen's fetch: the page fault at the first byte it could not read. */
        pv_inject_page_fault(v, regs, regs->rip + avail, 0);
        return true;
    }
    if (rc != PRIVOP_OK || p.kind == PRIVOP_HLT || p.kind == PRIVOP_INVD) {
        log_refusal(v, regs, insn, avail);
        return false;
    }
    switch (execute(v, regs, &p, &io_bp)) {
    case EMUL_DONE:
        regs->rip += p.len;
        if (single_steps(v, regs, &p))
            io_bp |= DR6_BS;
        break;
    case EMUL_AGAIN:
        if (single_steps(v, regs, &p))
            io_bp |= DR6_BS;
        break;
    case EMUL_GP:
        return false;
    case EMUL_UD:
        pv_inject_trap(v, regs, X86_EXC_UD, false, 0);
        return true;
    case EMUL_INJECTED:
        return true;
    }
    if (io_bp) {
        debugreg_io_hit(v, io_bp);
        pv_inject_trap(v, regs, X86_EXC_DB, false, 0);
    }
    return true;
}
