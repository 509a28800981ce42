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

/* vCPU timers (singleshot, periodic, poll timeouts): fire what is due, re-arm. */
void timers_run(void);
void timers_reprogram(void);
/*
 * Arm (deadline in system-time ns) or stop (0) v's singleshot timer. A
 * deadline already past fires at once: the timer softirq is raised here, as
 * Xen does, rather than waiting for a LAPIC interrupt that may come late.
 */
void vcpu_set_singleshot(struct vcpu *v, uint64_t deadline);

#endif
