/*
 * mode=fpu-spin seed=N ms=M role=dom0|domu: for a two-domain run. Fill all
 * sixteen XMM registers, the kernel GS base and the ES selector (the flat
 * data selector for odd seeds, null for even ones) with a pattern from the seed,
 * spin for M ms of system time checking that they never change, while the
 * hypervisor switches between this domain and the other one (10 ms slices).
 * Then report how long this vCPU waited runnable (it must have been preempted)
 * and, as Dom0, wait for VIRQ_DOM_EXC (the other domain's shutdown) before
 * powering off: blocked, or with wait=yield runnable all along (yielding), so
 * that the other domain is always switched away from and back to.
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include <os/time.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <xen/domctl.h>
#include "crash.h"

static uint64_t want[32], got[32];
static volatile int dom_exc;

static void load_xmm(const uint64_t *v)
{
    asm volatile ("movdqu 0(%0), %%xmm0\n movdqu 16(%0), %%xmm1\n movdqu 32(%0), %%xmm2\n"
                  "movdqu 48(%0), %%xmm3\n movdqu 64(%0), %%xmm4\n movdqu 80(%0), %%xmm5\n"
                  "movdqu 96(%0), %%xmm6\n movdqu 112(%0), %%xmm7\n movdqu 128(%0), %%xmm8\n"
                  "movdqu 144(%0), %%xmm9\n movdqu 160(%0), %%xmm10\n movdqu 176(%0), %%xmm11\n"
                  "movdqu 192(%0), %%xmm12\n movdqu 208(%0), %%xmm13\n movdqu 224(%0), %%xmm14\n"
                  "movdqu 240(%0), %%xmm15" :: "r"(v) : "memory");
}

static void store_xmm(uint64_t *v)
{
    asm volatile ("movdqu %%xmm0, 0(%0)\n movdqu %%xmm1, 16(%0)\n movdqu %%xmm2, 32(%0)\n"
                  "movdqu %%xmm3, 48(%0)\n movdqu %%xmm4, 64(%0)\n movdqu %%xmm5, 80(%0)\n"
                  "movdqu %%xmm6, 96(%0)\n movdqu %%xmm7, 112(%0)\n movdqu %%xmm8, 128(%0)\n"
                  "movdqu %%xmm9, 144(%0)\n movdqu %%xmm10, 160(%0)\n movdqu %%xmm11, 176(%0)\n"
                  "movdqu %%xmm12, 192(%0)\n movdqu %%xmm13, 208(%0)\n movdqu %%xmm14, 224(%0)\n"
                  "movdqu %%xmm15, 240(%0)" :: "r"(v) : "memory");
}

static uint64_t gs_base(void)
{
    uint32_t lo, hi;
    asm volatile ("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000101u));   /* emulated for PV */
    return ((uint64_t)hi << 32) | lo;
}

static void on_dom_exc(unsigned int port, struct os_regs *regs, void *data)
{
    dom_exc = 1;
}

void crash_fpu_spin(uint64_t seed, uint64_t ms, int dom0, int yield_wait)
{
    struct crash_prng p;
    struct vcpu_runstate_info rs;
    uint64_t gs_want, end, checks = 0;
    int bad = 0;

    crash_prng_seed(&p, seed);
    for (int i = 0; i < 32; i++)
        want[i] = crash_prng_next(&p);
    gs_want = (crash_prng_next(&p) & 0x00007ffffffff000ul);
    HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, gs_want);
    if (dom0) {
        struct evtchn_bind_virq bind = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
        struct xen_domctl unpause = {
            .cmd = XEN_DOMCTL_unpausedomain,
            .interface_version = XENOLITH_DOMCTL_INTERFACE_VERSION,
            .domain = 1,
        };
        if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind) == 0) {
            os_evtchn_bind(bind.port, on_dom_exc, NULL);
            os_evtchn_unmask(bind.port);
        }
        /* Xenolith builds the boot DomU paused: start it now that we will hear of its end. */
        os_printf("fpu-spin: unpausing domain 1: %ld\n",
                  os_hypercall_dyn(__HYPERVISOR_domctl, (long)&unpause, 0, 0, 0, 0));
    }
    uint16_t es_want = (seed & 1) ? 0xe02b : 0, es;
    asm volatile ("mov %0, %%es" :: "r"((uint32_t)es_want));
    load_xmm(want);
    end = os_now_ns() + ms * 1000000ul;
    while (os_now_ns() < end && !bad) {
        store_xmm(got);
        for (int i = 0; i < 32; i++)
            bad |= got[i] != want[i];
        bad |= gs_base() != gs_want;
        asm volatile ("mov %%es, %0" : "=r"(es));
        bad |= es != es_want;
        checks++;
    }
    HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs);
    os_printf("fpu-spin: %s after %lu checks, runnable for %lu ns\n",
              bad ? "PATTERN CHANGED" : "pattern intact", (unsigned long)checks,
              (unsigned long)rs.time[RUNSTATE_runnable]);
    if (dom0) {
        while (!dom_exc) {
            if (yield_wait)
                HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            else
                os_block();
        }
        os_printf("fpu-spin: dom0 saw VIRQ_DOM_EXC\n");
    }
    os_poweroff();
}
