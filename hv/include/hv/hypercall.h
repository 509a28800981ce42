/*
 * The hypercall table: one declarative row per hypercall (number, name,
 * handler, who may call it). Unknown numbers answer -ENOSYS and calls a
 * domain may not make answer -EPERM, both from hypercall_dispatch alone.
 * Handlers take up to five guest arguments (rdi, rsi, rdx, r10, r8).
 *
 * A handler is declared with the parameters Xen gives it: integers and
 * typed guest handles (XEN_GUEST_HANDLE_PARAM, hv/guest_access.h), in
 * Xen's order, as many as it uses. Each is one 8-byte INTEGER-class value
 * that the SysV x86-64 ABI passes in the same register as a uint64_t, so
 * the table stores every handler as a hypercall_fn and the dispatcher
 * passes all five registers; a handler ignores those it does not declare.
 * Nothing but such 8-byte parameters may appear in a handler's prototype.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H
#include <stdint.h>
#include <stdbool.h>
#include <asm/regs.h>
#include <hv/guest_access.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/hvm_op.h>
#include <xen/platform.h>
#include <xen/arch-x86/xen-mca.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

typedef long (*hypercall_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

_Static_assert(sizeof(XEN_GUEST_HANDLE_PARAM(void)) == sizeof(uint64_t),
               "a guest handle travels in one argument register");

/* Who may call a hypercall (the table's last column). */
enum hypercall_access {
    HC_ANY,         /* every domain */
    HC_PRIV,        /* privileged domains; others get -EPERM from the dispatcher */
    HC_OWN_CHECK,   /* privileged only, but the handler checks it itself after
                       reading its argument, where Xen 4.17 does */
};

struct hypercall_def {
    const char *name;
    hypercall_fn fn;
    unsigned char access;            /* enum hypercall_access */
};

#define NR_HYPERCALLS 56

/* Run hypercall `nr` for the current vCPU with these arguments. */
long hypercall_call(unsigned long nr, const uint64_t args[5]);
/* Decode a hypercall from the guest frame and write the result into rax. */
void hypercall_dispatch(struct cpu_regs *regs);
/*
 * Continuations: a long hypercall checks hypercall_preempt_check() between
 * units of work; when it says so, it records how to carry on with
 * hypercall_continue(new arguments) and returns HV_CONTINUATION. The
 * dispatcher then rewinds the guest to its SYSCALL with those arguments, so
 * the rest runs as a fresh hypercall after pending work (timers, events):
 * softirqs on this CPU, or an event upcall due to the caller (pending and
 * unmasked), which Xen's check counts too. Never inside a multicall entry: the multicall itself is the unit.
 */
#define HV_CONTINUATION  (-0x7fff)
bool hypercall_preempt_check(void);
/* The same question without the multicall rule (do_multicall's own check). */
bool hypercall_preempt_wanted(void);
long hypercall_continue(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
/* The same, the rest running as hypercall nr (Xen's shadow_op goes on as HYPERVISOR_arch_1). */
long hypercall_continue_as(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5);

/* Per-hypercall trace lines: "hypercall_trace" on the command line traces every
   hypercall, "hypercall_trace=errors" only those that return an error (iret aside:
   its result is a register of the frame it returns to). */
#define HYPERCALL_TRACE_ERRORS 2
extern int hypercall_trace;

long do_console_io(uint64_t cmd, uint64_t count, XEN_GUEST_HANDLE_PARAM(char) buf);
long do_xen_version(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_sched_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t, uint64_t, uint64_t);
long do_multicall(XEN_GUEST_HANDLE_PARAM(multicall_entry_t) list, uint64_t nr);
long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(trap_info_t) list);
long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall, uint64_t, uint64_t);
long do_callback_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(const_void) arg);
long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t, uint64_t, uint64_t);
long do_set_segment_base(uint64_t which, uint64_t base, uint64_t, uint64_t, uint64_t);
long do_fpu_taskswitch(uint64_t set, uint64_t, uint64_t, uint64_t, uint64_t);
long do_iret(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_event_channel_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_set_timer_op(uint64_t timeout, uint64_t, uint64_t, uint64_t, uint64_t);
long do_memory_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, uint64_t, uint64_t);
long do_mmu_update(XEN_GUEST_HANDLE_PARAM(mmu_update_t) reqs, uint64_t count,
                   XEN_GUEST_HANDLE_PARAM(uint) pdone, uint64_t domid);
long do_update_va_mapping_otherdomain(uint64_t va, uint64_t val, uint64_t flags, uint64_t domid, uint64_t);
long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(mmuext_op_t) ops, uint64_t count,
                  XEN_GUEST_HANDLE_PARAM(uint) pdone, uint64_t domid);
long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t, uint64_t, uint64_t);
long do_get_debugreg(uint64_t reg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_gdt(XEN_GUEST_HANDLE_PARAM(xen_ulong_t) list, uint64_t entries);
long do_update_descriptor(uint64_t maddr, uint64_t desc, uint64_t, uint64_t, uint64_t);
long do_grant_table_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg, uint64_t count);
long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg);
long do_physdev_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_paging_domctl_cont(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg);
/*
 * The architecture's domctls (hv/arch/x86/domctl.c), for a command common
 * code does not serve: the result, -ENOSYS for an unknown one;
 * *copyback says whether the caller writes op back to the guest (arg:
 * the guest's copy, which a continuation names). arch_get_domain_info adds the x86 fields of getdomaininfo.
 * getdomaininfo (common/domctl.c) fills the record of d that
 * XEN_DOMCTL_getdomaininfo and XEN_SYSCTL_getdomaininfolist give.
 */
struct domain;
struct xen_domctl;
struct xen_domctl_getdomaininfo;
long arch_do_domctl(struct domain *d, struct xen_domctl *op, XEN_GUEST_HANDLE_PARAM(xen_domctl_t) arg,
                    bool *copyback);
void arch_get_domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info);
void getdomaininfo(const struct domain *d, struct xen_domctl_getdomaininfo *info);
/* The architecture's VCPUOPs (x86: pv/vcpu_arch_op.c, Xen's arch_do_vcpu_op): Xen's answer, -ENOSYS for others. */
struct vcpu;
long arch_do_vcpu_op(uint32_t cmd, struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg);
/* XEN_DOMCTL_set/getvcpuaffinity on d (common/vcpu_affinity.c): 0 or -errno, as Xen's. */
struct xen_domctl_vcpuaffinity;
long vcpu_affinity_domctl(struct domain *d, uint32_t cmd, const struct xen_domctl_vcpuaffinity *a);

/* Older forms of newer hypercalls (pv/legacy_ops.c). */
long do_sched_op_compat(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_event_channel_op_compat(XEN_GUEST_HANDLE_PARAM(evtchn_op_t) op);
long do_physdev_op_compat(XEN_GUEST_HANDLE_PARAM(physdev_op_t) op);
long do_nmi_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);

/*
 * The host-wide control interface (common/sysctl.c); arch_do_physinfo
 * (arch/x86/sysctl.c) adds the CPUs, their feature words and the
 * architecture's capabilities to XEN_SYSCTL_physinfo; arch_nr_cpu_ids is
 * one more than the highest possible CPU id (Xen's nr_cpu_ids).
 */
struct xen_sysctl_physinfo;
long do_sysctl(XEN_GUEST_HANDLE_PARAM(xen_sysctl_t) arg);
void arch_do_physinfo(struct xen_sysctl_physinfo *pi);
unsigned int arch_nr_cpu_ids(void);

/* Interfaces Xenolith answers without serving them (yet): their checks are Xen's. */
long do_platform_op(XEN_GUEST_HANDLE_PARAM(xen_platform_op_t) arg);
long do_mca(XEN_GUEST_HANDLE_PARAM(xen_mc_t) arg);
long do_hvm_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_dm_op(uint64_t domid, uint64_t nr_bufs, XEN_GUEST_HANDLE_PARAM(xen_dm_op_buf_t) bufs);
long do_xenoprof_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_kexec_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_xenpmu_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_hypfs_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(char) path, uint64_t len,
                 XEN_GUEST_HANDLE_PARAM(void) buf, uint64_t buf_len);
long hc_absent(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/*
 * The envelope of sysctl/platform_op/mca-style calls: read the structure
 * `hnd` names into *ptr and check its 32-bit version at offset 4. Returns 0,
 * or -EFAULT (unreadable) / -EACCES (other version), in Xen's order; the
 * caller checks privilege after this, as Xen does. The handle's element
 * type must be *ptr's.
 */
#define hypercall_envelope(hnd, ptr, version) ({                            \
    const typeof(*(ptr)) *he_chk_ __attribute__((unused)) = (hnd).p;        \
    hypercall_envelope_bytes(guest_handle_cast(hnd, void), (ptr), sizeof(*(ptr)), (version)); \
})
long hypercall_envelope_bytes(XEN_GUEST_HANDLE_PARAM(void) arg, void *buf, size_t size,
                              uint32_t version);

#endif
