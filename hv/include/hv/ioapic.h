/* The I/O APIC: legacy interrupt routing to the boot CPU. */
#ifndef HV_IOAPIC_H
#define HV_IOAPIC_H

void ioapic_route_isa_irq(unsigned int irq, unsigned int vector);

#endif
