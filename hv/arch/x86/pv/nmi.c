/*
 * Virtual NMIs of a PV vCPU, as Xen's: VCPUOP_send_nmi marks one pending
 * (several sends before it is taken are one NMI); the exit path delivers it
 * through vector 2 of the vCPU's trap table (which set_trap_table fills, and
 * callback_op / nmi_op's NMI callback overwrites), before any event upcall;
 * from then on NMIs are masked until the guest's next HYPERVISOR_iret. With
 * no handler at vector 2 the NMI is dropped (Xen logs "Unhandled", rate
 * limited); Xenolith logs a vCPU's first dropped NMI only, so a guest
 * looping on send_nmi cannot flood the log.
 */
#include <xen/xen.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/sched.h>
#include <xl/string.h>
#include <asm/pv.h>
#include <asm/traps.h>
#include <asm/x86_vectors.h>

/* See pv.h. */
void pv_send_nmi(struct vcpu *v)
{
    if (__atomic_exchange_n(&v->arch.nmi_pending, true, __ATOMIC_SEQ_CST))
        return;                                 /* one pending already */
    vcpu_wake(v);                               /* Xen's vcpu_kick unblocks it */
    vcpu_kick(v);
}

/* See pv.h. */
bool pv_deliver_nmi(struct vcpu *v, struct cpu_regs *regs)
{
    const struct trap_info *ti = &v->arch.traps[X86_EXC_NMI];

    if (v->arch.nmi_masked || !__atomic_exchange_n(&v->arch.nmi_pending, false, __ATOMIC_SEQ_CST))
        return true;
    if (!ti->address) {
        if (!v->arch.nmi_drop_logged)
            log_info("d%uv%u: NMI dropped: no handler at vector 2 (later ones silently)",
                     v->domain->id, v->id);
        v->arch.nmi_drop_logged = true;
        return true;
    }
    v->arch.nmi_masked = true;
    return pv_bounce(v, regs, ti->address, TI_GET_IF(ti) != 0, false, 0);
}

/* See pv.h. */
void pv_set_nmi_callback(struct vcpu *v, uint64_t address)
{
    struct trap_info *ti = &v->arch.traps[X86_EXC_NMI];

    memset(ti, 0, sizeof(*ti));
    if (!address)
        return;
    ti->vector = X86_EXC_NMI;
    ti->cs = FLAT_KERNEL_CS;
    ti->address = address;
    TI_SET_IF(ti, 1);                           /* events masked on entry, as Xen's */
}
