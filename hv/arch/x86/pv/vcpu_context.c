/*
 * A PV vCPU's whole state as the control interface sets and reads it
 * (XEN_DOMCTL_setvcpucontext / getvcpucontext; Xen: arch_set_info_guest and
 * arch_get_info_guest). The rules are Xen 4.17's for a 64-bit PV guest:
 * every address the vCPU will jump to or load must be canonical, the LDT
 * page aligned and outside the hypervisor's slots, the GDT at most 14
 * frames of descriptor pages, vm_assist only known bits; code and stack
 * selectors get the guest kernel's RPL (3) instead of being refused. The
 * first set also takes the kernel (and user) root: a frame of the domain
 * that validates as an L4. A vCPU already set keeps its roots, GDT and LDT.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <asm/guest_range.h>
#include <asm/ctrlreg.h>
#include <asm/descriptors.h>
#include <asm/fpu.h>
#include <asm/io.h>
#include <hv/domain.h>
#include <hv/sched.h>
#include <xl/string.h>
#include <hv/mm.h>
#include <asm/pt_types.h>
#include <asm/pv_mmu.h>

#define VM_ASSIST_VALID ((1UL << VMASST_TYPE_4gb_segments) |                 \
                         (1UL << VMASST_TYPE_4gb_segments_notify) |          \
                         (1UL << VMASST_TYPE_writable_pagetables) |          \
                         (1UL << VMASST_TYPE_pae_extended_cr3) |             \
                         (1UL << VMASST_TYPE_architectural_iopl) |           \
                         (1UL << VMASST_TYPE_runstate_update_flag) |         \
                         (1UL << VMASST_TYPE_m2p_strict))
#define FCW_DEFAULT    0x037f
#define MXCSR_DEFAULT  0x1f80

/* A selector with an RPL below the guest kernel's gets the kernel's (3). */
static uint16_t kernel_rpl(uint16_t sel)
{
    return (sel & 3) == 3 ? sel : (uint16_t)(sel | 3);
}

/* Everything that can be refused, before anything changes (Xen's first checks). */
static long check_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct cpu_user_regs *r = &c->user_regs;

    if (!is_canonical(r->rip) || !is_canonical(r->rsp) || !is_canonical(c->kernel_sp) ||
        (c->ldt_ents && !is_canonical(c->ldt_base)) || !is_canonical(c->fs_base) ||
        !is_canonical(c->gs_base_kernel) || !is_canonical(c->gs_base_user) ||
        !is_canonical(c->event_callback_eip) || !is_canonical(c->syscall_callback_eip) ||
        !is_canonical(c->failsafe_callback_eip))
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < 256; i++)
        if (!is_canonical(c->trap_ctxt[i].address))
            return -XEN_EINVAL;
    if (!guest_addr_ok(c->ldt_base) || (c->ldt_base & (PAGE_SIZE - 1)) || c->ldt_ents > 8192)
        return -XEN_EINVAL;
    if (v->id == 0 && (c->vm_assist & ~VM_ASSIST_VALID))
        return -XEN_EINVAL;
    if ((c->gdt_ents + 511) / 512 > HV_GDT_GUEST_PAGES)
        return -XEN_EINVAL;
    if (!v->initialised) {
        /* Starting in user mode needs a user root. */
        if (!(c->flags & VGCF_in_kernel) && !c->ctrlreg[1])
            return -XEN_EINVAL;
        return 0;
    }
    /* Set again: the roots, GDT and LDT must be the ones it has. */
    if ((v->arch.guest_table << PAGE_SHIFT) != c->ctrlreg[3] ||
        (v->arch.guest_table_user << PAGE_SHIFT) != c->ctrlreg[1] ||
        (!v->arch.guest_table_user && !(c->flags & VGCF_in_kernel)) ||
        v->arch.gdt_entries != c->gdt_ents || v->arch.ldt_ents != c->ldt_ents ||
        (v->arch.ldt_ents && v->arch.ldt_base != c->ldt_base))
        return -XEN_EOPNOTSUPP;
    for (unsigned int i = 0; i < v->arch.gdt_nr_frames; i++)
        if (v->arch.gdt_frames[i] != c->gdt_frames[i])
            return -XEN_EOPNOTSUPP;
    return 0;
}

/* The FXSAVE image given (or Xen's defaults) as the vCPU's x87/SSE state. */
static void set_fpu(struct vcpu *v, const struct vcpu_guest_context *c)
{
    uint8_t *area = v->arch.fpu_area;

    memset(area, 0, 512 + 64);
    v->arch.fpu_initialised = (c->flags & VGCF_i387_valid) != 0;
    if (c->flags & VGCF_i387_valid) {
        memcpy(area, &c->fpu_ctxt, 512);
    } else {
        uint16_t fcw = FCW_DEFAULT;
        uint32_t mxcsr = MXCSR_DEFAULT;
        memcpy(area, &fcw, sizeof(fcw));
        memcpy(area + 24, &mxcsr, sizeof(mxcsr));
    }
    if (fpu_uses_xsave()) {
        uint64_t xstate_bv = 3;                 /* x87 and SSE come from the image */
        memcpy(area + 512, &xstate_bv, sizeof(xstate_bv));
    }
}

/*
 * The first set: vm_assist, GDT, then the kernel root (an L4 of the domain
 * that validates; -EINVAL) and the user root if one is given. On a
 * failure nothing this step took is kept.
 */
static long set_roots(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct domain *d = v->domain;
    uint64_t kernel = c->ctrlreg[3] >> PAGE_SHIFT, user = c->ctrlreg[1] >> PAGE_SHIFT;
    long rc;

    rc = pv_set_gdt(v, c->gdt_frames, (unsigned int)c->gdt_ents);     /* takes d->page_lock */
    if (rc)
        return rc;
    spin_lock(&d->page_lock);                   /* the roots' page types */
    if (!mfn_valid(kernel) || mfn_to_page(kernel)->owner != d->id ||
        pv_set_root(v, false, kernel)) {
        gdt_release(v);
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    if (user && (!mfn_valid(user) || mfn_to_page(user)->owner != d->id ||
                 pv_set_root(v, true, user))) {
        pv_set_root(v, false, 0);
        gdt_release(v);
        spin_unlock(&d->page_lock);
        return -XEN_EINVAL;
    }
    spin_unlock(&d->page_lock);
    if (v->id == 0)
        d->vm_assist = c->vm_assist;
    return 0;
}

long arch_set_info_guest(struct vcpu *v, struct vcpu_guest_context *c)
{
    struct cpu_user_regs *r = &c->user_regs;
    long rc = check_context(v, c);

    if (rc)
        return rc;
    if (!v->initialised && (rc = set_roots(v, c)))
        return rc;

    /* The registers: Xen keeps IOPL virtual and real interrupts on. */
    memcpy(&v->regs, r, offsetof(struct cpu_regs, error_code));
    v->regs.error_code = 0;
    v->regs.entry_vector = 0;
    v->regs.rip = r->rip;
    v->regs.cs = kernel_rpl(r->cs);
    v->arch.iopl = (unsigned int)((r->rflags & X86_EFLAGS_IOPL) >> 12);
    v->regs.rflags = (r->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    v->regs.rsp = r->rsp;
    v->regs.ss = kernel_rpl(r->ss);
    v->arch.sel_ds = r->ds;
    v->arch.sel_es = r->es;
    v->arch.sel_fs = r->fs;
    v->arch.sel_gs = r->gs;
    v->arch.vgc_flags = c->flags;
    v->arch.kernel_mode = (c->flags & VGCF_in_kernel) != 0;
    set_fpu(v, c);

    for (unsigned int i = 0; i < 256; i++) {
        v->arch.traps[i] = c->trap_ctxt[i];
        v->arch.traps[i].cs = kernel_rpl(c->trap_ctxt[i].cs);
    }
    v->arch.kernel_ss = kernel_rpl((uint16_t)c->kernel_ss);
    v->arch.kernel_sp = c->kernel_sp;
    v->arch.event_cb = (struct callback){ c->event_callback_eip, false };
    v->arch.failsafe_cb = (struct callback){ c->failsafe_callback_eip,
                                             (c->flags & VGCF_failsafe_disables_events) != 0 };
    v->arch.syscall_cb = (struct callback){ c->syscall_callback_eip,
                                            (c->flags & VGCF_syscall_disables_events) != 0 };
    v->arch.fs_base = c->fs_base;
    v->arch.gs_base_kernel = c->gs_base_kernel;
    v->arch.gs_base_user = c->gs_base_user;

    /* Only CR0.TS is the guest's; CR4 as the guest could have written it. */
    v->arch.guest_ts = (c->ctrlreg[0] & X86_CR0_TS) != 0;
    v->arch.cr2 = c->ctrlreg[2];
    ctrlreg_set_cr4(v, c->ctrlreg[4]);
    /* Debug registers as set_debugreg takes them; a refused value is left at its default. */
    debugreg_init(v);
    memset(v->arch.debugreg, 0, 4 * sizeof(v->arch.debugreg[0]));
    for (unsigned int i = 0; i < 4; i++)
        debugreg_set(v, i, c->debugreg[i]);
    debugreg_set(v, 6, c->debugreg[6]);
    debugreg_set(v, 7, c->debugreg[7]);

    if (!v->initialised && c->ldt_ents)
        ldt_set(v, c->ldt_base, (unsigned int)c->ldt_ents);
    v->initialised = true;
    v->down = !(c->flags & VGCF_online);
    vcpu_sched_update(v);                       /* queued once its domain is unpaused */
    return 0;
}

void arch_get_info_guest(struct vcpu *v, struct vcpu_guest_context *c)
{
    struct cpu_user_regs *r = &c->user_regs;
    uint64_t cr0 = read_cr0();

    memset(c, 0, sizeof(*c));
    memcpy(&c->fpu_ctxt, v->arch.fpu_area, 512);
    c->flags = (v->arch.vgc_flags & ~(uint64_t)(VGCF_i387_valid | VGCF_in_kernel)) |
               (v->arch.fpu_initialised ? VGCF_i387_valid : 0) | (v->down ? 0 : VGCF_online) |
               (v->arch.kernel_mode ? VGCF_in_kernel : 0);
    memcpy(r, &v->regs, offsetof(struct cpu_regs, error_code));
    r->rip = v->regs.rip;
    r->cs = (uint16_t)v->regs.cs;
    r->rflags = v->regs.rflags | ((uint64_t)v->arch.iopl << 12);
    r->rsp = v->regs.rsp;
    r->ss = (uint16_t)v->regs.ss;
    r->ds = v->arch.sel_ds;
    r->es = v->arch.sel_es;
    r->fs = v->arch.sel_fs;
    r->gs = v->arch.sel_gs;
    memcpy(c->trap_ctxt, v->arch.traps, sizeof(c->trap_ctxt));
    c->ldt_base = v->arch.ldt_ents ? v->arch.ldt_base : 0;
    c->ldt_ents = v->arch.ldt_ents;
    for (unsigned int i = 0; i < v->arch.gdt_nr_frames; i++)
        c->gdt_frames[i] = v->arch.gdt_frames[i];
    c->gdt_ents = v->arch.gdt_entries;
    c->kernel_ss = v->arch.kernel_ss;
    c->kernel_sp = v->arch.kernel_sp;
    c->ctrlreg[0] = (cr0 & ~X86_CR0_TS) | (v->arch.guest_ts ? X86_CR0_TS : 0);
    c->ctrlreg[1] = v->arch.guest_table_user << PAGE_SHIFT;
    c->ctrlreg[2] = v->arch.cr2;
    c->ctrlreg[3] = v->arch.guest_table << PAGE_SHIFT;
    c->ctrlreg[4] = v->arch.cr4;
    for (unsigned int i = 0; i < 4; i++)
        c->debugreg[i] = v->arch.debugreg[i];
    c->debugreg[6] = v->arch.debugreg[6];
    c->debugreg[7] = v->arch.debugreg[7] | v->arch.dr7_emul;
    c->event_callback_eip = v->arch.event_cb.eip;
    c->failsafe_callback_eip = v->arch.failsafe_cb.eip;
    c->syscall_callback_eip = v->arch.syscall_cb.eip;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = v->arch.fs_base;
    c->gs_base_kernel = v->arch.gs_base_kernel;
    c->gs_base_user = v->arch.gs_base_user;
}
