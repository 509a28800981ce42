/*
 * mode=hypercall-garbage: a smoke fuzzer of the hypercall entry.
 *
 * Thousands of hypercalls with random numbers (0..63) and arguments drawn
 * from a pool of hostile values: NULL, small integers, all-ones, random
 * 64-bit words, hypervisor addresses (0xffff8000'00000000 and up),
 * non-canonical addresses, the end of the canonical low half, an unmapped
 * guest address, and pointers into a scratch buffer of random words that
 * ends at an unmapped guard page.  The hypervisor may refuse anything but
 * must neither panic nor corrupt the guest; the run ends with
 * "crash: survived N hypercalls" and a clean poweroff.
 *
 * Calls that would legitimately end or freeze the run are not made as
 * drawn: iret (it consumes a frame from our stack), SCHEDOP_block and the
 * compat block/shutdown, VCPUOP_down of vCPU 0, and the sched_op
 * commands that stop or arm something against the domain (shutdown,
 * poll, remote_shutdown, shutdown_code, watchdog), which get an unreadable
 * pointer instead so that only their argument checks are exercised.
 * CONSOLEIO_write likewise only gets unreadable buffers (a readable one
 * would copy random bytes onto the console).  Events are masked throughout,
 * since the calls may point the event callback anywhere; the guest's own
 * traps, callbacks, debug registers and TS are reinstated at the end.
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <os/sched.h>
#include <os/traps.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include "crash.h"

#define NR_RANDOM_HYPERCALLS 64
#define SCRATCH_PAGES        2

/* Scratch pages, then one page we unmap so over-long reads fault. */
static uint64_t scratch[(SCRATCH_PAGES + 1) * OS_PAGE_SIZE / 8]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
#define SCRATCH_BYTES (SCRATCH_PAGES * OS_PAGE_SIZE)
#define GUARD_VA      ((unsigned long)scratch + SCRATCH_BYTES)

/*
 * The builder maps VA 0 up (VA == pseudo-physical), so a small integer is a
 * valid pointer to our own low memory, and a call walking an array from
 * there with a huge count (multicall writes a result into every entry) would
 * run into the image and overwrite it: our doing, not the hypervisor's.
 * Unmapping the low pages makes small-integer pointers fault at once.
 */
#define LOW_UNMAPPED_PAGES 16

/* One value that no guest can legitimately pass as a pointer to itself. */
static uint64_t unreadable(struct crash_prng *p)
{
    switch (crash_prng_below(p, 5)) {
    case 0:
        return 0;
    case 1:
        return 0xffff800000000000ul + (crash_prng_next(p) & 0xffffffffff8ul);
    case 2:
        return 0x0000800000000000ul | (crash_prng_next(p) & 0x7fffffffffffull);
    case 3:
        return GUARD_VA + (crash_prng_next(p) & 0xff8);
    default:
        return CRASH_UNMAPPED_VA;
    }
}

/* One argument from the hostile pool. */
static uint64_t random_arg(struct crash_prng *p)
{
    switch (crash_prng_below(p, 9)) {
    case 0:
        return 0;
    case 1:
        return crash_prng_below(p, 32);
    case 2:
        return ~0ul - crash_prng_below(p, 4);
    case 3:
        return crash_prng_next(p);
    case 4:
        /* Near the top of the canonical low half: a buffer that crosses it. */
        return 0x00007ffffffff000ul + crash_prng_below(p, 0x1000);
    case 5:
    case 6:
        return (uint64_t)scratch + crash_prng_below(p, SCRATCH_BYTES);
    default:
        return unreadable(p);
    }
}

/*
 * Adjust a drawn call so that it cannot end or freeze the run; returns 0
 * when the call must be skipped altogether.
 */
static int make_survivable(unsigned int nr, uint64_t a[5], struct crash_prng *p)
{
    int cmd = (int)a[0];

    switch (nr) {
    case __HYPERVISOR_iret:
        return 0;
    case __HYPERVISOR_sched_op_compat:
        return cmd != SCHEDOP_block && cmd != SCHEDOP_shutdown;
    case __HYPERVISOR_sched_op:
        if (cmd == SCHEDOP_block)
            return 0;
        if (cmd == SCHEDOP_shutdown || cmd == SCHEDOP_poll ||
            cmd == SCHEDOP_remote_shutdown || cmd == SCHEDOP_shutdown_code ||
            cmd == SCHEDOP_watchdog)
            a[1] = unreadable(p);
        return 1;
    case __HYPERVISOR_vcpu_op:
        return !(cmd == VCPUOP_down && (unsigned int)a[1] == 0);
    case __HYPERVISOR_console_io:
        if (cmd == CONSOLEIO_write)
            a[2] = unreadable(p);
        return 1;
    default:
        return 1;
    }
}

/* Put back what the calls may have scrambled that the guest relies on. */
static long restore_guest_state(void)
{
    long rc = os_traps_init();

    for (unsigned int dr = 0; dr < 8 && !rc; dr++)
        if (dr != 4 && dr != 5)
            rc = HYPERVISOR_set_debugreg(dr, dr == 6 ? 0xffff0ff0ul : dr == 7 ? 0x400 : 0);
    if (!rc)
        rc = HYPERVISOR_fpu_taskswitch(0);
    return rc;
}

void crash_hypercall_garbage(uint64_t seed, unsigned long count, int trace)
{
    struct crash_prng p;
    unsigned long issued = 0, skipped = 0, ok = 0;
    long rc;

    crash_prng_seed(&p, seed);
    for (unsigned long i = 0; i < OS_ARRAY_SIZE(scratch); i++)
        scratch[i] = crash_prng_next(&p);
    rc = HYPERVISOR_update_va_mapping(GUARD_VA, 0, UVMF_INVLPG);
    for (unsigned long pg = 0; pg < LOW_UNMAPPED_PAGES && !rc; pg++)
        rc = HYPERVISOR_update_va_mapping(pg * OS_PAGE_SIZE, 0, UVMF_INVLPG);
    if (rc) {
        os_printf("crash: cannot unmap the guard or low pages: %ld\n", rc);
        os_poweroff();
    }
    os_printf("crash: %lu random hypercalls, seed %#lx\n", count, (unsigned long)seed);
    os_irq_disable();
    for (unsigned long i = 0; i < count; i++) {
        unsigned int nr = (unsigned int)crash_prng_below(&p, NR_RANDOM_HYPERCALLS);
        uint64_t a[5];

        for (int k = 0; k < 5; k++)
            a[k] = random_arg(&p);
        if (!make_survivable(nr, a, &p)) {
            skipped++;
            continue;
        }
        if (trace)
            os_printf("crash: #%lu hypercall %u(%#lx, %#lx, %#lx, %#lx, %#lx)\n", i, nr,
                      (unsigned long)a[0], (unsigned long)a[1], (unsigned long)a[2],
                      (unsigned long)a[3], (unsigned long)a[4]);
        rc = os_hypercall_dyn(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3],
                              (long)a[4]);
        issued++;
        ok += rc == 0;
        if (trace)
            os_printf("crash: #%lu -> %ld\n", i, rc);
        else if (issued % 1000 == 0)
            os_printf("crash: %lu hypercalls so far\n", issued);
    }
    rc = restore_guest_state();
    if (rc) {
        os_printf("crash: cannot restore traps/debug registers/TS: %ld\n", rc);
        os_poweroff();
    }
    os_irq_enable();
    os_printf("crash: %lu returned 0, %lu skipped as run-ending\n", ok, skipped);
    os_printf("crash: survived %lu hypercalls\n", issued);
    os_poweroff();
}
