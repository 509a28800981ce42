/*
 * Physical interrupts (docs/linux-dom0.md, "Interrupts for Dom0"), served as
 * Xen 4.17 serves PV domains:
 *  - setup_gsi programs a pin's trigger and polarity once (-EEXIST after);
 *  - map_pirq ties a GSI to a PIRQ of a domain: the hardware domain's own
 *    (Dom0 asks PIRQ = GSI), or, asked by the privileged domain, another
 *    domain's, which is then given the right to the IRQ;
 *  - bind_pirq gives the PIRQ an event channel of its domain and unmasks the
 *    pin; each interrupt then sets the port pending. A level pin is masked on
 *    delivery (and its bit set in the pirq_eoi page) until that domain's
 *    PHYSDEVOP_eoi. One domain's PIRQ per pin may be bound (Xen's without
 *    BIND_PIRQ__WILL_SHARE): another bind is -EBUSY;
 *  - closing the port masks the pin, unmap_pirq forgets the GSI and takes
 *    the domain's right to it away (a later map_pirq of it is -EPERM).
 * The right to a GSI (Xen's IRQ of the same number) is the domain's IRQ
 * capability (hv/iocap.h): the hardware domain's from boot every GSI but 0
 * (the timer), changed by XEN_DOMCTL_irq_permission and unmap_pirq;
 * map_pirq and bind_pirq ask it. GSI 4 (our UART) maps, as on Xen, but its
 * pin stays ours: bind is -EBUSY, setup_gsi -EEXIST.
 * Each domain's PIRQs are a page of its own (struct pirq_table), made at its
 * first map_pirq and freed with it. The tables are touched under pirq_lock
 * with interrupts off (the interrupt handler reads them); the event is set
 * after the lock is dropped.
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

/* A pin of the I/O APIC and the one PIRQ bound to it (no sharing). */
struct gsi_pin {
    bool programmed;                 /* by setup_gsi */
    bool level;
    bool in_service;                 /* level: masked until the bound domain's EOI */
    domid_t dom;                     /* the domain bound to it, when port is not 0 */
    uint16_t pirq;                   /* its PIRQ there */
    uint16_t port;                   /* its event channel there, or 0: nobody listens */
};

/* A domain's PIRQs (d->arch.pirqs, a page from its first map_pirq on): fits PAGE_SIZE. */
struct pirq_table {
    uint8_t gsi[NR_PIRQS_MAX];       /* the GSI + 1 each PIRQ maps, or 0 */
    uint16_t port[NR_PIRQS_MAX];     /* the event channel bound to it, or 0 */
};
_Static_assert(sizeof(struct pirq_table) <= PAGE_SIZE, "one page per domain");

static struct gsi_pin gsis[NR_GSIS];
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

/* gsis, every domain's pirq_table and the pins' masks. Inside a domain's event lock (bind, close). */
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

/* Where d's PIRQ table is (d's pirq_table, allocated by its first map): NULL before. */
static struct pirq_table *table(const struct domain *d)
{
    return __atomic_load_n(&d->arch.pirqs, __ATOMIC_ACQUIRE);
}

/* The GSI + 1 that d's PIRQ pirq maps, or 0. pirq_lock held, or a racy read as Xen's. */
static unsigned int gsi_of(const struct domain *d, uint32_t pirq)
{
    const struct pirq_table *t = table(d);

    return t && pirq < pirq_count(d) ? t->gsi[pirq] : 0;
}

/* d's PIRQ that maps GSI gsi, or -1 (Xen's domain_irq_to_pirq). pirq_lock held. */
static int pirq_of_gsi(const struct domain *d, unsigned int gsi)
{
    const struct pirq_table *t = table(d);

    for (unsigned int i = 0; t && i < pirq_count(d); i++)
        if (t->gsi[i] == gsi + 1)
            return (int)i;
    return -1;
}

/* Is the pin bound to d's PIRQ pirq? */
static bool pin_bound_to(const struct gsi_pin *p, const struct domain *d, uint32_t pirq)
{
    return p->port && p->dom == d->id && p->pirq == pirq;
}

/* Nobody listens to the pin any more: masked, its binding gone. */
static void pin_release(unsigned int gsi)
{
    if (!hypervisor_pin(gsi))
        ioapic_mask_pin(gsi, true);
    gsis[gsi].port = 0;
    gsis[gsi].in_service = false;
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
    if (hypervisor_pin((unsigned int)gsi) || p->programmed || p->port)
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

/* Xen's get_free_pirq for a GSI: from 16 up to the GSIs, then down from d's top. */
static int free_pirq(const struct domain *d, const struct pirq_table *t)
{
    for (int i = 16; i < NR_GSIS; i++)
        if (!t->gsi[i] && !t->port[i])
            return i;
    for (int i = (int)pirq_count(d) - 1; i >= NR_GSIS; i--)
        if (!t->gsi[i] && !t->port[i])
            return i;
    return -XEN_ENOSPC;
}

/* d's PIRQ table, made at its first map (outside pirq_lock): NULL when memory is out. */
static struct pirq_table *table_made(struct domain *d)
{
    struct pirq_table *t = table(d), *none = NULL;

    if (t)
        return t;
    t = xzalloc(struct pirq_table);
    if (t && !__atomic_compare_exchange_n(&d->arch.pirqs, &none, t, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE)) {
        xfree_bytes(t, sizeof(*t));             /* another CPU made it first */
        t = none;
    }
    return t;
}

/*
 * Xen's allocate_and_map_gsi_pirq, in its order: the GSI's range (-EINVAL);
 * the IRQ: the caller's own PIRQ `gsi` names it, or (the hardware domain)
 * it is that GSI; the PIRQ to use (d's one for that IRQ when asked for -1,
 * else a free one, -ENOSPC; -EEXIST when d has another for it); the
 * caller's right to the IRQ (-EPERM); the PIRQ's range in d (-EINVAL). A
 * PIRQ of d already tied to another IRQ is left alone and the answer is 0,
 * as Xen's. d is given the right to the IRQ if it lacked it.
 */
long pirq_map_gsi(struct domain *d, int gsi, int *pirq_io)
{
    struct domain *self = current->domain;
    struct pirq_table *t;
    unsigned long flags;
    unsigned int irq;
    int pirq = *pirq_io, cur;
    long rc = 0;

    if (gsi < 0 || gsi >= NR_GSIS)
        return -XEN_EINVAL;
    irq = pirq_to_irq(self, (uint32_t)gsi);
    if (!irq) {
        if (!hardware_domain(self))
            return -XEN_EINVAL;
        irq = (unsigned int)gsi;
    }
    t = table_made(d);
    if (!t)
        return -XEN_ENOMEM;
    flags = irq_off();
    cur = pirq_of_gsi(d, irq);
    if (pirq < 0)
        pirq = cur >= 0 ? cur : free_pirq(d, t);
    else if (cur >= 0 && pirq != cur)
        rc = -XEN_EEXIST;
    if (!rc && pirq < 0)
        rc = pirq;
    else if (!rc && !irq_access_permitted(self, irq))
        rc = -XEN_EPERM;
    else if (!rc && pirq >= (int)pirq_count(d))
        rc = -XEN_EINVAL;
    else if (!rc) {
        if (!t->gsi[pirq] && cur < 0) {
            if (!irq_access_permitted(d, irq))
                rc = irq_permit_access(d, irq);
            if (!rc)
                t->gsi[pirq] = (uint8_t)(irq + 1);
        }
        if (!rc)
            *pirq_io = pirq;
    }
    irq_restore(flags);
    return rc;
}

long pirq_unmap(struct domain *d, int pirq)
{
    struct pirq_table *t = table(d);
    unsigned long flags;
    unsigned int gsi;

    if (pirq < 0 || pirq >= (int)pirq_count(d))
        return -XEN_EINVAL;
    flags = irq_off();
    if (!gsi_of(d, (uint32_t)pirq)) {
        irq_restore(flags);
        return -XEN_EINVAL;
    }
    gsi = t->gsi[pirq] - 1u;
    /* A bound port stays a PIRQ port that no longer hears anything, as on Xen. */
    if (pin_bound_to(&gsis[gsi], d, (uint32_t)pirq))
        pin_release(gsi);
    t->port[pirq] = 0;
    /* Xen's unmap_domain_pirq denies the domain the IRQ: mapping it again is -EPERM. */
    (void)irq_deny_access(d, gsi);
    t->gsi[pirq] = 0;
    irq_restore(flags);
    return 0;
}

long pirq_eoi(struct domain *d, uint32_t pirq)
{
    unsigned long flags;
    unsigned int gsi;
    long rc = 0;

    if (pirq >= pirq_count(d))
        return -XEN_EINVAL;
    flags = irq_off();
    gsi = gsi_of(d, pirq);
    if (!gsi)
        rc = -XEN_EINVAL;
    else {
        struct gsi_pin *p = &gsis[gsi - 1];
        set_eoi_bit(d, pirq, false);
        if (p->in_service && pin_bound_to(p, d, pirq)) {
            p->in_service = false;
            ioapic_mask_pin(gsi - 1, false);
        }
    }
    irq_restore(flags);
    return rc;
}

long pirq_may_bind(struct domain *d, uint32_t pirq)
{
    unsigned int gsi = gsi_of(d, pirq);

    /* Xen's pirq_access_permitted: mapped, and the domain still holds the IRQ. */
    if (!gsi || !irq_access_permitted(d, gsi - 1))
        return -XEN_EPERM;
    return table(d)->port[pirq] ? -XEN_EEXIST : 0;
}

unsigned int pirq_count(const struct domain *d)
{
    return hardware_domain(d) ? nr_pirqs : NR_GSIS + XEN_EXTRA_DOMU_PIRQS;
}

unsigned int pirq_to_irq(const struct domain *d, uint32_t pirq)
{
    /* GSI 0 is never mapped, so an IRQ of 0 always means none. */
    unsigned int gsi = gsi_of(d, pirq);

    return gsi ? gsi - 1 : 0;
}

bool pirq_busy(const struct domain *d, uint32_t pirq)
{
    unsigned int gsi = gsi_of(d, pirq) - 1u;

    /* Ours, or bound by another PIRQ: Xen's pirq_guest_bind without sharing. */
    return hypervisor_pin(gsi) || (gsis[gsi].port && !pin_bound_to(&gsis[gsi], d, pirq));
}

void pirq_bind(struct domain *d, uint32_t pirq, unsigned int port)
{
    unsigned long flags = irq_off();
    unsigned int gsi = gsi_of(d, pirq) - 1u;
    struct gsi_pin *p = &gsis[gsi];

    table(d)->port[pirq] = (uint16_t)port;
    p->dom = d->id;
    p->pirq = (uint16_t)pirq;
    p->port = (uint16_t)port;
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
    struct pirq_table *t = table(d);
    unsigned long flags;

    if (!t || pirq >= pirq_count(d))
        return;
    flags = irq_off();
    if (t->port[pirq] == port) {
        unsigned int gsi = t->gsi[pirq];
        if (gsi && pin_bound_to(&gsis[gsi - 1], d, pirq))
            pin_release(gsi - 1);
        set_eoi_bit(d, pirq, false);
        t->port[pirq] = 0;
    }
    irq_restore(flags);
}

void pirq_domain_destroy(struct domain *d)
{
    unsigned long flags = irq_off();

    for (unsigned int gsi = 0; gsi < NR_GSIS; gsi++)
        if (gsis[gsi].port && gsis[gsi].dom == d->id)
            pin_release(gsi);
    irq_restore(flags);
    xfree_bytes(d->arch.pirqs, sizeof(struct pirq_table));
    d->arch.pirqs = NULL;
}

void pirq_interrupt(unsigned int gsi)
{
    struct gsi_pin *p;
    struct domain *d;
    unsigned int pirq, port;

    if (gsi >= NR_GSIS || hypervisor_pin(gsi))
        return;
    spin_lock(&pirq_lock);                      /* interrupts are off in the handler */
    p = &gsis[gsi];
    port = p->port;
    pirq = p->pirq;
    d = port ? domain_lookup(p->dom) : NULL;
    if (!d) {
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
