/*
 * DOMCTL: Xen 4.17's control interface as a PV domain builder uses it, from
 * Dom0: getdomaininfo of ourselves, createdomain's checks and the domain it
 * creates (id, state, vCPUs, memory limit, memory populated on its behalf,
 * handle, address size, hypercall page), pause counts, and vCPU contexts
 * refused and accepted, createdomain's event-channel limit. The created
 * domains are never started (nothing is loaded in them) and stay paused
 * until the machine powers off.
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/memory.h>
#include <xen/event_channel.h>
#include <xen/sysctl.h>
#include <xl/string.h>
#include <os/mm.h>
#include "test.h"

#define NEW_DOM      1          /* the id createdomain picks first, on both hypervisors */
#define SPARE_DOM    9          /* a free id named explicitly by refused creations */
#define PORTS_DOM    10         /* created with room for two event channels */
#define NEW_PAGES    16

static struct xen_domctl dc;
static struct vcpu_guest_context ctx;
static xen_pfn_t frames[NEW_PAGES + 4];

static long domctl(uint32_t cmd, domid_t dom)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = dom;
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

static long info(domid_t dom)
{
    dc = (struct xen_domctl){ 0 };
    return domctl(XEN_DOMCTL_getdomaininfo, dom);
}

static long reservation(unsigned int cmd, domid_t dom)
{
    return HYPERVISOR_memory_op(cmd, &dom);
}

static void info_of_dom0(void)
{
    const struct xen_domctl_getdomaininfo *i = &dc.u.getdomaininfo;
    int handle_zero = 1;
    long rc = info(0);

    t_check("DOMCTL0001", "getdomaininfo of domain 0 describes domain 0",
            rc == 0 && dc.domain == 0 && i->domain == 0, "(rc=%ld domain=%u/%u)", rc,
            dc.domain, i->domain);
    t_check("DOMCTL0002", "domain 0 is running, not paused, blocked, dying or shut down",
            (i->flags & 0xffff) == XEN_DOMINF_running, "(flags=%#x)", i->flags);
    t_check("DOMCTL0003", "its shutdown code reads all ones before any shutdown",
            (i->flags >> XEN_DOMINF_shutdownshift) == 0xffff, "(flags=%#x)", i->flags);
    t_check("DOMCTL0004", "tot_pages and max_pages are current and maximum_reservation",
            (long)i->tot_pages == reservation(XENMEM_current_reservation, DOMID_SELF) &&
            (long)i->max_pages == reservation(XENMEM_maximum_reservation, DOMID_SELF),
            "(tot=%lu max=%lu)", (unsigned long)i->tot_pages, (unsigned long)i->max_pages);
    t_check("DOMCTL0005", "shared_info_frame is start_info's shared_info frame",
            i->shared_info_frame == os_start_info->shared_info >> 12, "(%#lx)",
            (unsigned long)i->shared_info_frame);
    for (unsigned int k = 0; k < sizeof(i->handle); k++)
        handle_zero &= i->handle[k] == 0;
    t_check("DOMCTL0006", "one vCPU online, max_vcpu_id our last vCPU's, some CPU time, an empty handle",
            i->nr_online_vcpus == 1 && i->max_vcpu_id == t_vcpu_absent() - 1 && i->cpu_time > 0 &&
            handle_zero,
            "(online=%u max_id=%u)", i->nr_online_vcpus, i->max_vcpu_id);
    t_rc("DOMCTL0007", "getdomaininfo of DOMID_SELF gives -EINVAL", info(DOMID_SELF), -XEN_EINVAL);
    t_rc("DOMCTL0008", "getdomaininfo of the highest free id gives -ESRCH",
         info(DOMID_FIRST_RESERVED - 1), -XEN_ESRCH);
    dc = (struct xen_domctl){ 0 };
    t_rc("DOMCTL0009", "pausedomain of ourselves gives -EINVAL",
         domctl(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL);
    t_rc("DOMCTL0010", "unpausedomain of a domain not paused gives -EINVAL",
         domctl(XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL);
    t_rc("DOMCTL0011", "setvcpucontext of ourselves gives -EINVAL",
         domctl(XEN_DOMCTL_setvcpucontext, 0), -XEN_EINVAL);
    t_rc("DOMCTL0012", "getvcpucontext of our running vCPU gives -EINVAL",
         domctl(XEN_DOMCTL_getvcpucontext, 0), -XEN_EINVAL);
    t_rc("DOMCTL0013", "max_vcpus of ourselves gives -EINVAL",
         domctl(XEN_DOMCTL_max_vcpus, 0), -XEN_EINVAL);
}

/* A good createdomain configuration in dc: one vCPU, ports up to max_port, grant v1. */
static void good_config(uint32_t max_port)
{
    dc = (struct xen_domctl){ 0 };
    dc.u.createdomain.max_vcpus = 1;
    dc.u.createdomain.max_evtchn_port = max_port;
    dc.u.createdomain.max_grant_frames = -1;
    dc.u.createdomain.max_maptrack_frames = -1;
    dc.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
}

/* createdomain of the spare id with one field of a good configuration changed. */
static long create_with(void (*change)(struct xen_domctl_createdomain *))
{
    good_config(1023);
    if (change)
        change(&dc.u.createdomain);
    return domctl(XEN_DOMCTL_createdomain, SPARE_DOM);
}

static void unknown_flag(struct xen_domctl_createdomain *c) { c->flags = XEN_DOMCTL_CDF_MAX << 1; }
static void hap_not_hvm(struct xen_domctl_createdomain *c) { c->flags = XEN_DOMCTL_CDF_hap; }
static void iommu(struct xen_domctl_createdomain *c) { c->flags = XEN_DOMCTL_CDF_iommu; }
static void iommu_opts(struct xen_domctl_createdomain *c) { c->iommu_opts = 1; }
static void no_vcpus(struct xen_domctl_createdomain *c) { c->max_vcpus = 0; }
static void many_vcpus(struct xen_domctl_createdomain *c) { c->max_vcpus = 8193; }
static void grant_v0(struct xen_domctl_createdomain *c) { c->grant_opts = 0; }
static void grant_v3(struct xen_domctl_createdomain *c) { c->grant_opts = 3; }
static void grant_bits(struct xen_domctl_createdomain *c) { c->grant_opts = 0x11; }
static void frames0(struct xen_domctl_createdomain *c) { c->max_grant_frames = 0; }
static void frames65(struct xen_domctl_createdomain *c) { c->max_grant_frames = 65; }
static void maptrack(struct xen_domctl_createdomain *c) { c->max_maptrack_frames = 1025; }
static void emu_lapic(struct xen_domctl_createdomain *c) { c->arch.emulation_flags = XEN_X86_EMU_LAPIC; }
static void emu_unknown(struct xen_domctl_createdomain *c) { c->arch.emulation_flags = 1u << 11; }
static void misc_flags(struct xen_domctl_createdomain *c) { c->arch.misc_flags = 2; }
static void vmtrace(struct xen_domctl_createdomain *c) { c->vmtrace_size = 4096; }

static void create_refused(void)
{
    t_rc("DOMCTL0020", "createdomain with an unknown flag gives -EINVAL",
         create_with(unknown_flag), -XEN_EINVAL);
    t_rc("DOMCTL0021", "createdomain with HAP for a PV domain gives -EINVAL",
         create_with(hap_not_hvm), -XEN_EINVAL);
    t_rc("DOMCTL0022", "createdomain with an IOMMU that is not there gives -EINVAL",
         create_with(iommu), -XEN_EINVAL);
    t_rc("DOMCTL0023", "createdomain with IOMMU options but no IOMMU gives -EINVAL",
         create_with(iommu_opts), -XEN_EINVAL);
    t_rc("DOMCTL0024", "createdomain with no vCPUs gives -EINVAL",
         create_with(no_vcpus), -XEN_EINVAL);
    t_rc("DOMCTL0025", "createdomain with 8193 vCPUs gives -EINVAL",
         create_with(many_vcpus), -XEN_EINVAL);
    t_rc("DOMCTL0026", "createdomain with grant version 0 gives -EINVAL",
         create_with(grant_v0), -XEN_EINVAL);
    t_rc("DOMCTL0027", "createdomain with grant version 3 gives -EINVAL",
         create_with(grant_v3), -XEN_EINVAL);
    t_rc("DOMCTL0028", "createdomain with unknown grant options gives -EINVAL",
         create_with(grant_bits), -XEN_EINVAL);
    t_rc("DOMCTL0029", "createdomain with 0 grant frames gives -EINVAL",
         create_with(frames0), -XEN_EINVAL);
    t_rc("DOMCTL0030", "createdomain with 65 grant frames gives -EINVAL",
         create_with(frames65), -XEN_EINVAL);
    t_rc("DOMCTL0031", "createdomain with 1025 maptrack frames gives -EINVAL",
         create_with(maptrack), -XEN_EINVAL);
    t_rc("DOMCTL0032", "createdomain of a PV domain with an emulated LAPIC gives -EOPNOTSUPP",
         create_with(emu_lapic), -XEN_EOPNOTSUPP);
    t_rc("DOMCTL0033", "createdomain with an unknown emulation flag gives -EINVAL",
         create_with(emu_unknown), -XEN_EINVAL);
    t_rc("DOMCTL0034", "createdomain with an unknown arch misc flag gives -EINVAL",
         create_with(misc_flags), -XEN_EINVAL);
    t_rc("DOMCTL0035", "createdomain with a vmtrace buffer for PV gives -EINVAL",
         create_with(vmtrace), -XEN_EINVAL);
    t_rc("DOMCTL0036", "no domain was left behind by the refusals (getdomaininfo of 9 -ESRCH)",
         info(SPARE_DOM), -XEN_ESRCH);
}

/* The new domain: created, inspected, given a vCPU, a memory limit and pages. */
static void create_one(void)
{
    const struct xen_domctl_getdomaininfo *i = &dc.u.getdomaininfo;
    struct xen_memory_reservation r = { .nr_extents = NEW_PAGES + 4, .domid = NEW_DOM };
    long rc;

    good_config(1023);
    dc.u.createdomain.handle[0] = 0x5a;
    rc = domctl(XEN_DOMCTL_createdomain, 0);
    if (!t_check("DOMCTL0040", "createdomain naming no id creates domain 1",
                 rc == 0 && dc.domain == NEW_DOM, "(rc=%ld domain=%u)", rc, dc.domain))
        return;
    rc = info(NEW_DOM);
    t_check("DOMCTL0041", "the new domain: paused, no vCPU, no pages, no limit, our handle",
            rc == 0 && i->domain == NEW_DOM &&
            i->flags == (XEN_DOMINF_paused | 0xffffu << XEN_DOMINF_shutdownshift) &&
            i->nr_online_vcpus == 0 && i->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID &&
            i->tot_pages == 0 && i->max_pages == 0 && i->handle[0] == 0x5a,
            "(rc=%ld flags=%#x online=%u max_id=%#x tot=%lu max=%lu)", rc, i->flags,
            i->nr_online_vcpus, i->max_vcpu_id, (unsigned long)i->tot_pages,
            (unsigned long)i->max_pages);
    rc = create_with(NULL);
    t_check("DOMCTL0042", "createdomain naming id 9 creates domain 9",
            rc == 0 && dc.domain == SPARE_DOM, "(rc=%ld domain=%u)", rc, dc.domain);
    t_rc("DOMCTL0043", "createdomain naming domain 1 again gives -EEXIST",
         domctl(XEN_DOMCTL_createdomain, NEW_DOM), -XEN_EEXIST);
    rc = info(2);
    t_check("DOMCTL0044", "getdomaininfo of a free id describes the next domain up (9)",
            rc == 0 && dc.domain == SPARE_DOM && dc.u.getdomaininfo.domain == SPARE_DOM,
            "(rc=%ld domain=%u)", rc, dc.domain);

    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 0, .ctxt = (uint64_t)&ctx } };
    t_rc("DOMCTL0045", "getvcpucontext before max_vcpus gives -EINVAL",
         domctl(XEN_DOMCTL_getvcpucontext, NEW_DOM), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.max_vcpus.max = 2 };
    t_rc("DOMCTL0046", "max_vcpus other than createdomain's gives -EINVAL",
         domctl(XEN_DOMCTL_max_vcpus, NEW_DOM), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.max_vcpus.max = 1 };
    t_rc("DOMCTL0047", "max_vcpus 1 gives 0", domctl(XEN_DOMCTL_max_vcpus, NEW_DOM), 0);
    rc = info(NEW_DOM);
    t_check("DOMCTL0048", "its vCPU 0 exists and is down (not online, neither running nor blocked)",
            rc == 0 && i->max_vcpu_id == 0 && i->nr_online_vcpus == 0 &&
            (i->flags & 0xffff) == XEN_DOMINF_paused, "(rc=%ld flags=%#x online=%u max_id=%#x)",
            rc, i->flags, i->nr_online_vcpus, i->max_vcpu_id);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 0, .ctxt = (uint64_t)&ctx } };
    t_rc("DOMCTL0049", "getvcpucontext of a vCPU never set gives -ENODATA",
         domctl(XEN_DOMCTL_getvcpucontext, NEW_DOM), -XEN_ENODATA);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 1, .ctxt = (uint64_t)&ctx } };
    t_rc("DOMCTL0050", "getvcpucontext of vCPU 1 of 1 gives -EINVAL",
         domctl(XEN_DOMCTL_getvcpucontext, NEW_DOM), -XEN_EINVAL);

    dc = (struct xen_domctl){ .u.setdomainhandle.handle = { 1, 2, 3 } };
    rc = domctl(XEN_DOMCTL_setdomainhandle, NEW_DOM);
    t_check("DOMCTL0051", "setdomainhandle shows in getdomaininfo",
            rc == 0 && info(NEW_DOM) == 0 && i->handle[0] == 1 && i->handle[2] == 3 &&
            i->handle[15] == 0, "(rc=%ld)", rc);
    dc = (struct xen_domctl){ 0 };
    rc = domctl(XEN_DOMCTL_get_address_size, NEW_DOM);
    t_check("DOMCTL0052", "get_address_size gives 64", rc == 0 && dc.u.address_size.size == 64,
            "(rc=%ld size=%u)", rc, dc.u.address_size.size);
    dc = (struct xen_domctl){ .u.address_size.size = 64 };
    t_rc("DOMCTL0053", "set_address_size 64 gives 0",
         domctl(XEN_DOMCTL_set_address_size, NEW_DOM), 0);
    dc = (struct xen_domctl){ .u.address_size.size = 32 };
    t_rc("DOMCTL0054", "set_address_size 32 (no 32-bit PV) gives -EOPNOTSUPP",
         domctl(XEN_DOMCTL_set_address_size, NEW_DOM), -XEN_EOPNOTSUPP);
    dc = (struct xen_domctl){ .u.address_size.size = 48 };
    t_rc("DOMCTL0055", "set_address_size 48 gives -EINVAL",
         domctl(XEN_DOMCTL_set_address_size, NEW_DOM), -XEN_EINVAL);

    /* Memory on its behalf: the limit first, then more pages than it allows. */
    dc = (struct xen_domctl){ .u.max_mem.max_memkb = NEW_PAGES * 4 };
    rc = domctl(XEN_DOMCTL_max_mem, NEW_DOM);
    t_check("DOMCTL0056", "max_mem 64 KiB: maximum_reservation 16 pages",
            rc == 0 && reservation(XENMEM_maximum_reservation, NEW_DOM) == NEW_PAGES,
            "(rc=%ld max=%ld)", rc, reservation(XENMEM_maximum_reservation, NEW_DOM));
    for (unsigned int k = 0; k < NEW_PAGES + 4; k++)
        frames[k] = k;
    r.extent_start.p = frames;
    t_rc("DOMCTL0057", "populate_physmap of 20 pages for it stops at max_mem (16 done)",
         HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), NEW_PAGES);
    rc = info(NEW_DOM);
    t_check("DOMCTL0058", "its current_reservation and tot_pages are 16",
            reservation(XENMEM_current_reservation, NEW_DOM) == NEW_PAGES && rc == 0 &&
            i->tot_pages == NEW_PAGES, "(tot=%lu)", (unsigned long)i->tot_pages);
    r.nr_extents = 1;
    r.extent_start.p = &frames[NEW_PAGES - 1];
    t_rc("DOMCTL0059", "decrease_reservation of its last page for it gives 1",
         HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 1);
    r.extent_start.p = &frames[NEW_PAGES - 1];
    t_check("DOMCTL0060", "increase_reservation for it gives a page back (16 again)",
            HYPERVISOR_memory_op(XENMEM_increase_reservation, &r) == 1 &&
            reservation(XENMEM_current_reservation, NEW_DOM) == NEW_PAGES, NULL);
    t_rc("DOMCTL0061", "increase_reservation past max_mem gives 0 done",
         HYPERVISOR_memory_op(XENMEM_increase_reservation, &r), 0);

    dc = (struct xen_domctl){ 0 };
    rc = domctl(XEN_DOMCTL_pausedomain, NEW_DOM);
    t_check("DOMCTL0062", "pausedomain of it again, then one unpause: still paused",
            rc == 0 && domctl(XEN_DOMCTL_unpausedomain, NEW_DOM) == 0 && info(NEW_DOM) == 0 &&
            (i->flags & XEN_DOMINF_paused), "(rc=%ld flags=%#x)", rc, i->flags);
    dc = (struct xen_domctl){ .u.hypercall_init.gmfn = os_virt_to_mfn(&ctx) };
    t_rc("DOMCTL0063", "hypercall_init on a frame of ours gives -EINVAL",
         domctl(XEN_DOMCTL_hypercall_init, NEW_DOM), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.hypercall_init.gmfn = frames[1] };
    t_rc("DOMCTL0064", "hypercall_init on a frame of its own gives 0",
         domctl(XEN_DOMCTL_hypercall_init, NEW_DOM), 0);
}

/* A context that would start vCPU 0 at `rip` on root frames[0] (an empty L4). */
static long set_context(void (*change)(struct vcpu_guest_context *))
{
    for (unsigned int k = 0; k < sizeof(ctx); k++)
        ((uint8_t *)&ctx)[k] = 0;
    ctx.flags = VGCF_in_kernel | VGCF_online;
    ctx.user_regs.rip = 0x400000;
    ctx.user_regs.rsp = 0x401000;
    ctx.user_regs.rflags = 0x200;
    ctx.user_regs.cs = FLAT_KERNEL_CS & ~3;      /* RPL 0: Xen makes it the kernel's */
    ctx.user_regs.ss = FLAT_KERNEL_SS;
    ctx.kernel_ss = FLAT_KERNEL_SS;
    ctx.kernel_sp = 0x401000;
    ctx.ctrlreg[3] = frames[0] << 12;
    ctx.debugreg[6] = 0xffff0ff0;
    ctx.debugreg[7] = 0x400;
    if (change)
        change(&ctx);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 0, .ctxt = (uint64_t)&ctx } };
    return domctl(XEN_DOMCTL_setvcpucontext, NEW_DOM);
}

static void rip_noncanon(struct vcpu_guest_context *c) { c->user_regs.rip = T_NONCANON_VA; }
static void trap_noncanon(struct vcpu_guest_context *c) { c->trap_ctxt[14].address = T_NONCANON_VA; }
static void ldt_unaligned(struct vcpu_guest_context *c) { c->ldt_base = 0x1008; }
static void ldt_huge(struct vcpu_guest_context *c) { c->ldt_ents = 8193; }
static void ldt_in_hv(struct vcpu_guest_context *c) { c->ldt_base = 0xffff800000000000ul; }
static void gdt_huge(struct vcpu_guest_context *c) { c->gdt_ents = 14 * 512 + 1; }
static void assist_bad(struct vcpu_guest_context *c) { c->vm_assist = 1ul << 6; }
static void user_no_root(struct vcpu_guest_context *c) { c->flags = VGCF_online; }
static void root_ours(struct vcpu_guest_context *c) { c->ctrlreg[3] = os_virt_to_mfn(&dc) << 12; }
static void root_other(struct vcpu_guest_context *c) { c->ctrlreg[3] = frames[2] << 12; }
static void gdt_ours(struct vcpu_guest_context *c)
{
    c->gdt_ents = 16;
    c->gdt_frames[0] = os_virt_to_mfn(&dc);
}

static void contexts(void)
{
    long rc;

    t_rc("DOMCTL0070", "setvcpucontext with a non-canonical rip gives -EINVAL",
         set_context(rip_noncanon), -XEN_EINVAL);
    t_rc("DOMCTL0071", "setvcpucontext with a non-canonical trap handler gives -EINVAL",
         set_context(trap_noncanon), -XEN_EINVAL);
    t_rc("DOMCTL0072", "setvcpucontext with an unaligned LDT gives -EINVAL",
         set_context(ldt_unaligned), -XEN_EINVAL);
    t_rc("DOMCTL0073", "setvcpucontext with 8193 LDT entries gives -EINVAL",
         set_context(ldt_huge), -XEN_EINVAL);
    t_rc("DOMCTL0074", "setvcpucontext with an LDT in the hypervisor's area gives -EINVAL",
         set_context(ldt_in_hv), -XEN_EINVAL);
    t_rc("DOMCTL0075", "setvcpucontext with a GDT of 15 frames gives -EINVAL",
         set_context(gdt_huge), -XEN_EINVAL);
    t_rc("DOMCTL0076", "setvcpucontext with an unknown vm_assist gives -EINVAL",
         set_context(assist_bad), -XEN_EINVAL);
    t_rc("DOMCTL0077", "setvcpucontext in user mode with no user root gives -EINVAL",
         set_context(user_no_root), -XEN_EINVAL);
    t_rc("DOMCTL0078", "setvcpucontext with a root frame of ours gives -EINVAL",
         set_context(root_ours), -XEN_EINVAL);
    t_rc("DOMCTL0079", "setvcpucontext with a GDT frame of ours gives -EINVAL",
         set_context(gdt_ours), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 0, .ctxt = (uint64_t)&ctx } };
    t_rc("DOMCTL0080", "the vCPU is still not set after the refusals (-ENODATA)",
         domctl(XEN_DOMCTL_getvcpucontext, NEW_DOM), -XEN_ENODATA);

    rc = set_context(NULL);
    t_rc("DOMCTL0081", "setvcpucontext with an empty L4 of its own as root gives 0", rc, 0);
    for (unsigned int k = 0; k < sizeof(ctx); k++)
        ((uint8_t *)&ctx)[k] = 0xcc;
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 0, .ctxt = (uint64_t)&ctx } };
    rc = domctl(XEN_DOMCTL_getvcpucontext, NEW_DOM);
    t_check("DOMCTL0082", "getvcpucontext gives it back: rip, rsp, root, online, in kernel, no FPU state",
            rc == 0 && ctx.user_regs.rip == 0x400000 && ctx.user_regs.rsp == 0x401000 &&
            ctx.ctrlreg[3] == frames[0] << 12 && ctx.ctrlreg[1] == 0 &&
            ctx.flags == (VGCF_in_kernel | VGCF_online) &&
            ctx.kernel_sp == 0x401000 && ctx.gdt_ents == 0,
            "(rc=%ld rip=%#lx flags=%#lx cr3=%#lx)", rc, (unsigned long)ctx.user_regs.rip,
            (unsigned long)ctx.flags, (unsigned long)ctx.ctrlreg[3]);
    t_check("DOMCTL0083", "its cs got the kernel's RPL, rflags IF, dr7 and FPU control word defaults",
            ctx.user_regs.cs == FLAT_KERNEL_CS && ctx.user_regs.ss == FLAT_KERNEL_SS &&
            ctx.user_regs.rflags == 0x200 && ctx.debugreg[7] == 0x400 &&
            *(uint16_t *)&ctx.fpu_ctxt == 0x37f,
            "(cs=%#x ss=%#x rflags=%#lx dr7=%#lx fcw=%#x)", ctx.user_regs.cs, ctx.user_regs.ss,
            (unsigned long)ctx.user_regs.rflags, (unsigned long)ctx.debugreg[7],
            *(uint16_t *)&ctx.fpu_ctxt);
    t_rc("DOMCTL0084", "setvcpucontext again with another root gives -EOPNOTSUPP",
         set_context(root_other), -XEN_EOPNOTSUPP);
    t_rc("DOMCTL0085", "setvcpucontext again with the same root gives 0", set_context(NULL), 0);
    dc = (struct xen_domctl){ .u.hypercall_init.gmfn = frames[0] };
    t_rc("DOMCTL0086", "hypercall_init on its root table gives -EPERM",
         domctl(XEN_DOMCTL_hypercall_init, NEW_DOM), -XEN_EPERM);
    t_check("DOMCTL0087", "getdomaininfo: its vCPU is online now, the domain still paused",
            info(NEW_DOM) == 0 && dc.u.getdomaininfo.nr_online_vcpus == 1 &&
            (dc.u.getdomaininfo.flags & 0xffff) == XEN_DOMINF_paused, "(flags=%#x)",
            dc.u.getdomaininfo.flags);
}

/* A domain created with max_evtchn_port 2: Dom0 allocates its ports, the third is refused. */
static void port_limit(void)
{
    struct evtchn_alloc_unbound a = { .dom = PORTS_DOM, .remote_dom = 0 };
    long rc;

    good_config(2);
    if (!t_rc("DOMCTL0090", "createdomain of domain 10 with max_evtchn_port 2 gives 0",
              domctl(XEN_DOMCTL_createdomain, PORTS_DOM), 0))
        return;
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    t_check("DOMCTL0091", "alloc_unbound in it gives port 1", rc == 0 && a.port == 1,
            "(rc=%ld port=%u)", rc, a.port);
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    t_check("DOMCTL0092", "then port 2", rc == 0 && a.port == 2, "(rc=%ld port=%u)", rc, a.port);
    t_rc("DOMCTL0093", "a third port (above max_evtchn_port) gives -ENOSPC",
         HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a), -XEN_ENOSPC);
}

/*
 * Ids up to Xen's limit: the highest id is created, found by getdomaininfo
 * from an id far below it (the next one up) and destroyed, as on Xen.
 */
static void high_id(void)
{
    const domid_t top = DOMID_FIRST_RESERVED - 1;
    long rc;

    good_config(1023);
    if (!t_rc("DOMCTL0094", "createdomain of the highest id (0x7fef) gives 0",
              domctl(XEN_DOMCTL_createdomain, top), 0))
        return;
    rc = info(top);
    t_check("DOMCTL0095", "getdomaininfo of 0x7fef describes it", rc == 0 &&
            dc.domain == top && dc.u.getdomaininfo.domain == top, "(rc=%ld domain=%u)", rc,
            dc.domain);
    rc = info(PORTS_DOM + 1);
    t_check("DOMCTL0096", "getdomaininfo of domain 11 (none) gives the next one up, 0x7fef",
            rc == 0 && dc.domain == top, "(rc=%ld domain=%#x)", rc, dc.domain);
    good_config(1023);
    t_rc("DOMCTL0097", "createdomain of 0x7fef again gives -EEXIST",
         domctl(XEN_DOMCTL_createdomain, top), -XEN_EEXIST);
    dc = (struct xen_domctl){ 0 };
    t_rc("DOMCTL0098", "destroydomain of 0x7fef gives 0", domctl(XEN_DOMCTL_destroydomain, top), 0);
    t_rc("DOMCTL0099", "getdomaininfo of 0x7fef after it gives -ESRCH", info(top), -XEN_ESRCH);
}

static long vcpuinfo(domid_t dom, uint32_t vcpu)
{
    memset(&dc, 0x77, sizeof(dc));
    dc.u.getvcpuinfo.vcpu = vcpu;
    return domctl(XEN_DOMCTL_getvcpuinfo, dom);
}

static void vcpu_info_cases(void)
{
    const struct xen_domctl_getvcpuinfo *vi = &dc.u.getvcpuinfo;
    long rc = vcpuinfo(0, 0);

    /* With two vCPUs (test_smp_guest.py) vCPU 0 may be on any CPU: one of the machine's. */
    t_check("DOMCTL0100", "getvcpuinfo of our vCPU 0: online, running, not blocked, a CPU, some time",
            rc == 0 && vi->vcpu == 0 && vi->online == 1 && vi->running == 1 && vi->blocked == 0 &&
            vi->cpu < 64 && vi->cpu_time > 0 && vi->cpu_time != 0x7777777777777777ull,
            "(rc=%ld online=%u running=%u blocked=%u cpu=%u)", rc, vi->online, vi->running,
            vi->blocked, vi->cpu);
    rc = vcpuinfo(NEW_DOM, 0);
    t_check("DOMCTL0101", "of domain 1's vCPU (context set, never run): online, idle, no CPU time",
            rc == 0 && vi->online == 1 && vi->running == 0 && vi->blocked == 0 && vi->cpu == 0 &&
            vi->cpu_time == 0, "(rc=%ld online=%u running=%u blocked=%u cpu=%u time=%lu)", rc,
            vi->online, vi->running, vi->blocked, vi->cpu, (unsigned long)vi->cpu_time);
    t_rc("DOMCTL0102", "of a domain before max_vcpus gives -ESRCH", vcpuinfo(SPARE_DOM, 0),
         -XEN_ESRCH);
    rc = vcpuinfo(NEW_DOM, 1);
    t_check("DOMCTL0103", "of vCPU 1 of 1 gives -EINVAL and writes nothing back",
            rc == -XEN_EINVAL && vi->online == 0x77 && vi->cpu == 0x77777777u, "(rc=%ld)", rc);
    t_rc("DOMCTL0104", "of vCPU 2^32-1 gives -EINVAL", vcpuinfo(0, 0xffffffffu), -XEN_EINVAL);
    t_rc("DOMCTL0105", "of a domain that does not exist gives -ESRCH", vcpuinfo(SPARE_DOM + 2, 0),
         -XEN_ESRCH);
}

static uint8_t map_hard[16], map_soft[16];

/* set/getvcpuaffinity of dom's vCPU: flags, bitmaps (NULL: none) with their nr_bits. */
static long affinity(uint32_t cmd, domid_t dom, uint32_t vcpu, uint32_t flags, const void *hard,
                     uint32_t hard_bits, const void *soft, uint32_t soft_bits)
{
    dc = (struct xen_domctl){ 0 };
    dc.u.vcpuaffinity.vcpu = vcpu;
    dc.u.vcpuaffinity.flags = flags;
    dc.u.vcpuaffinity.cpumap_hard.bitmap.addr = (uint64_t)hard;
    dc.u.vcpuaffinity.cpumap_hard.nr_bits = hard_bits;
    dc.u.vcpuaffinity.cpumap_soft.bitmap.addr = (uint64_t)soft;
    dc.u.vcpuaffinity.cpumap_soft.nr_bits = soft_bits;
    return domctl(cmd, dom);
}

/* Are map's bytes first, then zeros up to `bytes`, then 0xaa (untouched)? */
static int map_is(const uint8_t *map, uint8_t first, unsigned int bytes)
{
    int ok = map[0] == first;

    for (unsigned int k = 1; k < sizeof(map_hard); k++)
        ok &= map[k] == (k < bytes ? 0 : 0xaa);
    return ok;
}

static void fill(uint8_t first)
{
    memset(map_hard, 0xaa, sizeof(map_hard));
    memset(map_soft, 0xaa, sizeof(map_soft));
    map_hard[0] = map_soft[0] = first;
}

static void affinity_cases(void)
{
    const uint32_t get = XEN_DOMCTL_getvcpuaffinity, set = XEN_DOMCTL_setvcpuaffinity;
    const uint32_t hard = XEN_VCPUAFFINITY_HARD, soft = XEN_VCPUAFFINITY_SOFT;
    struct xen_sysctl sc = { .cmd = XEN_SYSCTL_physinfo,
                             .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
    unsigned int cpus;
    uint8_t all;
    long rc;

    /* The CPUs there are (Xen's nr_cpu_ids): every map below is about them. */
    if (os_hypercall1(__HYPERVISOR_sysctl, &sc) != 0 || sc.u.physinfo.max_cpu_id >= 8) {
        t_case("DOMCTL0110", "vCPU affinity with at most 8 CPUs", T_SKIP, NULL);
        return;
    }
    cpus = sc.u.physinfo.max_cpu_id + 1;
    all = (uint8_t)((1u << cpus) - 1);

    fill(0xaa);
    rc = affinity(get, NEW_DOM, 0, hard | soft, map_hard, 64, map_soft, 64);
    t_check("DOMCTL0110", "getvcpuaffinity of a new vCPU: every CPU hard and soft, zeros to 64 bits",
            rc == 0 && map_is(map_hard, all, 8) && map_is(map_soft, all, 8),
            "(rc=%ld hard=%#x soft=%#x)", rc, map_hard[0], map_soft[0]);
    fill(0xff);
    rc = affinity(set, NEW_DOM, 0, hard, map_hard, 8, NULL, 0);
    t_check("DOMCTL0111", "setvcpuaffinity hard to CPUs 0-7: 0, the effective map (online CPUs) back",
            rc == 0 && map_is(map_hard, all, 1), "(rc=%ld hard=%#x)", rc, map_hard[0]);
    fill(0);
    t_rc("DOMCTL0112", "a hard map with no CPU gives -EINVAL",
         affinity(set, NEW_DOM, 0, hard, map_hard, 8, NULL, 0), -XEN_EINVAL);
    t_rc("DOMCTL0113", "a hard map of 0 bits gives -EINVAL",
         affinity(set, NEW_DOM, 0, hard, map_hard, 0, NULL, 0), -XEN_EINVAL);
    fill(0xff);
    t_rc("DOMCTL0114", "a hard map of 2^32-1 bits (Xen's byte count wraps to 0) gives -EINVAL",
         affinity(set, NEW_DOM, 0, hard, map_hard, 0xffffffffu, NULL, 0), -XEN_EINVAL);
    fill((uint8_t)~all);
    t_rc("DOMCTL0115", "a hard map naming only CPUs that are not there gives -EINVAL",
         cpus < 8 ? affinity(set, NEW_DOM, 0, hard, map_hard, 8, NULL, 0) : -XEN_EINVAL,
         -XEN_EINVAL);
    fill(0xff);
    t_rc("DOMCTL0116", "a hard map whose CPUs lie past its nr_bits (1 bit of 0xfe) gives -EINVAL",
         (map_hard[0] = 0xfe, affinity(set, NEW_DOM, 0, hard, map_hard, 1, NULL, 0)), -XEN_EINVAL);
    t_rc("DOMCTL0117", "flags 0 gives -EINVAL",
         affinity(set, NEW_DOM, 0, 0, map_hard, 8, map_soft, 8), -XEN_EINVAL);
    t_rc("DOMCTL0118", "hard named with a null bitmap gives -EINVAL",
         affinity(get, NEW_DOM, 0, hard | soft, NULL, 8, map_soft, 8), -XEN_EINVAL);
    fill(0);
    rc = affinity(set, NEW_DOM, 0, soft, NULL, 0, map_soft, 16);
    t_check("DOMCTL0119", "an empty soft map is taken; its effective map (empty) back, zeros to 16 bits",
            rc == 0 && map_is(map_soft, 0, 2), "(rc=%ld soft=%#x)", rc, map_soft[0]);
    fill(0xaa);
    rc = affinity(get, NEW_DOM, 0, soft | hard, map_hard, 3, map_soft, 8);
    t_check("DOMCTL0120", "get: soft empty, hard all CPUs (3 bits: one byte, whole)",
            rc == 0 && map_is(map_soft, 0, 1) && map_is(map_hard, all, 1),
            "(rc=%ld hard=%#x soft=%#x)", rc, map_hard[0], map_soft[0]);
    fill(0xaa);
    t_check("DOMCTL0121", "get with 2^32-1 bits writes nothing (Xen's byte count wraps to 0)",
            affinity(get, NEW_DOM, 0, hard, map_hard, 0xffffffffu, NULL, 0) == 0 &&
            map_is(map_hard, 0xaa, 0), NULL);
    t_rc("DOMCTL0122", "set soft from an unmapped bitmap gives -EFAULT",
         affinity(set, NEW_DOM, 0, soft, NULL, 0, (void *)T_UNMAPPED_VA, 8), -XEN_EFAULT);
    t_rc("DOMCTL0123", "get hard into an unmapped bitmap gives -EFAULT",
         affinity(get, NEW_DOM, 0, hard, (void *)T_UNMAPPED_VA, 8, NULL, 0), -XEN_EFAULT);
    fill(0xff);
    t_rc("DOMCTL0124", "set hard and soft, soft unmapped: -EFAULT",
         affinity(set, NEW_DOM, 0, hard | soft, map_hard, 8, (void *)T_UNMAPPED_VA, 8),
         -XEN_EFAULT);
    t_rc("DOMCTL0125", "vCPU 1 of 1 gives -EINVAL",
         affinity(get, NEW_DOM, 1, hard, map_hard, 8, NULL, 0), -XEN_EINVAL);
    t_rc("DOMCTL0126", "a domain before max_vcpus gives -ESRCH (before the flags are checked)",
         affinity(get, SPARE_DOM, 0, 0, NULL, 0, NULL, 0), -XEN_ESRCH);
    fill(0xff);
    rc = affinity(set, NEW_DOM, 0, soft, NULL, 0, map_soft, 8);
    t_check("DOMCTL0127", "soft back to every CPU: its effective map is all CPUs",
            rc == 0 && map_is(map_soft, all, 1), "(rc=%ld soft=%#x)", rc, map_soft[0]);
}

void suite_domctl(void)
{
    info_of_dom0();
    create_refused();
    create_one();
    if (info(NEW_DOM) == 0 && dc.domain == NEW_DOM)
        contexts();
    port_limit();
    high_id();
    vcpu_info_cases();
    affinity_cases();
}
