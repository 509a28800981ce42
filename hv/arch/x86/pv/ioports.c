/*
 * Port I/O for PV kernels. The guest runs in ring 3, so every IN/OUT/INS/OUTS
 * faults (#GP) and comes here decoded (emulate.c). Permission, as Xen 4.17's
 * guest_io_okay(): the virtual IOPL (PHYSDEVOP_set_iopl, or with
 * VMASST_TYPE_architectural_iopl the IOPL of the last iret frame) against the
 * guest's CPL — the kernel counts as ring 1, or ring 0 with that assist —
 * else the port's bits clear in the guest's I/O bitmap
 * (PHYSDEVOP_set_iobitmap), read through the kernel's page tables; without
 * either the guest gets #GP(0). With permission, a port of the domain's I/O
 * capabilities (Xen's admin_io_okay: the hardware domain's from boot, any
 * domain's from XEN_DOMCTL_ioport_permission, iocaps.c) is accessed for
 * real, any other reads as all ones and ignores writes; a port the hypervisor keeps for itself
 * (console UART, interrupt controllers, timers, QEMU's exit and power ports)
 * reads as all ones and swallows writes, byte by byte; the CMOS pair
 * 0x70/0x71 works as on Xen (a latched index per domain, the real register
 * for a domain with both ports in its capabilities).
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <asm/io.h>
#include <asm/ioports.h>
#include <asm/privop_decode.h>
#include <asm/traps.h>

/* At most this many REP iterations per #GP: the guest re-executes for the rest. */
#define REP_BATCH 1024u

struct port_range { uint16_t first, last; };

static const struct port_range hv_ports[] = {
    { 0x20, 0x21 }, { 0xa0, 0xa1 },      /* PICs (masked: the local APIC delivers) */
    { 0x40, 0x43 }, { 0x61, 0x61 },      /* PIT and its gate (TSC calibration) */
    { 0x70, 0x71 },                      /* CMOS / RTC (wallclock) */
    { 0xf4, 0xf4 },                      /* QEMU isa-debug-exit: the run's outcome */
    { 0x3f8, 0x3ff },                    /* COM1: the hypervisor console */
    { 0x604, 0x604 }, { 0xb004, 0xb004 },/* QEMU ACPI PM1a: power-off */
};

static bool hv_owns(uint16_t port, unsigned int size)
{
    for (unsigned int i = 0; i < sizeof(hv_ports) / sizeof(hv_ports[0]); i++)
        if (port <= hv_ports[i].last && port + size - 1 >= hv_ports[i].first)
            return true;
    return false;
}

bool pv_io_direct(struct domain *d, uint16_t port, unsigned int size)
{
    return !hv_owns(port, size) && ioports_access_permitted(d, port, port + size - 1);
}

bool pv_iopl_ok(const struct vcpu *v)
{
    unsigned int cpl = !v->arch.kernel_mode ? 3 :
                       (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl)) ? 0 : 1;

    return cpl <= v->arch.iopl;
}

/* The bitmap's bits for [port, port+size), read with the kernel's root; unreadable = set. */
static bool bitmap_allows(struct vcpu *v, unsigned int port, unsigned int size)
{
    uint8_t bytes[2] = { 0xff, 0xff };
    bool user = !v->arch.kernel_mode;

    if (!v->arch.iobitmap_ports || port + size > v->arch.iobitmap_ports)
        return false;
    if (user) {                                 /* the bitmap is a kernel address */
        v->arch.kernel_mode = true;
        vcpu_load_cr3(v);
    }
    if (copy_from_guest_offset(&bytes[0], v->arch.iobitmap, port / 8, 1) == 0)
        (void)copy_from_guest_offset(&bytes[1], v->arch.iobitmap, port / 8 + 1, 1);
    if (user) {
        v->arch.kernel_mode = false;
        vcpu_load_cr3(v);
    }
    uint16_t mask = (uint16_t)(bytes[0] | bytes[1] << 8);
    return (mask & (((1u << size) - 1) << (port & 7))) == 0;
}

static bool io_permitted(struct vcpu *v, unsigned int port, unsigned int size)
{
    return pv_iopl_ok(v) || bitmap_allows(v, port, size);
}

/*
 * One byte the domain may not reach directly. The CMOS/RTC pair is Xen's:
 * every PV domain has its own latched index at 0x70; a domain with both
 * ports in its capabilities reads and writes the real register it names at
 * 0x71 (NMI mask kept).
 */
static uint8_t byte_read(struct domain *d, uint16_t port)
{
    if (port == 0x70)
        return d->arch.cmos_idx;
    if (port == 0x71 && ioports_access_permitted(d, 0x70, 0x71)) {
        outb(0x70, d->arch.cmos_idx & 0x7f);
        return inb(0x71);
    }
    return pv_io_direct(d, port, 1) ? inb(port) : 0xff;
}

static void byte_write(struct domain *d, uint16_t port, uint8_t val)
{
    if (port == 0x70) {
        d->arch.cmos_idx = val;
    } else if (port == 0x71 && ioports_access_permitted(d, 0x70, 0x71)) {
        outb(0x70, d->arch.cmos_idx & 0x7f);
        outb(0x71, val);
    } else if (pv_io_direct(d, port, 1)) {
        outb(port, val);
    }
}

static uint32_t port_read(struct domain *d, uint16_t port, unsigned int size)
{
    uint32_t val = 0;

    if (pv_io_direct(d, port, size))
        return size == 4 ? inl(port) : size == 2 ? inw(port) : inb(port);
    for (unsigned int i = 0; i < size; i++)
        val |= (uint32_t)byte_read(d, (uint16_t)(port + i)) << (8 * i);
    return val;
}

static void port_write(struct domain *d, uint16_t port, unsigned int size, uint32_t val)
{
    if (!pv_io_direct(d, port, size)) {
        for (unsigned int i = 0; i < size; i++)
            byte_write(d, (uint16_t)(port + i), (uint8_t)(val >> (8 * i)));
    } else if (size == 4) {
        outl(port, val);
    } else if (size == 2) {
        outw(port, (uint16_t)val);
    } else {
        outb(port, (uint8_t)val);
    }
}

/* The guest's page fault for a string access at [addr, addr+size) that failed. */
static enum emul_result string_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t addr,
                                     unsigned int size, bool write, const void *data)
{
    uint64_t at = addr;
    uint8_t byte;

    /* The first byte that cannot be accessed is the fault address. */
    for (unsigned int i = 0; i < size; i++, at++) {
        if (write ? raw_copy_to_guest(at, (const uint8_t *)data + i, 1) : raw_copy_from_guest(&byte, at, 1))
            break;
    }
    pv_inject_page_fault(v, regs, at, write ? 2 : 0);
    return EMUL_INJECTED;
}

static uint64_t seg_base(enum privop_seg seg)
{
    if (seg == PRIVOP_FS)
        return rdmsr(MSR_FS_BASE);
    if (seg == PRIVOP_GS)
        return rdmsr(MSR_GS_BASE);
    return 0;                                   /* flat in 64-bit mode */
}

/* INS/OUTS, with or without REP: at most REP_BATCH iterations now. */
static enum emul_result string_io(struct vcpu *v, struct cpu_regs *regs,
                                  const struct privop_insn *p, uint16_t port, unsigned int *io_bp)
{
    bool ins = p->kind == PRIVOP_INS;
    uint64_t amask = p->addr_size == 4 ? 0xffffffffUL : ~0UL;
    uint64_t *index = ins ? &regs->rdi : &regs->rsi;
    uint64_t base = ins ? 0 : seg_base(p->seg);
    int64_t step = (regs->rflags & X86_EFLAGS_DF) ? -(int64_t)p->io_size : (int64_t)p->io_size;
    uint64_t count = p->rep ? (regs->rcx & amask) : 1;
    /* Single-stepping (TF), each iteration ends in its own #DB, as natively. */
    unsigned int batch = (regs->rflags & X86_EFLAGS_TF) ? 1 : REP_BATCH;

    for (unsigned int n = 0; count; n++) {
        uint64_t addr = base + (*index & amask);
        uint32_t data = 0;

        if (n == batch)
            return EMUL_AGAIN;
        if (!guest_range_ok(addr, p->io_size))
            return EMUL_GP;
        if (ins) {
            data = port_read(v->domain, port, p->io_size);
            if (raw_copy_to_guest(addr, &data, p->io_size))
                return string_fault(v, regs, addr, p->io_size, true, &data);
        } else {
            if (raw_copy_from_guest(&data, addr, p->io_size))
                return string_fault(v, regs, addr, p->io_size, false, NULL);
            port_write(v->domain, port, p->io_size, data);
        }
        *index = (*index + step) & amask;       /* 32-bit address registers zero-extend */
        count--;
        if (p->rep)
            regs->rcx = p->addr_size == 4 ? (uint32_t)count : count;
        if ((*io_bp = debugreg_io_match(v, port, p->io_size)) != 0 && count)
            return EMUL_AGAIN;                  /* the #DB comes now, the rest after it */
    }
    return EMUL_DONE;
}

enum emul_result pv_emulate_io(struct vcpu *v, struct cpu_regs *regs,
                               const struct privop_insn *p, unsigned int *io_bp)
{
    uint16_t port = p->port_imm ? p->port : (uint16_t)regs->rdx;
    unsigned int size = p->io_size;

    *io_bp = 0;
    if (!io_permitted(v, port, size))
        return EMUL_GP;
    if (p->kind == PRIVOP_INS || p->kind == PRIVOP_OUTS)
        return string_io(v, regs, p, port, io_bp);
    if (p->kind == PRIVOP_IN) {
        uint32_t val = port_read(v->domain, port, size);
        if (size == 4)
            regs->rax = val;                    /* 32-bit results zero-extend */
        else if (size == 2)
            regs->rax = (regs->rax & ~0xffffUL) | val;
        else
            regs->rax = (regs->rax & ~0xffUL) | val;
    } else {
        port_write(v->domain, port, size, (uint32_t)regs->rax);
    }
    *io_bp = debugreg_io_match(v, port, size);
    return EMUL_DONE;
}

long physdev_set_iobitmap(struct vcpu *v, XEN_GUEST_HANDLE(uint8_t) bitmap, uint32_t nr_ports)
{
    if (nr_ports > 65536)
        return -XEN_EINVAL;
    if (nr_ports && !guest_handle_okay(bitmap, (nr_ports + 7) / 8))
        return -XEN_EFAULT;
    v->arch.iobitmap = bitmap;
    v->arch.iobitmap_ports = nr_ports;
    return 0;
}
