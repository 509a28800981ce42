/*
 * bench: in-guest micro-benchmarks of the PV entry paths.
 *
 * Each metric is the median of N samples of rdtsc cycles (the PV kernel
 * and user both run in ring 3, and Xen leaves CR4.TSD clear for PV
 * guests by default; if rdtsc faults we say so and stop).  One line each:
 *     BENCH <metric> median=<cycles> n=<samples> min=<cycles>
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/os.h>
#include <os/time.h>
#include <os/traps.h>
#include <os/user.h>
#include <xen/version.h>
#include "pt_bench.h"

#define N 1001
#define BENCH_USER_PING 0x50

extern char bench_user_syscall[], bench_user_pf[];
uint64_t bench_user_args[2];

static uint64_t samples[N];
static char user_stack[4096] __attribute__((aligned(16)));
static struct multicall_entry batch[32];

static void null_hypercall(void)
{
    unsigned int i;

    for (i = 0; i < N; i++) {
        uint64_t t0 = os_rdtsc();

        HYPERVISOR_xen_version(XENVER_version, NULL);
        samples[i] = os_rdtsc() - t0;
    }
    pt_report("hypercall_null_cycles", samples, N);
}

static void multicall32(void)
{
    unsigned int i, k;

    for (i = 0; i < N; i++) {
        uint64_t t0;

        for (k = 0; k < 32; k++)
            batch[k] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version };
        t0 = os_rdtsc();
        HYPERVISOR_multicall(batch, 32);
        samples[i] = os_rdtsc() - t0;
    }
    pt_report("multicall32_cycles", samples, N);
}

/* Kernel side of the user ping: nothing, straight back by iret. */
static int ping_hook(struct os_regs *r)
{
    return r->rax == BENCH_USER_PING;
}

static void user_paths(void)
{
    os_trap_hook_t old;

    if (os_user_init()) {
        os_printf("bench: no user mode, user metrics skipped\n");
        return;
    }
    bench_user_args[0] = (uint64_t)samples;
    bench_user_args[1] = N;
    old = os_set_trap_hook(OS_VEC_SYSCALL, ping_hook);
    os_exec_user(bench_user_syscall, user_stack + sizeof(user_stack));
    os_set_trap_hook(OS_VEC_SYSCALL, old);
    pt_report("user_syscall_roundtrip_cycles", samples, N);

    os_exec_user(bench_user_pf, user_stack + sizeof(user_stack));
    pt_report("user_pf_roundtrip_cycles", samples, N);
}

/* rdtsc must work in our ring (CR4.TSD clear); probe it once. */
static int rdtsc_works(void)
{
    uint64_t ex = 0;

    asm volatile ("1: rdtsc\n2:\n" OS_EXTABLE(1b, 2b)
                  : "+a" (ex) :: "rdx", "memory");
    return !(ex >> 63);
}

void os_main(void)
{
    os_printf("bench: PV entry-path micro-benchmarks (rdtsc cycles)\n");
    if (!rdtsc_works()) {
        os_printf("bench: rdtsc faults (CR4.TSD set); no figures\n");
        return;
    }
    null_hypercall();
    multicall32();
    user_paths();
    bench_pt();
    os_printf("bench: done\n");
}
