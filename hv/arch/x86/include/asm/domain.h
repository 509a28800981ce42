/*
 * The x86 PV part of a domain and of a vCPU: embedded in struct domain and
 * struct vcpu (hv/domain.h) as d->arch and v->arch. Common code keeps the
 * state every architecture has (ids, events, grants, timers, runstate,
 * lifetime); what only a PV x86 guest has lives here: page-table roots and
 * paging mode, segments, trap table and callbacks, virtual control and
 * debug registers, FPU, I/O privilege, GDT/LDT frames, MSRs.
 *
 * This header includes no common header that includes it back.
 */
#ifndef ASM_X86_DOMAIN_H
#define ASM_X86_DOMAIN_H
#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/vcpu.h>
#include <hv/mm.h>
#include <asm/shadow.h>
#include <asm/pv_policy.h>
#include <asm/paging_mode.h>
#include <hv/rangeset.h>

struct callback {
    uint64_t eip;
    bool mask_events;                /* CALLBACKF_mask_events */
};

struct arch_vcpu {
    /* guest mode */
    bool kernel_mode;                /* guest kernel (true) or guest user */
    mfn_t guest_table;               /* kernel L4 */
    mfn_t guest_table_user;          /* user L4, or 0 */
    uint64_t kernel_ss, kernel_sp;   /* stack_switch */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint16_t sel_ds, sel_es, sel_fs, sel_gs;    /* data segment selectors while not running */
    struct trap_info traps[256];
    struct callback event_cb, failsafe_cb, syscall_cb, syscall32_cb, sysenter_cb;
    bool nmi_pending;                /* VCPUOP_send_nmi: one to deliver (pv/nmi.c) */
    bool nmi_masked;                 /* one was delivered: none until the guest's iret */
    bool nmi_drop_logged;            /* a dropped NMI was logged: no more lines (pv/nmi.c) */
    XEN_GUEST_HANDLE(vcpu_time_info_t) time_area;   /* VCPUOP_register_vcpu_time_memory_area */
    bool guest_ts;                   /* virtual CR0.TS (fpu_taskswitch) */
    uint64_t cr2;                    /* virtual CR2: last #PF address delivered, or written */
    uint64_t cr4;                    /* guest-visible CR4 (pv/ctrlreg.c) */
    void *fpu_area;                  /* XSAVE area while another vCPU runs */
    uint64_t xcr0;                   /* its XCR0 (XSETBV), loaded with its FPU state */
    bool fpu_initialised;            /* FPU state given (a context) or loaded by running: Xen's */
    unsigned int iopl;               /* virtual IOPL (PHYSDEVOP_set_iopl) */
    XEN_GUEST_HANDLE(uint8_t) iobitmap; /* PHYSDEVOP_set_iobitmap: the guest's bitmap, and ports covered */
    uint32_t iobitmap_ports;
    uint64_t debugreg[8];            /* set_debugreg; 4 and 5 unused */
    uint32_t dr7_emul;               /* DR7 enables of I/O breakpoints (kept out of the hardware) */
    mfn_t gdt_frames[14];            /* set_gdt */
    unsigned int gdt_nr_frames, gdt_entries;
    uint64_t ldt_base;               /* MMUEXT_SET_LDT */
    unsigned int ldt_ents, ldt_nr_frames;
    mfn_t ldt_frames[16];
    struct pv_msrs msrs;             /* pv/msr.c */
    uint64_t vgc_flags;              /* VGCF_* of the last context set (pv/vcpu_context.c) */
};

/* The one L1 a domain may have unhooked in batched writable-page-table mode. */
struct ptwr_batch {
    mfn_t l1;                        /* 0: none */
    mfn_t l2;                        /* the L2 it was hooked into, at l2_idx, as l2e */
    unsigned int l2_idx;
    uint64_t l2e;
    mfn_t map_l1;                    /* the guest mapping of it we made writable */
    unsigned int map_idx;
    mfn_t declined;                  /* last L1 found unsuitable (emulated without a scan) */
};

struct arch_domain {
    mfn_t first_mfn;                 /* the domain's RAM (contiguous at build) */
    uint64_t start_info_va;          /* where the builder put start_info */
    mfn_t pirq_eoi_mfn;              /* PHYSDEVOP_pirq_eoi_gmfn page (writable-typed), or 0 */
    struct pirq_table *pirqs;        /* its PIRQs (pv/pirq.c), from its first map_pirq; or NULL */
    uint8_t cmos_idx;                /* the CMOS index the domain last wrote to port 0x70 */
    const struct paging_mode *paging;   /* direct or shadow (asm/paging_mode.h) */
    struct shadow_state shadow;      /* shadow paging and log-dirty (mm/shadow.c) */
    uint64_t ptwr_emulations;        /* guest page-table stores completed for it */
    bool ptwr_batched;               /* writable page tables: batched (unhook) mode */
    struct ptwr_batch ptwr_batch;
    uint64_t ptwr_unhooks, ptwr_rehooks;
    struct rangeset ioport_caps;     /* the I/O ports it may reach (iocaps.c; d->caps_lock) */
};

struct vcpu;
struct cpu_regs;

/* Switch the CPU to this vCPU's guest page tables for its current mode. */
void vcpu_load_cr3(struct vcpu *v);
/*
 * Data segment state across vCPU switches (arch/x86/segments.c): save the
 * running vCPU's selectors and FS/GS bases; load them again (its GDT and LDT
 * must be loaded), false if a selector had to become null; and both at once
 * for the running vCPU, entering its failsafe callback through regs if a
 * selector no longer loads (Xen: load_segments).
 */
void segments_save(struct vcpu *v);
bool segments_load(const struct vcpu *v);
void segments_reload(struct vcpu *v, struct cpu_regs *regs);

/* Debug registers (arch/x86/pv/debugreg.c). */
void debugreg_init(struct vcpu *v);
void debugreg_load(const struct vcpu *v);
void debugreg_note_trap(struct vcpu *v);
/* set_debugreg's rules (also `mov %reg, %drN`): 0, -EPERM, -EINVAL or -ENODEV. */
long debugreg_set(struct vcpu *v, unsigned int reg, uint64_t value);
/* get_debugreg (also `mov %drN, %reg`): 0 and *value, or -ENODEV. */
long debugreg_get(struct vcpu *v, unsigned int reg, uint64_t *value);
/* I/O breakpoints (CR4.DE) that an access to [port, port+len) hits: DR6 B0-B3 bits. */
unsigned int debugreg_io_match(const struct vcpu *v, unsigned int port, unsigned int len);
/* Record such a hit in the guest's DR6 (the caller injects the #DB). */
void debugreg_io_hit(struct vcpu *v, unsigned int match);

/* Toggle guest kernel <-> user mode: page-table root and GS bases. */
void vcpu_toggle_mode(struct vcpu *v);

#endif
