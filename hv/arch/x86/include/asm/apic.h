/* Local APIC: x2APIC (MSRs) when the CPU has it, else xAPIC through the direct map. */
#ifndef HV_APIC_H
#define HV_APIC_H
#include <stdint.h>

void apic_init(void);
void apic_eoi(void);
/* Fire VEC_TIMER once when the TSC reaches `tsc` (0 = stop the timer). */
void apic_timer_set_deadline(uint64_t tsc);

#endif
