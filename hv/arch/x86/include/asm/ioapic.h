/* The I/O APIC: legacy interrupt routing to the boot CPU. */
#ifndef HV_IOAPIC_H
#define HV_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

void ioapic_route_isa_irq(unsigned int irq, unsigned int vector);
/* Read register `reg` (the index register takes 8 bits). */
uint32_t ioapic_read(unsigned int reg);

/* Pin `pin` to `vector` (boot CPU, fixed) with that trigger and polarity, masked. */
void ioapic_program_pin(unsigned int pin, unsigned int vector, bool level, bool active_low);
void ioapic_mask_pin(unsigned int pin, bool masked);

#endif
