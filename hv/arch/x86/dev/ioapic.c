/*
 * The I/O APIC, just enough to route legacy ISA interrupts (the UART) to the
 * boot CPU: the default PC address 0xfec00000, ISA IRQ n on pin n (QEMU only
 * overrides IRQ 0), edge triggered, active high.
 */
#include <asm/io.h>
#include <asm/ioapic.h>
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

#define RTE_MASKED     (1u << 16)
#define RTE_LEVEL      (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

/* Pin `pin` to `vector` on the boot CPU with the given mode, left masked. */
void ioapic_program_pin(unsigned int pin, unsigned int vector, bool level, bool active_low)
{
    uint32_t lo = vector | RTE_MASKED | (level ? RTE_LEVEL : 0) | (active_low ? RTE_ACTIVE_LOW : 0);

    ioapic_write(0x10 + 2 * pin, RTE_MASKED);
    ioapic_write(0x10 + 2 * pin + 1, 0);
    ioapic_write(0x10 + 2 * pin, lo);
}

void ioapic_mask_pin(unsigned int pin, bool masked)
{
    uint32_t lo = ioapic_read(0x10 + 2 * pin);

    ioapic_write(0x10 + 2 * pin, masked ? lo | RTE_MASKED : lo & ~RTE_MASKED);
}
