/*
 * crash: dies the way "mode=..." in its command line says, so the system
 * tests can check that the hypervisor contains a misbehaving Dom0 (crash
 * the domain, dump its registers, keep running) instead of going down
 * with it.  An unknown or missing mode is reported and ends in poweroff
 * with a "crash: ..." complaint, which the tests treat as a failure.
 */
#include <os/console.h>
#include <os/os.h>
#include <xl/string.h>
#include "crash.h"

/* Fuzzer defaults: "a few thousand" calls, a fixed seed for reproducibility. */
#define GARBAGE_DEFAULT_SEED  0x5eed0f0cafef00dul
#define GARBAGE_DEFAULT_COUNT 4000

static void run_garbage(void)
{
    char buf[32];
    uint64_t seed = GARBAGE_DEFAULT_SEED;
    unsigned long count = GARBAGE_DEFAULT_COUNT;
    int trace = 0;

    if (crash_cmdline_get("seed", buf, sizeof(buf)))
        seed = crash_parse_u64(buf, seed);
    if (crash_cmdline_get("count", buf, sizeof(buf)))
        count = (unsigned long)crash_parse_u64(buf, count);
    if (crash_cmdline_get("trace", buf, sizeof(buf)))
        trace = crash_parse_u64(buf, 0) != 0;
    crash_hypercall_garbage(seed, count, trace);
}

void os_main(void)
{
    char mode[32];

    if (!crash_cmdline_get("mode", mode, sizeof(mode))) {
        os_printf("crash: no mode= in the command line\n");
        return;
    }
    os_printf("crash: mode=%s\n", mode);
    if (!strcmp(mode, "wild-jump"))
        crash_wild_jump();
    if (!strcmp(mode, "bad-stack"))
        crash_bad_stack();
    if (!strcmp(mode, "bad-iret"))
        crash_bad_iret();
    if (!strcmp(mode, "hypercall-garbage"))
        run_garbage();
    if (!strcmp(mode, "hypercall-one"))
        crash_hypercall_one();
    if (!strcmp(mode, "failsafe"))
        crash_failsafe();
    if (!strcmp(mode, "unpriv"))
        crash_unpriv();
    if (!strcmp(mode, "reboot"))
        crash_reboot();
    if (!strcmp(mode, "echo"))
        crash_echo();
    if (!strcmp(mode, "destroy")) {
        char buf[16];
        crash_destroy(crash_cmdline_get("role", buf, sizeof(buf)) && !strcmp(buf, "dom0"));
    }
    if (!strcmp(mode, "fpu-spin")) {
        char buf[32];
        uint64_t seed = crash_cmdline_get("seed", buf, sizeof(buf)) ? crash_parse_u64(buf, 1) : 1;
        uint64_t ms = crash_cmdline_get("ms", buf, sizeof(buf)) ? crash_parse_u64(buf, 100) : 100;
        int dom0 = crash_cmdline_get("role", buf, sizeof(buf)) && !strcmp(buf, "dom0");
        int yield_wait = crash_cmdline_get("wait", buf, sizeof(buf)) && !strcmp(buf, "yield");
        crash_fpu_spin(seed, ms, dom0, yield_wait);
    }
    if (!strcmp(mode, "wake")) {
        char buf[32];
        int dom0 = crash_cmdline_get("role", buf, sizeof(buf)) && !strcmp(buf, "dom0");
        unsigned long n = crash_cmdline_get("n", buf, sizeof(buf)) ? crash_parse_u64(buf, 50) : 50;
        unsigned long m = crash_cmdline_get("samples", buf, sizeof(buf)) ? crash_parse_u64(buf, 101) : 101;
        long ratelimit_us = crash_cmdline_get("ratelimit", buf, sizeof(buf)) ?
                            (long)crash_parse_u64(buf, 1000) : -1;
        crash_wake(dom0, n, m, ratelimit_us);
    }
    if (!strcmp(mode, "credit"))
        crash_credit();
    if (!strcmp(mode, "hog"))
        crash_hog();
    os_printf("crash: unknown mode %s\n", mode);
}
