/*
 * pvclock system time, wallclock and the one-shot timer.
 */
#include <os/events.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <os/time.h>
#include <xen/vcpu.h>

/* Scale a TSC delta to ns: shift, then multiply by a 32.32 factor. */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/*
 * Read vcpu_time_info under its version seqcount (odd = being written)
 * and extrapolate with the TSC.
 */
uint64_t os_now_ns(void)
{
    const volatile struct vcpu_time_info *t = &os_vcpu_info->time;
    uint32_t version, mul;
    uint64_t stamp, sys, tsc;
    int8_t shift;

    do {
        version = t->version;
        os_barrier();
        stamp = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = os_rdtsc();
        os_barrier();
    } while ((version & 1) || version != t->version);

    return sys + scale_delta(tsc - stamp, mul, shift);
}

/* Wallclock of system time 0 from shared_info, under wc_version. */
void os_wallclock(uint64_t *sec, uint32_t *nsec)
{
    const volatile shared_info_t *s = os_shared_info;
    uint32_t version;

    do {
        version = s->wc_version;
        os_barrier();
        *sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
        *nsec = s->wc_nsec;
        os_barrier();
    } while ((version & 1) || version != s->wc_version);
}

/* One-shot VIRQ_TIMER at deadline_ns (system time); 0 or Xen's errno. */
long os_timer_set(uint64_t deadline_ns)
{
    struct vcpu_set_singleshot_timer t = {
        .timeout_abs_ns = deadline_ns,
        .flags = 0,
    };

    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/*
 * Block until system time reaches deadline_ns.  The timer may fire early
 * or spuriously, so re-check the clock after every wake-up.
 */
long os_sleep_until(uint64_t deadline_ns)
{
    long rc;

    os_irq_disable();
    while (os_now_ns() < deadline_ns) {
        rc = os_timer_set(deadline_ns);
        if (rc) {
            os_irq_enable();
            return rc;
        }
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
    return 0;
}
