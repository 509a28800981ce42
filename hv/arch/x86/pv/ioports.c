/*
 * Port I/O for PV kernels. The guest runs in ring 3, so every IN/OUT faults
 * (#GP) and comes here. Permission, as on Xen: the virtual IOPL
 * (PHYSDEVOP_set_iopl; the guest kernel counts as ring 1) or the port's bit
 * clear in the guest's I/O bitmap (PHYSDEVOP_set_iobitmap); without it the
 * guest gets the #GP. With permission, a port of the domain's I/O space is
 * accessed for real; a port the hypervisor keeps for itself (console UART,
 * interrupt controllers, timers, CMOS, QEMU's exit and power ports) reads as
 * all ones and swallows writes, so Dom0 cannot disturb the machine's owner.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/io.h>
#include <hv/ioports.h>

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

/* May the vCPU touch [port, port+size) at all (IOPL or bitmap)? */
static bool io_permitted(struct vcpu *v, uint16_t port, unsigned int size)
{
    if (v->iopl >= (v->kernel_mode ? 1u : 3u))
        return true;
    if (!v->iobitmap_ports || port + size > v->iobitmap_ports)
        return false;
    for (unsigned int p = port; p < port + size; p++) {
        uint8_t byte;
        if (copy_from_guest(&byte, v->iobitmap + p / 8, 1) || (byte & (1u << (p % 8))))
            return false;
    }
    return true;
}

static uint32_t port_read(struct domain *d, uint16_t port, unsigned int size)
{
    if (!d->privileged || hv_owns(port, size))
        return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
    return size == 4 ? inl(port) : size == 2 ? inw(port) : inb(port);
}

static void port_write(struct domain *d, uint16_t port, unsigned int size, uint32_t val)
{
    if (!d->privileged || hv_owns(port, size))
        return;
    if (size == 4)
        outl(port, val);
    else if (size == 2)
        outw(port, (uint16_t)val);
    else
        outb(port, (uint8_t)val);
}

bool pv_emulate_io(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[3];
    unsigned int len = 0, size;
    bool opsize16 = false;
    uint16_t port;
    uint8_t op;

    if (copy_from_guest(insn, regs->rip, 1))
        return false;
    if (insn[0] == 0x66) {
        opsize16 = true;
        len = 1;
    }
    if (copy_from_guest(&insn[len], regs->rip + len, 2) && copy_from_guest(&insn[len], regs->rip + len, 1))
        return false;
    op = insn[len];
    switch (op) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:         /* in/out with an imm8 port */
        port = insn[len + 1];
        len += 2;
        break;
    case 0xec: case 0xed: case 0xee: case 0xef:         /* in/out with the port in %dx */
        port = (uint16_t)regs->rdx;
        len += 1;
        break;
    default:
        return false;
    }
    size = (op & 1) ? (opsize16 ? 2 : 4) : 1;
    if (!io_permitted(v, port, size))
        return false;                                   /* the guest gets its #GP */
    if (op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed) {
        uint32_t val = port_read(v->domain, port, size);
        if (size == 4)
            regs->rax = val;                            /* 32-bit results zero-extend */
        else if (size == 2)
            regs->rax = (regs->rax & ~0xffffUL) | val;
        else
            regs->rax = (regs->rax & ~0xffUL) | val;
    } else {
        port_write(v->domain, port, size, (uint32_t)regs->rax);
    }
    regs->rip += len;
    return true;
}

long physdev_set_iobitmap(struct vcpu *v, uint64_t bitmap, uint32_t nr_ports)
{
    if (nr_ports > 65536)
        return -XEN_EINVAL;
    if (nr_ports && !guest_range_ok(bitmap, (nr_ports + 7) / 8))
        return -XEN_EFAULT;
    v->iobitmap = bitmap;
    v->iobitmap_ports = nr_ports;
    return 0;
}
