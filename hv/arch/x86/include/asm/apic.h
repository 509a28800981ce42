/* Local APIC: x2APIC (MSRs) when the CPU has it, else xAPIC through the direct map. */
#ifndef HV_APIC_H
#define HV_APIC_H
#include <stdbool.h>
#include <stdint.h>

/* The boot CPU: the mode (x2APIC when there), the legacy PIC masked, the timer calibrated. */
void apic_init(void);
/* Each other CPU, once it runs in long mode (smpboot.c). */
void apic_init_secondary(void);
uint32_t apic_self_id(void);
bool apic_is_x2apic(void);
/*
 * Send an IPI: `icr` is the low half of the interrupt command (vector,
 * delivery mode, level), apic_id the destination (physical mode).
 */
void apic_send_ipi(uint32_t apic_id, uint32_t icr);
#define APIC_DM_FIXED       0x000
#define APIC_DM_INIT        0x500
#define APIC_DM_STARTUP     0x600
#define APIC_LEVEL_ASSERT   0x4000
#define APIC_LEVEL_TRIGGER  0x8000
void apic_eoi(void);
/* Fire VEC_TIMER once when the TSC reaches `tsc` (0 = stop the timer). */
void apic_timer_set_deadline(uint64_t tsc);

#endif
