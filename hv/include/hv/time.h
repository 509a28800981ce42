/*
 * Time: the TSC calibrated against the PIT gives system time in ns since boot
 * (Xen's "system time"); guests get the same scale in vcpu_time_info.
 */
#ifndef HV_TIME_H
#define HV_TIME_H
#include <stdint.h>

struct domain;
struct vcpu;

extern uint64_t tsc_khz;

void time_init(void);
uint64_t now_ns(void);
/* TSC value at which system time reaches `ns`. */
uint64_t ns_to_tsc(uint64_t ns);
/* Seconds since the epoch at system time 0, from the CMOS clock. */
uint64_t boot_wallclock_sec(void);

/* Publish the time scale in a vCPU's vcpu_info and the domain's wallclock. */
void time_update_vcpu(struct vcpu *v);
void time_update_wallclock(struct domain *d);
/* platform_op settime: the wallclock was secs.nsecs at system time system_time. */
void time_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time);

/*
 * A vCPU's timers (common/vcpu_timer.c). vcpu_timers_init: 0, or -1 without
 * memory for their heap slots (none is left initialised); vcpu_timers_kill
 * undoes it. vcpu_set_singleshot arms (deadline in system-time ns) or stops
 * (0) the singleshot timer; a deadline already past fires at once, from the
 * timer softirq, as Xen does, rather than after a LAPIC round trip.
 * vcpu_set_periodic: VIRQ_TIMER every `period` ns while the vCPU runs (a
 * first one at once if a period went by since the last), or none (0).
 * vcpu_timers_running: v starts running on cpu: its timers move there, its
 * periodic timer runs again. vcpu_timers_not_running: it stopped running:
 * its periodic timer stops. Both under the scheduler's lock (timer after sched).
 */
int vcpu_timers_init(struct vcpu *v);
void vcpu_timers_kill(struct vcpu *v);
void vcpu_set_singleshot(struct vcpu *v, uint64_t deadline);
void vcpu_set_periodic(struct vcpu *v, uint64_t period);
void vcpu_timers_running(struct vcpu *v, unsigned int cpu);
void vcpu_timers_not_running(struct vcpu *v);

#endif
