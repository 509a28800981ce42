/*
 * DOMCTL (I/O capabilities): XEN_DOMCTL_ioport_permission,
 * iomem_permission and irq_permission from Dom0, on domain 1 (left by the
 * DOMCTL suite, never run) and on Dom0 itself, where the effect shows: a
 * port taken away reads all ones, a frame taken away no longer maps, an IRQ
 * taken away no longer binds, and none can be given back (Dom0 must hold
 * what it grants). Xen's order of checks: the range (-EINVAL) before the
 * privilege, the caller's own access (-EPERM). Runs after suite_domctl.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <os/mm.h>
#include <os/traps.h>
#include "test.h"

#define TARGET      1           /* domain 1 (the DOMCTL suite's) */
#define ABSENT      12          /* no domain */
#define PORT        0x92        /* system control port A: reads the A20 state (not all ones) */
#define VGA_MFN     0xa0ull     /* the legacy VGA window: an I/O frame Dom0 maps */
#define TEST_GSI    7           /* a pin no device of the test machine uses */
#define MANY_DOM    13          /* created with many ranges, then destroyed */
#define MANY        300         /* separate ranges in one set (Xen's have no limit) */
#define HIGH_MFN    0x200000ull /* frames at 8 GiB: no RAM, no device, Dom0's to give */

static struct xen_domctl dc;

static long domctl(uint32_t cmd, domid_t dom)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

static long ioports(domid_t dom, uint32_t first, uint32_t nr, int allow)
{
    dc = (struct xen_domctl){ .u.ioport_permission = { first, nr, (uint8_t)allow } };
    return domctl(XEN_DOMCTL_ioport_permission, dom);
}

static long iomem(domid_t dom, uint64_t first, uint64_t nr, int allow)
{
    dc = (struct xen_domctl){ .u.iomem_permission = { first, nr, (uint8_t)allow } };
    return domctl(XEN_DOMCTL_iomem_permission, dom);
}

static long irqs(domid_t dom, uint32_t pirq, int allow)
{
    dc = (struct xen_domctl){ .u.irq_permission = { .pirq = pirq, .allow_access = (uint8_t)allow } };
    return domctl(XEN_DOMCTL_irq_permission, dom);
}

/* inb with the virtual IOPL raised; the #GP marker (bit 63) if it faults. */
static uint64_t read_port(uint16_t port)
{
    struct physdev_set_iopl s = { .iopl = 1 };
    uint64_t v = 0;

    HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
    asm volatile ("1: inb %w1, %%al\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (v) : "Nd" (port) : "memory");
    s.iopl = 0;
    HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
    return v;
}

static void ioport_cases(void)
{
    uint64_t before, after;

    t_rc("DOMCTL0130", "ioport_permission: domain 1 gets port 0x92", ioports(TARGET, PORT, 1, 1), 0);
    t_rc("DOMCTL0131", "and loses it", ioports(TARGET, PORT, 1, 0), 0);
    t_rc("DOMCTL0132", "losing it again changes nothing (0)", ioports(TARGET, PORT, 1, 0), 0);
    t_rc("DOMCTL0133", "0 ports gives -EINVAL", ioports(TARGET, PORT, 0, 1), -XEN_EINVAL);
    t_rc("DOMCTL0134", "ports past 0xffff give -EINVAL", ioports(TARGET, 0xffff, 2, 1),
         -XEN_EINVAL);
    t_rc("DOMCTL0135", "a range that wraps gives -EINVAL", ioports(TARGET, 0xffffffffu, 2, 1),
         -XEN_EINVAL);
    t_rc("DOMCTL0136", "the PIT (0x40-0x43), which Dom0 does not hold, gives -EPERM",
         ioports(TARGET, 0x40, 4, 1), -XEN_EPERM);
    t_rc("DOMCTL0137", "every port (the PICs among them) gives -EPERM",
         ioports(TARGET, 0, 0x10000, 1), -XEN_EPERM);
    t_rc("DOMCTL0138", "a domain that does not exist gives -ESRCH", ioports(ABSENT, PORT, 1, 1),
         -XEN_ESRCH);
    before = read_port(PORT);
    t_check("DOMCTL0139", "Dom0 reads port 0x92 (not all ones)", before < 0xff, "(%#lx)",
            (unsigned long)before);
    t_rc("DOMCTL0140", "Dom0 takes port 0x92 from itself", ioports(0, PORT, 1, 0), 0);
    after = read_port(PORT);
    t_check("DOMCTL0141", "then it reads all ones", after == 0xff, "(%#lx)",
            (unsigned long)after);
    t_rc("DOMCTL0142", "and cannot give it back to itself (-EPERM)", ioports(0, PORT, 1, 1),
         -XEN_EPERM);
}

static void iomem_cases(void)
{
    uint64_t *win = os_alloc_page();

    t_rc("DOMCTL0150", "iomem_permission: domain 1 gets 256 MMIO frames at 0xfe000",
         iomem(TARGET, 0xfe000, 0x100, 1), 0);
    t_rc("DOMCTL0151", "and loses them", iomem(TARGET, 0xfe000, 0x100, 0), 0);
    t_rc("DOMCTL0152", "0 frames at 0x1000 (a wrapping range) gives -EINVAL",
         iomem(TARGET, 0x1000, 0, 1), -XEN_EINVAL);
    t_rc("DOMCTL0153", "a range past 2^64 gives -EINVAL", iomem(TARGET, ~0ull - 1, 3, 1),
         -XEN_EINVAL);
    t_rc("DOMCTL0154", "0 frames at frame 0 (every frame: no wrap) gives -EPERM",
         iomem(TARGET, 0, 0, 1), -XEN_EPERM);
    t_rc("DOMCTL0155", "the local APIC / MSI window (Dom0 does not hold it) gives -EPERM",
         iomem(TARGET, 0xfee00, 1, 1), -XEN_EPERM);
    t_rc("DOMCTL0156", "frames past the machine's addresses give -EPERM",
         iomem(TARGET, 1ull << 40, 1, 1), -XEN_EPERM);
    if (!win) {
        t_case("DOMCTL0157", "Dom0 maps the VGA frame", T_SKIP, "(no page)");
        return;
    }
    t_rc("DOMCTL0157", "Dom0 maps the VGA frame",
         HYPERVISOR_update_va_mapping((uint64_t)win, VGA_MFN << 12 | 0x1, UVMF_INVLPG), 0);
    t_rc("DOMCTL0158", "Dom0 takes the VGA frame from itself", iomem(0, VGA_MFN, 1, 0), 0);
    HYPERVISOR_update_va_mapping((uint64_t)win, 0, UVMF_INVLPG);
    t_rc("DOMCTL0159", "then mapping it gives -EPERM",
         HYPERVISOR_update_va_mapping((uint64_t)win, VGA_MFN << 12 | 0x1, UVMF_INVLPG),
         -XEN_EPERM);
    t_rc("DOMCTL0160", "and it cannot give it back to itself (-EPERM)", iomem(0, VGA_MFN, 1, 1),
         -XEN_EPERM);
}

static long bind(uint32_t pirq)
{
    struct evtchn_bind_pirq b = { .pirq = pirq };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    if (rc == 0) {
        struct evtchn_close c = { .port = b.port };
        HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
    }
    return rc;
}

static void irq_cases(void)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI,
                                  .index = TEST_GSI, .pirq = TEST_GSI };
    struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = TEST_GSI };

    t_rc("DOMCTL0170", "irq_permission of PIRQ 208 (past Dom0's) gives -EINVAL",
         irqs(TARGET, 208, 1), -XEN_EINVAL);
    t_rc("DOMCTL0171", "of a PIRQ Dom0 has not mapped gives -EPERM", irqs(TARGET, 100, 1),
         -XEN_EPERM);
    t_rc("DOMCTL0172", "map_pirq of GSI 7 to PIRQ 7 for Dom0 gives 0",
         HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m), 0);
    t_rc("DOMCTL0173", "irq_permission of PIRQ 7 to domain 1 gives 0", irqs(TARGET, TEST_GSI, 1), 0);
    t_rc("DOMCTL0174", "taking it back gives 0", irqs(TARGET, TEST_GSI, 0), 0);
    t_rc("DOMCTL0175", "Dom0 takes IRQ 7 from itself", irqs(0, TEST_GSI, 0), 0);
    t_rc("DOMCTL0176", "then bind_pirq of PIRQ 7 gives -EPERM", bind(TEST_GSI), -XEN_EPERM);
    t_rc("DOMCTL0177", "and it cannot give it back to itself (-EPERM)", irqs(0, TEST_GSI, 1),
         -XEN_EPERM);
    t_rc("DOMCTL0178", "unmap_pirq of PIRQ 7 still gives 0",
         HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &u), 0);
}

/* The allocator's free frames by Xenolith's audit; an error on Xen, which has no such op. */
static long free_frames(void)
{
    long rc;

    dc = (struct xen_domctl){ 0 };
    rc = domctl(XENOLITH_DOMCTL_mmu_audit, 0);
    return rc ? rc : (long)dc.u.mmu_audit.free_frames;
}

/* Map frame mfn read-only at win (a page of ours), then put win's own frame back. */
static long map_frame(uint64_t *win, uint64_t mfn)
{
    uint64_t own = *os_l1e_of((uint64_t)win);
    long rc = HYPERVISOR_update_va_mapping((uint64_t)win, mfn << 12 | 0x1, UVMF_INVLPG);

    HYPERVISOR_update_va_mapping((uint64_t)win, own, UVMF_INVLPG);
    return rc;
}

/*
 * Sets of many separate ranges: a domain given 300 port and 300 frame
 * ranges and destroyed gives every frame back; Dom0 punching 300 holes in
 * its own frames keeps each of them apart.
 */
static void many_ranges_cases(void)
{
    long before = free_frames(), after, rc;
    unsigned int ports = 0, frames = 0, taken = 0;
    uint64_t *win = os_alloc_page();

    dc = (struct xen_domctl){ .u.createdomain = { .max_vcpus = 1, .max_evtchn_port = 1023,
                                                  .max_grant_frames = -1, .max_maptrack_frames = -1,
                                                  .grant_opts = 1 } };
    rc = domctl(XEN_DOMCTL_createdomain, MANY_DOM);
    if (!t_rc("DOMCTL0180", "createdomain 13 gives 0", rc, 0))
        return;
    for (unsigned int i = 0; i < MANY; i++)
        ports += ioports(MANY_DOM, 0x2000 + 2 * i, 1, 1) == 0;
    t_check("DOMCTL0181", "300 separate I/O port ranges granted to it: each 0", ports == MANY,
            "(%u)", ports);
    for (unsigned int i = 0; i < MANY; i++)
        frames += iomem(MANY_DOM, HIGH_MFN + 2 * i, 1, 1) == 0;
    t_check("DOMCTL0182", "300 separate frame ranges granted to it: each 0", frames == MANY,
            "(%u)", frames);
    dc = (struct xen_domctl){ 0 };
    t_rc("DOMCTL0183", "destroydomain 13 gives 0", domctl(XEN_DOMCTL_destroydomain, MANY_DOM), 0);
    after = free_frames();
    t_check("DOMCTL0184", "every frame it held came back (Xenolith's audit counts them; Xen has none)",
            before == after, "(before %ld after %ld)", before, after);

    for (unsigned int i = 0; i < MANY; i++)
        taken += iomem(0, HIGH_MFN + 2 * i, 1, 0) == 0;
    t_check("DOMCTL0185", "Dom0 takes 300 separate frames at 8 GiB from itself: each 0",
            taken == MANY, "(%u)", taken);
    if (!win) {
        t_case("DOMCTL0186", "Dom0 maps the frames between them", T_SKIP, "(no page)");
        return;
    }
    t_rc("DOMCTL0186", "mapping the last frame taken gives -EPERM",
         map_frame(win, HIGH_MFN + 2 * (MANY - 1)), -XEN_EPERM);
    t_rc("DOMCTL0187", "mapping one in the middle gives -EPERM", map_frame(win, HIGH_MFN + MANY),
         -XEN_EPERM);
    t_rc("DOMCTL0188", "the frame after it is still Dom0's: 0", map_frame(win, HIGH_MFN + MANY + 1), 0);
    t_rc("DOMCTL0189", "and so is the one after the last taken: 0",
         map_frame(win, HIGH_MFN + 2 * MANY - 1), 0);
    os_free_page(win);
}

void suite_domctl_iocaps(void)
{
    ioport_cases();
    iomem_cases();
    irq_cases();
    many_ranges_cases();
}
