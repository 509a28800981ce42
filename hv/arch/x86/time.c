/*
 * TSC calibration (PIT channel 2, 10 ms), system time and the pvclock scale.
 * Scale: ns = ((tsc_delta shifted by tsc_shift) * tsc_to_system_mul) >> 32,
 * with the multiplier normalised into [2^31, 2^32) as the pvclock ABI expects.
 */
#include <xen/xen.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <asm/io.h>
#include <asm/pv.h>
#include <hv/time.h>

uint64_t tsc_khz;
static uint64_t tsc_at_boot;
static uint32_t scale_mul;
static int8_t scale_shift;
static uint64_t wallclock_at_boot;
static uint32_t wallclock_at_boot_nsec;

#define PIT_HZ 1193182

static uint64_t calibrate_tsc_khz(void)
{
    const uint16_t count = PIT_HZ / 100;        /* 10 ms */
    uint64_t t0, t1;

    outb(0x61, (inb(0x61) & ~0x02) | 0x01);     /* gate on, speaker off */
    outb(0x43, 0xb0);                           /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    t0 = rdtsc();
    while (!(inb(0x61) & 0x20))
        cpu_relax();
    t1 = rdtsc();
    return (t1 - t0) / 10;
}

static void compute_scale(uint64_t hz)
{
    int shift = 0;
    uint64_t t = hz;

    while (t > 2000000000ULL) {
        t >>= 1;
        shift--;
    }
    while (t <= 1000000000ULL) {
        t <<= 1;
        shift++;
    }
    scale_mul = (uint32_t)((1000000000ULL << 32) / t);
    scale_shift = (int8_t)shift;
}

static uint64_t scale_delta(uint64_t delta)
{
    if (scale_shift < 0)
        delta >>= -scale_shift;
    else
        delta <<= scale_shift;
    return (uint64_t)(((unsigned __int128)delta * scale_mul) >> 32);
}

uint64_t now_ns(void)
{
    return scale_delta(rdtsc() - tsc_at_boot);
}

uint64_t ns_to_tsc(uint64_t ns)
{
    return tsc_at_boot + ns / 1000000ULL * tsc_khz + ns % 1000000ULL * tsc_khz / 1000000ULL;
}

static unsigned int cmos(unsigned int reg)
{
    outb(0x70, (uint8_t)reg);
    return inb(0x71);
}

static unsigned int bcd(unsigned int v, int is_bcd)
{
    return is_bcd ? (v & 0xf) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
    y -= m <= 2;
    unsigned int era = y / 400, yoe = y - era * 400;
    unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

static uint64_t read_rtc(void)
{
    while (cmos(0x0a) & 0x80)
        cpu_relax();
    int is_bcd = !(cmos(0x0b) & 0x04);
    unsigned int s = bcd(cmos(0x00), is_bcd), mi = bcd(cmos(0x02), is_bcd);
    unsigned int h = bcd(cmos(0x04) & 0x7f, is_bcd), d = bcd(cmos(0x07), is_bcd);
    unsigned int mo = bcd(cmos(0x08), is_bcd), y = bcd(cmos(0x09), is_bcd) + 2000;
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

void time_init(void)
{
    tsc_khz = calibrate_tsc_khz();
    tsc_at_boot = rdtsc();
    compute_scale(tsc_khz * 1000);
    wallclock_at_boot = read_rtc();
    log_info("time: TSC %lu.%03lu MHz, wallclock %lu s since the epoch",
             tsc_khz / 1000, tsc_khz % 1000, wallclock_at_boot);
}

uint64_t boot_wallclock_sec(void)
{
    return wallclock_at_boot;
}

void time_update_vcpu(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->vcpu_info->time;
    uint64_t tsc = rdtsc();

    t->version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = scale_delta(tsc - tsc_at_boot);
    t->tsc_to_system_mul = scale_mul;
    t->tsc_shift = scale_shift;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
    pv_time_area_update(v, t);
}

/*
 * platform_op settime: the wallclock was secs.nsecs when system time was
 * system_time, so system time 0 was that minus system_time. Every domain's
 * shared_info follows, as on Xen.
 */
void time_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t system_time)
{
    uint64_t ns = secs * 1000000000ULL + nsecs - system_time;
    struct domain *d;

    wallclock_at_boot = ns / 1000000000ULL;
    wallclock_at_boot_nsec = (uint32_t)(ns % 1000000000ULL);
    for_each_domain(d)
        time_update_wallclock(d);
}

void time_update_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;

    s->wc_version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_sec = (uint32_t)wallclock_at_boot;
    s->wc_sec_hi = (uint32_t)(wallclock_at_boot >> 32);
    s->wc_nsec = wallclock_at_boot_nsec;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    s->wc_version++;
}
