/*
 * The I/O APIC, just enough to route legacy ISA interrupts (the UART) to the
 * boot CPU: the default PC address 0xfec00000, ISA IRQ n on pin n (QEMU only
 * overrides IRQ 0), edge triggered, active high.
 */
#include <hv/io.h>
#include <hv/ioapic.h>
#include <hv/mm.h>

#define IOAPIC_BASE 0xfec00000UL

static void ioapic_write(unsigned int reg, uint32_t val)
{
    volatile uint32_t *base = maddr_to_virt(IOAPIC_BASE);
    base[0] = reg;
    base[4] = val;
}

uint32_t ioapic_read(unsigned int reg)
{
    volatile uint32_t *base = maddr_to_virt(IOAPIC_BASE);
    base[0] = reg & 0xff;
    return base[4];
}

void ioapic_route_isa_irq(unsigned int irq, unsigned int vector)
{
    ioapic_write(0x10 + 2 * irq + 1, 0);             /* destination: APIC ID 0 */
    ioapic_write(0x10 + 2 * irq, vector);            /* fixed, physical, edge, high, unmasked */
}
