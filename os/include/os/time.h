/*
 * Time of the os/ library: pvclock system time and one-shot timers.
 */
#ifndef OS_TIME_H
#define OS_TIME_H

#include <stdint.h>

/* Nanoseconds of Xen system time now, from this vCPU's vcpu_time_info. */
uint64_t os_now_ns(void);

/* Wallclock at system time 0 from shared_info (seconds, nanoseconds). */
void os_wallclock(uint64_t *sec, uint32_t *nsec);

/*
 * Program the one-shot timer (VCPUOP_set_singleshot_timer) for the
 * absolute system time deadline; returns 0 or Xen's errno.
 */
long os_timer_set(uint64_t deadline_ns);

/* Sleep until deadline (blocking between timer events); 0 or errno. */
long os_sleep_until(uint64_t deadline_ns);

/* Timer events seen since boot (VIRQ_TIMER deliveries). */
extern volatile unsigned long os_timer_ticks;

static inline uint64_t os_rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif /* OS_TIME_H */
