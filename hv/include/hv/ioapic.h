/* The I/O APIC: legacy interrupt routing to the boot CPU. */
#ifndef HV_IOAPIC_H
#define HV_IOAPIC_H

void ioapic_route_isa_irq(unsigned int irq, unsigned int vector);
/* Read register `reg` (the index register takes 8 bits). */
uint32_t ioapic_read(unsigned int reg);

#endif
