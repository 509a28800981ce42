/*
 * TIME: pvclock in vcpu_time_info and the wallclock in shared_info.
 */
#include <os/time.h>
#include "test.h"

void suite_time(void)
{
    const volatile struct vcpu_time_info *t = &os_vcpu_info->time;
    uint64_t a, b, sec;
    uint32_t nsec;
    unsigned int i;
    int mono = 1;

    t_check("TIME0001", "vcpu_time_info has a non-zero multiplier and even version",
            t->tsc_to_system_mul != 0 && !(t->version & 1),
            "(mul=%#x shift=%d)", t->tsc_to_system_mul, t->tsc_shift);
    a = os_now_ns();
    for (i = 0; i < 1000; i++) {
        b = os_now_ns();
        if (b < a)
            mono = 0;
        a = b;
    }
    t_check("TIME0002", "system time never goes backwards over 1000 reads", mono, NULL);
    a = os_now_ns();
    os_sleep_until(a + 1000000);
    b = os_now_ns();
    t_check("TIME0003", "system time advances across a 1 ms sleep",
            b - a >= 1000000 && b - a < 1000000000ull, "(delta=%luns)",
            (unsigned long)(b - a));
    os_wallclock(&sec, &nsec);
    /* 2020-01-01: any real clock is later; nsec is a fraction of a second. */
    t_check("TIME0004", "wallclock is after 2020 with nsec < 10^9",
            sec >= 1577836800ull && nsec < 1000000000u, NULL);
}
