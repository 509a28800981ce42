/* HYPERVISOR_memory_op: the queries a PV kernel makes about its memory. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <asm/paging.h>
#include <hv/reservation.h>
#include <asm/bootinfo.h>
#include <asm/pv_mmu.h>

#define MEMOP_CMD_MASK 0x3f      /* the rest of cmd is a continuation's start extent */

static struct domain *domain_arg(XEN_GUEST_HANDLE_PARAM(void) arg, long *err)
{
    struct domain *d;
    domid_t id;
    *err = 0;
    if (copy_from_guest(&id, arg, 1)) {
        *err = -XEN_EFAULT;
        return NULL;
    }
    if (id == DOMID_SELF)
        return current->domain;
    d = domain_lookup(id);
    if (!d) {
        *err = -XEN_ESRCH;
        return NULL;
    }
    if (d != current->domain && !domain_is_privileged(current->domain)) {
        *err = -XEN_EPERM;
        return NULL;
    }
    return d;
}

/*
 * XENMEM_add_to_physmap is for translated guests (HVM/PVH): a PV domain
 * gets Xen's -EACCES once the argument and the domain check out (grant and
 * status frames reach a PV guest through setup_table/get_status_frames).
 */
static long add_to_physmap(uint64_t start, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_add_to_physmap x;

    if (start > UINT16_MAX)
        return -XEN_EDOM;                       /* the continuation index is a frame count */
    if (copy_from_guest(&x, arg, 1))
        return -XEN_EFAULT;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -XEN_ENOSYS;                     /* foreign frames: add_to_physmap_batch only */
    if (x.domid != DOMID_SELF && !domain_lookup(x.domid))
        return -XEN_ESRCH;
    return -XEN_EACCES;
}

/*
 * XENMEM_machine_memory_map (privileged domains): the loader's map in
 * address order with the reserved I/O frames of its holes, as Xen 4.17
 * answers (asm/e820_dom0.h). Xen's checks: a buffer must have room for every
 * entry and one more (-EINVAL, found entry by entry as Xen copies them; the
 * firmware's count plus one before anything), no buffer asks the count only.
 * The map is built on the stack for each call (3 KiB), as several vCPUs of
 * Dom0 may ask at once; `out` holds the longest map there can be, so
 * none is ever cut short (the loop below reads n entries).
 */
#define MACHINE_MAP_MAX E820_DOM0_MAX_ENTRIES(BOOT_MAX_RANGES, PV_DOM0_RESERVED_IO)

static long machine_memory_map(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct e820_dom0_entry fw[BOOT_MAX_RANGES];
    struct e820_dom0_entry out[MACHINE_MAP_MAX];
    struct xen_memory_map m;
    unsigned int nfw = boot_map_entries(), n;

    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    if (copy_from_guest(&m, arg, 1))
        return -XEN_EFAULT;
    for (unsigned int i = 0; i < nfw; i++)
        boot_map_entry(i, &fw[i].addr, &fw[i].size, &fw[i].type);
    e820_dom0_sort(fw, nfw);
    n = e820_dom0_build(fw, nfw, pv_dom0_reserved_io, PV_DOM0_RESERVED_IO, out,
                        MACHINE_MAP_MAX);
    if (!guest_handle_is_null(m.buffer)) {
        XEN_GUEST_HANDLE(xen_e820_entry_t) buf = guest_handle_cast(m.buffer, xen_e820_entry_t);
        if (m.nr_entries < nfw + 1)
            return -XEN_EINVAL;
        if (!guest_handle_okay(buf, m.nr_entries))
            return -XEN_EFAULT;
        for (unsigned int i = 0; i < n; i++) {
            struct xen_e820_entry e = { out[i].addr, out[i].size, out[i].type };
            unsigned int need = out[i].firmware_left ? out[i].firmware_left : 1;
            if (m.nr_entries <= i + need)
                return -XEN_EINVAL;
            if (copy_to_guest_offset(buf, i, &e, 1))
                return -XEN_EFAULT;
        }
    }
    m.nr_entries = n;
    return copy_to_guest(arg, &m, 1) ? -XEN_EFAULT : 0;
}

long do_memory_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d;
    long err;

    cmd = (uint32_t)cmd;                        /* Xen's cmd is an int */
    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return memory_reservation_op(cmd & MEMOP_CMD_MASK, cmd >> 6, arg);
    case XENMEM_add_to_physmap:
        return add_to_physmap(cmd >> 6, arg);
    }
    if (cmd >> 6)
        return -XEN_EINVAL;                     /* a start extent for an op that has none */
    switch (cmd) {
    case XENMEM_exchange:
        return memory_exchange(arg);
    case XENMEM_maximum_ram_page:
        return (long)max_mfn;
    case XENMEM_current_reservation:
        if (!(d = domain_arg(arg, &err)))
            return err;
        return (long)d->tot_pages;
    case XENMEM_maximum_reservation:
        if (!(d = domain_arg(arg, &err)))
            return err;
        return (long)d->max_pages;
    case XENMEM_maximum_gpfn: {
        if (!(d = domain_arg(arg, &err)))
            return err;
        uint64_t max_pfn = d->shared_info->arch.max_pfn;
        return (long)((max_pfn ? max_pfn : 1) - 1);
    }
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_END,
            .max_mfn = MACH2PHYS_NR_ENTRIES - 1,
        };
        return copy_to_guest(arg, &m, 1) ? -XEN_EFAULT : 0;
    }
    case XENMEM_machphys_mfn_list: {
        /* The M2P in 2 MiB extents: the first frame of each (ours are contiguous). */
        struct xen_machphys_mfn_list l;
        unsigned int n = (unsigned int)((m2p_pages + 511) / 512);
        if (copy_from_guest(&l, arg, 1))
            return -XEN_EFAULT;
        if (n > l.max_extents)
            n = l.max_extents;
        for (unsigned int i = 0; i < n; i++) {
            xen_pfn_t mfn = m2p_first_mfn + (uint64_t)i * 512;
            if (copy_to_guest_offset(l.extent_start, i, &mfn, 1))
                return -XEN_EFAULT;
        }
        l.nr_extents = n;
        return copy_to_guest(arg, &l, 1) ? -XEN_EFAULT : 0;
    }
    case XENMEM_memory_map: {
        /*
         * Xen answers from the map a toolstack set; a PV DomU gets one RAM
         * range (libxl's set_memmap_limit), which we give the boot DomU over
         * its pages. Nobody sets one for a PV Dom0: -ENOSYS, as on Xen 4.17
         * (Dom0 reads machine_memory_map).
         */
        struct xen_memory_map m;
        struct xen_e820_entry e = { 0, current->domain->tot_pages << PAGE_SHIFT, XEN_E820_RAM };
        if (current->domain->id == 0)
            return -XEN_ENOSYS;
        if (copy_from_guest(&m, arg, 1))
            return -XEN_EFAULT;
        if (m.nr_entries < 1)
            return -XEN_EINVAL;
        if (copy_to_guest(m.buffer, &e, 1))
            return -XEN_EFAULT;
        m.nr_entries = 1;
        return copy_to_guest(arg, &m, 1) ? -XEN_EFAULT : 0;
    }
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    default:
        return -XEN_ENOSYS;
    }
}
