/*
 * The hardware domain's physical interrupts (docs/linux-dom0.md, "Interrupts
 * for Dom0"), served as Xen 4.17 serves a PV Dom0:
 *  - setup_gsi programs a pin's trigger and polarity once (-EEXIST after);
 *  - map_pirq ties a GSI to a PIRQ (Dom0 asks PIRQ = GSI);
 *  - bind_pirq gives the PIRQ an event channel and unmasks the pin; each
 *    interrupt then sets the port pending. A level pin is masked on delivery
 *    (and its bit set in the pirq_eoi page) until the domain's PHYSDEVOP_eoi;
 *  - closing the port masks the pin, unmap_pirq forgets the GSI and takes
 *    the domain's right to it away (a later map_pirq of it is -EPERM).
 * The right to a GSI (Xen's IRQ of the same number) is the domain's IRQ
 * capability (hv/iocap.h): from boot every GSI but 0 (the timer), changed
 * by XEN_DOMCTL_irq_permission and unmap_pirq; map_pirq and bind_pirq ask
 * it. GSI 4 (our UART) maps, as on Xen, but its pin stays ours: bind is
 * -EBUSY, setup_gsi -EEXIST.
 * The tables are touched under pirq_lock with interrupts off (the interrupt
 * handler reads them); the event is set after the lock is dropped.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/physdev.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/iocap.h>
#include <asm/ioapic.h>
#include <hv/mm.h>
#include <asm/pirq.h>
#include <hv/spinlock.h>

#define GSI_TIMER  0
#define GSI_SERIAL 4

struct gsi_pin {
    bool programmed;                 /* by setup_gsi */
    bool level;
    bool in_service;                 /* level: masked until the domain's EOI */
    uint16_t pirq;                   /* mapped PIRQ + 1, or 0 */
};

static struct gsi_pin gsis[NR_GSIS];
static uint8_t pirq_gsi[NR_PIRQS_MAX];    /* GSI + 1 a PIRQ maps, or 0 */
static uint16_t pirq_port[NR_PIRQS_MAX];  /* its bound event channel, or 0 */
unsigned int nr_pirqs = PIRQ_DYNAMIC_VECTORS;     /* one CPU's, until pirq_set_limit */

static unsigned int fls_u(unsigned int x)
{
    return x ? 32 - (unsigned int)__builtin_clz(x) : 0;
}

void pirq_set_limit(unsigned int cpus, unsigned int dom0_vcpus)
{
    unsigned int n = fls_u(cpus) < dom0_vcpus ? fls_u(cpus) : dom0_vcpus;
    unsigned int nr_irqs = cpus * PIRQ_DYNAMIC_VECTORS > 8 * NR_GSIS ? cpus * PIRQ_DYNAMIC_VECTORS
                                                                    : 8 * NR_GSIS;

    nr_pirqs = NR_GSIS + n * PIRQ_DYNAMIC_VECTORS;
    if (nr_pirqs > nr_irqs)
        nr_pirqs = nr_irqs;
    if (nr_pirqs > NR_PIRQS_MAX)
        nr_pirqs = NR_PIRQS_MAX;
    log_info("d0 has maximum %u PIRQs", nr_pirqs);
}

/* gsis, pirq_gsi, pirq_port and the pins' masks. Inside a domain's event lock (bind, close). */
static DEFINE_SPINLOCK(pirq_lock, LOCK_PIRQ);

static unsigned long irq_off(void)
{
    return spin_lock_irqsave(&pirq_lock);
}

static void irq_restore(unsigned long flags)
{
    spin_unlock_irqrestore(&pirq_lock, flags);
}

static bool hardware_domain(const struct domain *d)
{
    return d->id == 0 && domain_is_privileged(d);
}

static bool hypervisor_pin(unsigned int gsi)
{
    return gsi == GSI_TIMER || gsi == GSI_SERIAL;
}

/* The pirq_eoi page's bit for pirq, if the domain registered a page. */
static void set_eoi_bit(struct domain *d, unsigned int pirq, bool on)
{
    uint64_t *bits;

    if (!d->arch.pirq_eoi_mfn)
        return;
    bits = (uint64_t *)mfn_to_virt(d->arch.pirq_eoi_mfn) + pirq / 64;
    if (on)
        __atomic_fetch_or(bits, 1ull << (pirq % 64), __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(bits, ~(1ull << (pirq % 64)), __ATOMIC_SEQ_CST);
}

long pirq_setup_gsi(struct domain *d, int gsi, bool level, bool active_low)
{
    struct gsi_pin *p;
    unsigned long flags;
    long rc = 0;

    if (gsi < 0 || gsi >= NR_GSIS)
        return -XEN_EINVAL;
    if (!domain_is_privileged(d))
        return -XEN_EPERM;
    p = &gsis[gsi];
    flags = irq_off();
    if (hypervisor_pin((unsigned int)gsi) || p->programmed ||
        (p->pirq && pirq_port[p->pirq - 1]))
        rc = -XEN_EEXIST;
    else {
        p->programmed = true;
        p->level = level;
        p->in_service = false;
        ioapic_program_pin((unsigned int)gsi, VEC_GSI_BASE + (unsigned int)gsi, level, active_low);
    }
    irq_restore(flags);
    return rc;
}

/* Xen's get_free_pirq for a GSI: from 16 up to the GSIs, then down from the top. */
static int free_pirq(void)
{
    for (int i = 16; i < NR_GSIS; i++)
        if (!pirq_gsi[i] && !pirq_port[i])
            return i;
    for (int i = nr_pirqs - 1; i >= NR_GSIS; i--)
        if (!pirq_gsi[i] && !pirq_port[i])
            return i;
    return -XEN_ENOSPC;
}

/*
 * In Xen's order: the GSI's range, the PIRQ to use (the GSI's current one
 * when asked for -1; -EEXIST when the GSI has another), the right to the
 * IRQ (-EPERM without it: GSI 0, a GSI unmapped before), the PIRQ's range. A PIRQ already tied to another
 * GSI is left alone and the answer is 0, as Xen answers.
 */
long pirq_map_gsi(struct domain *d, int gsi, int *pirq_io)
{
    unsigned long flags;
    int pirq = *pirq_io, current_pirq;
    long rc = 0;

    if (gsi < 0 || gsi >= NR_GSIS)
        return -XEN_EINVAL;
    if (!hardware_domain(d))
        return -XEN_EPERM;
    flags = irq_off();
    current_pirq = gsis[gsi].pirq - 1;
    if (pirq < 0)
        pirq = current_pirq >= 0 ? current_pirq : free_pirq();
    else if (current_pirq >= 0 && pirq != current_pirq)
        rc = -XEN_EEXIST;
    if (!rc && pirq < 0)
        rc = pirq;
    else if (!rc && !irq_access_permitted(d, (unsigned int)gsi))
        rc = -XEN_EPERM;
    else if (!rc && pirq >= (int)nr_pirqs)
        rc = -XEN_EINVAL;
    else if (!rc) {
        if (!pirq_gsi[pirq] && current_pirq < 0) {
            pirq_gsi[pirq] = (uint8_t)(gsi + 1);
            gsis[gsi].pirq = (uint16_t)(pirq + 1);
        }
        *pirq_io = pirq;
    }
    irq_restore(flags);
    return rc;
}

long pirq_unmap(struct domain *d, int pirq)
{
    unsigned long flags;
    unsigned int gsi;

    if (pirq < 0 || pirq >= (int)nr_pirqs)
        return -XEN_EINVAL;
    if (!hardware_domain(d))
        return -XEN_EPERM;
    flags = irq_off();
    if (!pirq_gsi[pirq]) {
        irq_restore(flags);
        return -XEN_EINVAL;
    }
    gsi = pirq_gsi[pirq] - 1u;
    /* A bound port stays a PIRQ port that no longer hears anything, as on Xen. */
    if (pirq_port[pirq] && !hypervisor_pin(gsi))
        ioapic_mask_pin(gsi, true);
    pirq_port[pirq] = 0;
    gsis[gsi].pirq = 0;
    gsis[gsi].in_service = false;
    /* Xen's unmap_domain_pirq denies the domain the IRQ: mapping it again is -EPERM. */
    (void)irq_deny_access(d, gsi);
    pirq_gsi[pirq] = 0;
    irq_restore(flags);
    return 0;
}

long pirq_eoi(struct domain *d, uint32_t pirq)
{
    unsigned long flags;
    long rc = 0;

    if (pirq >= nr_pirqs)
        return -XEN_EINVAL;
    flags = irq_off();
    if (!hardware_domain(d) || !pirq_gsi[pirq])
        rc = -XEN_EINVAL;
    else if (pirq_gsi[pirq]) {
        struct gsi_pin *p = &gsis[pirq_gsi[pirq] - 1];
        set_eoi_bit(d, pirq, false);
        if (p->in_service) {
            p->in_service = false;
            if (pirq_port[pirq])
                ioapic_mask_pin(pirq_gsi[pirq] - 1u, false);
        }
    }
    irq_restore(flags);
    return rc;
}

long pirq_may_bind(struct domain *d, uint32_t pirq)
{
    if (!hardware_domain(d) || !pirq_gsi[pirq] || gsis[pirq_gsi[pirq] - 1].pirq != pirq + 1)
        return -XEN_EPERM;
    /* Xen's pirq_access_permitted: the domain must still hold the IRQ. */
    if (!irq_access_permitted(d, pirq_gsi[pirq] - 1u))
        return -XEN_EPERM;
    return pirq_port[pirq] ? -XEN_EEXIST : 0;
}

unsigned int pirq_count(const struct domain *d)
{
    return hardware_domain(d) ? nr_pirqs : NR_GSIS + XEN_EXTRA_DOMU_PIRQS;
}

unsigned int pirq_to_irq(const struct domain *d, uint32_t pirq)
{
    /* GSI 0 is never mapped, so an IRQ of 0 always means none. */
    return hardware_domain(d) && pirq < nr_pirqs && pirq_gsi[pirq] ? pirq_gsi[pirq] - 1u : 0u;
}

bool pirq_busy(uint32_t pirq)
{
    return hypervisor_pin(pirq_gsi[pirq] - 1u);
}

void pirq_bind(struct domain *d, uint32_t pirq, unsigned int port)
{
    unsigned long flags = irq_off();
    unsigned int gsi = pirq_gsi[pirq] - 1u;
    struct gsi_pin *p = &gsis[gsi];

    pirq_port[pirq] = (uint16_t)port;
    if (!p->programmed) {
        /* Never set up: the PC's default, ISA edge/high, PCI level/low. */
        p->programmed = true;
        p->level = gsi >= 16;
        ioapic_program_pin(gsi, VEC_GSI_BASE + gsi, p->level, p->level);
    }
    p->in_service = false;
    set_eoi_bit(d, pirq, false);
    ioapic_mask_pin(gsi, false);
    irq_restore(flags);
}

void pirq_unbind(struct domain *d, uint32_t pirq, unsigned int port)
{
    unsigned long flags;

    if (pirq >= nr_pirqs)
        return;
    flags = irq_off();
    if (pirq_port[pirq] == port && pirq_gsi[pirq]) {
        unsigned int gsi = pirq_gsi[pirq] - 1u;
        ioapic_mask_pin(gsi, true);
        gsis[gsi].in_service = false;
        set_eoi_bit(d, pirq, false);
        pirq_port[pirq] = 0;
    }
    irq_restore(flags);
}

void pirq_interrupt(unsigned int gsi)
{
    struct domain *d = domain_lookup(0);
    struct gsi_pin *p;
    unsigned int pirq, port;

    if (gsi >= NR_GSIS || hypervisor_pin(gsi))
        return;
    spin_lock(&pirq_lock);                      /* interrupts are off in the handler */
    p = &gsis[gsi];
    pirq = p->pirq ? p->pirq - 1u : 0;
    port = p->pirq ? pirq_port[pirq] : 0;
    if (!d || !port) {
        ioapic_mask_pin(gsi, true);             /* nobody listens */
        spin_unlock(&pirq_lock);
        return;
    }
    if (p->level) {
        ioapic_mask_pin(gsi, true);
        p->in_service = true;
        set_eoi_bit(d, pirq, true);
    }
    spin_unlock(&pirq_lock);
    evtchn_set_pending(d, port);                /* the event lock ranks before ours: taken after */
}
