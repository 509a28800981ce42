/*
 * IO: port I/O from the PV kernel (ring 3 in hardware, so every IN/OUT
 * faults and the hypervisor decides). Access needs the virtual IOPL
 * (PHYSDEVOP_set_iopl) or the port's bit clear in an I/O bitmap given with
 * PHYSDEVOP_set_iobitmap; without either the guest gets #GP(0).
 */
#include <xen/physdev.h>
#include <os/traps.h>
#include "test.h"

#define PORT 0x80                       /* POST diagnostic port: harmless to touch */

static uint8_t iobitmap[0x90 / 8];      /* covers ports 0..0x8f */

static uint64_t try_inb(uint16_t port)
{
    uint64_t ex = 0;
    asm volatile ("1: inb %w1, %%al\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex) : "Nd" (port) : "memory");
    return ex;
}

static uint64_t try_outb_imm(void)
{
    uint64_t ex = 0;
    asm volatile ("1: outb %%al, $0x80\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (ex) :: "memory");
    return ex;
}

static long set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl s = { .iopl = iopl };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
}

static long set_bitmap(uint8_t *map, uint32_t nr_ports)
{
    struct physdev_set_iobitmap s = { .nr_ports = nr_ports };
    xen_set_guest_handle(s.bitmap, map);
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &s);
}

void suite_ioports(void)
{
    uint64_t ex;

    os_printf("selftest: port I/O\n");
    t_rc("IO0001", "set_iopl(0) returns 0", set_iopl(0), 0);
    ex = try_inb(PORT);
    t_check("IO0002", "without IOPL or a bitmap, inb raises #GP(0)",
            OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == 0, "(exinfo=%#lx)", (unsigned long)ex);
    t_rc("IO0003", "set_iopl(4) gives -EINVAL", set_iopl(4), -XEN_EINVAL);
    for (unsigned int i = 0; i < sizeof(iobitmap); i++)
        iobitmap[i] = 0xff;
    iobitmap[PORT / 8] &= (uint8_t)~(1u << (PORT % 8));
    t_rc("IO0004", "set_iobitmap allowing only port 0x80 returns 0", set_bitmap(iobitmap, 0x90), 0);
    ex = try_inb(PORT);
    t_check("IO0005", "with its bitmap bit clear, inb from port 0x80 works", ex == 0 ||
            !(ex >> 63), "(exinfo=%#lx)", (unsigned long)ex);
    ex = try_outb_imm();
    t_check("IO0006", "out to an immediate port 0x80 works too", ex == 0 || !(ex >> 63),
            "(exinfo=%#lx)", (unsigned long)ex);
    ex = try_inb(0x81);
    t_check("IO0007", "a port whose bit is set raises #GP(0)",
            OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == 0, "(exinfo=%#lx)", (unsigned long)ex);
    t_rc("IO0008", "set_iobitmap with nr_ports 0 removes it", set_bitmap(NULL, 0), 0);
    ex = try_inb(PORT);
    t_check("IO0009", "without the bitmap port 0x80 faults again",
            OS_EXINFO_VEC(ex) == 13, "(exinfo=%#lx)", (unsigned long)ex);
    t_rc("IO0010", "set_iopl(1) returns 0", set_iopl(1), 0);
    ex = try_inb(PORT);
    t_check("IO0011", "with IOPL 1 the kernel may use ports", ex == 0 || !(ex >> 63),
            "(exinfo=%#lx)", (unsigned long)ex);
    set_iopl(0);
}
