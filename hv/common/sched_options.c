/*
 * The credit scheduler's boot options, Xen 4.17's names and rules:
 * sched_credit_tslice_ms (1-1000, default 30) and sched_ratelimit_us (0 or
 * 100-500000, default 1000, no longer than the slice). An out-of-range
 * value falls back as Xen's does, with Xen's warning lines
 * (credit_boot_params, host-tested in tests/unit/test_credit.c).
 */
#include <hv/console.h>
#include <hv/cmdline.h>
#include <hv/credit.h>
#include <hv/sched.h>

/* See sched.h. */
void sched_boot_params(struct credit_params *p)
{
    int32_t tslice_ms = (int32_t)(CREDIT_TSLICE_NS / 1000000ULL), ratelimit_us = CREDIT_RATELIMIT_US;
    unsigned int warn;

    cmdline_get_int32(hv_command_line, "sched_credit_tslice_ms", &tslice_ms);
    cmdline_get_int32(hv_command_line, "sched_ratelimit_us", &ratelimit_us);
    warn = credit_boot_params(tslice_ms, ratelimit_us, p);
    if (warn & CREDIT_BOOT_TSLICE_RANGE) {
        log_warn("WARNING: sched_credit_tslice_ms outside of valid range [%u,%u].",
                 CREDIT_TSLICE_MS_MIN, CREDIT_TSLICE_MS_MAX);
        log_warn(" Resetting to default %llu", CREDIT_TSLICE_NS / 1000000ULL);
    }
    if (warn & CREDIT_BOOT_RATELIMIT_SLICE) {
        log_warn("WARNING: sched_ratelimit_us >sched_credit_tslice_ms is undefined");
        log_warn("Setting ratelimit to tslice");
    }
    if (warn & CREDIT_BOOT_RATELIMIT_RANGE) {
        log_warn("WARNING: sched_ratelimit_us outside of valid range [%u,%u].",
                 CREDIT_RATELIMIT_US_MIN, CREDIT_RATELIMIT_US_MAX);
        log_warn(" Resetting to default %u", CREDIT_RATELIMIT_US);
    }
}
