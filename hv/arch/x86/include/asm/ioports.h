/* Port I/O and the other privileged instructions of PV guests (arch/x86/pv/ioports.c, emulate.c). */
#ifndef HV_IOPORTS_H
#define HV_IOPORTS_H
#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>

struct vcpu;
struct cpu_regs;
struct privop_insn;

/* What the emulation of one decoded instruction came to. */
enum emul_result {
    EMUL_DONE,          /* done: the caller moves RIP past it */
    EMUL_AGAIN,         /* partly done (a REP stopped early): RIP stays, the guest re-executes */
    EMUL_GP,            /* refused: the guest gets #GP(0) */
    EMUL_UD,            /* the guest gets #UD */
    EMUL_INJECTED,      /* an exception (#PF) is already queued for the guest */
};

/*
 * Xen's iopl_ok(): the virtual IOPL against the guest's CPL, where the
 * kernel counts as ring 1 (ring 0 with VMASST_TYPE_architectural_iopl) and
 * user mode as ring 3. Decides CLI/STI, and port access before the bitmap.
 */
bool pv_iopl_ok(const struct vcpu *v);

/*
 * IN/OUT/INS/OUTS: permission (pv_iopl_ok, else the I/O bitmap), then the
 * access. *io_bp gets the DR6 bits of I/O breakpoints it hit (CR4.DE).
 */
enum emul_result pv_emulate_io(struct vcpu *v, struct cpu_regs *regs,
                               const struct privop_insn *p, unsigned int *io_bp);

/*
 * Does the domain reach the real port (rather than all ones / a dropped
 * write)? Its I/O capabilities hold the ports, and the hypervisor does not
 * keep them for itself.
 */
struct domain;
bool pv_io_direct(struct domain *d, uint16_t port, unsigned int size);

/* The domain's I/O port capabilities (iocaps.c): may it reach every port of [first, last]? */
bool ioports_access_permitted(struct domain *d, unsigned int first, unsigned int last);

/* PHYSDEVOP_set_iobitmap: the bitmap stays in guest memory, read at each access. */
long physdev_set_iobitmap(struct vcpu *v, XEN_GUEST_HANDLE(uint8_t) bitmap, uint32_t nr_ports);

#endif
