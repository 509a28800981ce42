/*
 * Local APIC timer. With the TSC-deadline mode the timer fires when the TSC
 * passes the programmed value; without it we use one-shot mode counting at the
 * bus clock, calibrated against the TSC once at boot.
 */
#include <asm/apic.h>
#include <hv/console.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <hv/mm.h>
#include <hv/time.h>
#include <asm/traps.h>

#define APIC_ID        0x02
#define APIC_ICR       0x30             /* x2APIC: one 64-bit MSR; xAPIC: low half, high at 0x31 */
#define APIC_ICR_HIGH  0x31
#define APIC_ICR_BUSY  (1u << 12)       /* xAPIC delivery status: the last IPI not yet sent */
#define APIC_EOI       0x0b
#define APIC_SVR       0x0f
#define APIC_LVT_TIMER 0x32
#define APIC_TMICT     0x38
#define APIC_TMCCT     0x39
#define APIC_TDCR      0x3e

static int x2apic;
static uint64_t apic_ticks_per_ms;

static uint32_t apic_read(unsigned int reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(0x800 + reg);
    return *(volatile uint32_t *)maddr_to_virt(0xfee00000 + reg * 16);
}

static void apic_write(unsigned int reg, uint32_t v)
{
    if (x2apic)
        wrmsr(0x800 + reg, v);
    else
        *(volatile uint32_t *)maddr_to_virt(0xfee00000 + reg * 16) = v;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

/* This CPU's local APIC on, in the mode the boot CPU chose, and its timer. */
static void apic_enable(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    base |= 1UL << 11;
    if (x2apic)
        base |= 1UL << 10;
    wrmsr(MSR_APIC_BASE, base);
    apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);
    apic_write(APIC_TDCR, 0xb);                 /* divide by 1 */
}

void apic_init(void)
{
    /* Mask the legacy PIC: all our interrupts come through the local APIC. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    x2apic = cpu_features.has_x2apic;
    apic_enable();
    if (cpu_features.has_tsc_deadline) {
        apic_write(APIC_LVT_TIMER, (2u << 17) | VEC_TIMER);
    } else {
        uint64_t t0;
        apic_write(APIC_LVT_TIMER, (1u << 16) | VEC_TIMER);     /* masked while calibrating */
        apic_write(APIC_TMICT, 0xffffffff);
        t0 = rdtsc();
        while (rdtsc() - t0 < tsc_khz)          /* 1 ms */
            cpu_relax();
        apic_ticks_per_ms = 0xffffffffu - apic_read(APIC_TMCCT);
        apic_write(APIC_TMICT, 0);
        apic_write(APIC_LVT_TIMER, VEC_TIMER);  /* one-shot */
    }
    log_info("apic: %s, timer %s", x2apic ? "x2APIC" : "xAPIC",
             cpu_features.has_tsc_deadline ? "TSC-deadline" : "one-shot");
}

/* A secondary CPU: the same mode and timer; the boot CPU's calibration holds for every CPU. */
void apic_init_secondary(void)
{
    apic_enable();
    apic_write(APIC_LVT_TIMER, cpu_features.has_tsc_deadline ? (2u << 17) | VEC_TIMER : VEC_TIMER);
}

uint32_t apic_self_id(void)
{
    return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_send_ipi(uint32_t apic_id, uint32_t icr)
{
    unsigned long flags = local_irq_save();

    if (x2apic) {
        wrmsr(0x800 + APIC_ICR, (uint64_t)apic_id << 32 | icr);
    } else {
        while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
            cpu_relax();
        apic_write(APIC_ICR_HIGH, apic_id << 24);
        apic_write(APIC_ICR, icr);
    }
    local_irq_restore(flags);
}

bool apic_is_x2apic(void)
{
    return x2apic;
}

void apic_timer_set_deadline(uint64_t tsc)
{
    if (cpu_features.has_tsc_deadline) {
        wrmsr(MSR_TSC_DEADLINE, tsc);
        return;
    }
    if (!tsc) {
        apic_write(APIC_TMICT, 0);
        return;
    }
    uint64_t now = rdtsc(), delta = tsc > now ? tsc - now : 1;
    uint64_t ticks = delta * apic_ticks_per_ms / (tsc_khz ? tsc_khz : 1);
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffu)
        ticks = 0xffffffffu;
    apic_write(APIC_TMICT, (uint32_t)ticks);
}
